package layout

import (
	"fmt"
	"strings"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
)

// Row turns one record (*capsule.Party, *capsule.Opportunity, *capsule.Kase,
// *capsule.Entry or *capsule.Task, matching the layout's entity) into the
// cells of its row, reusing dst.
func (l *Layout) Row(rec any, dst []formats.Value) ([]formats.Value, error) {
	r := rowBuilder{cells: dst[:0]}
	switch v := rec.(type) {
	case *capsule.Party:
		partyTable.row(l, &r, v)
	case *capsule.Opportunity:
		opportunityTable.row(l, &r, v)
	case *capsule.Kase:
		kaseTable.row(l, &r, v)
	case *capsule.Entry:
		entryTable.row(l, &r, v)
	case *capsule.Task:
		taskTable.row(l, &r, v)
	default:
		return nil, fmt.Errorf("layout %s: cannot write a %T", l.Entity, rec)
	}
	if len(r.cells) != len(l.header) {
		return nil, fmt.Errorf("layout %s: %d cells for %d columns (a %T of another entity?)", l.Entity, len(r.cells), len(l.header), rec)
	}
	return r.cells, nil
}

// row writes v's cells, column by column.
func (t *table[T]) row(l *Layout, r *rowBuilder, v *T) {
	for _, c := range t.columns {
		c.cells(l, r, v)
	}
}

type rowBuilder struct{ cells []formats.Value }

func (r *rowBuilder) str(s string) {
	if s == "" {
		r.cells = append(r.cells, formats.NullValue())
		return
	}
	r.cells = append(r.cells, formats.StringValue(s))
}
func (r *rowBuilder) opt(o capsule.Opt[string]) { r.str(o.Value()) }
func (r *rowBuilder) id(id int64) {
	if id == 0 {
		r.cells = append(r.cells, formats.NullValue())
		return
	}
	r.cells = append(r.cells, formats.IntValue(id))
}
func (r *rowBuilder) num(o capsule.Opt[int]) {
	if v, ok := o.Get(); ok {
		r.cells = append(r.cells, formats.IntValue(int64(v)))
		return
	}
	r.cells = append(r.cells, formats.NullValue())
}
func (r *rowBuilder) date(o capsule.Opt[capsule.Date]) {
	if d, ok := o.Get(); ok && !d.IsZero() {
		r.cells = append(r.cells, formats.DateValue(dateTime(d)))
		return
	}
	r.cells = append(r.cells, formats.NullValue())
}
func (r *rowBuilder) ts(o capsule.Opt[capsule.Timestamp]) {
	if t, ok := o.Get(); ok && !t.IsZero() {
		r.cells = append(r.cells, formats.TimestampValue(t.Time))
		return
	}
	r.cells = append(r.cells, formats.NullValue())
}
func (r *rowBuilder) ref(o capsule.Opt[capsule.Ref]) {
	v, _ := o.Get()
	r.str(v.Name.Value())
}
func (r *rowBuilder) refWithID(o capsule.Opt[capsule.Ref]) {
	v, _ := o.Get()
	r.id(v.ID)
	r.str(v.Name.Value())
}
func (r *rowBuilder) party(o capsule.Opt[capsule.PartyRef]) {
	v, _ := o.Get()
	r.id(v.ID)
	r.str(PartyName(v))
}
func (r *rowBuilder) user(o capsule.Opt[capsule.UserRef]) {
	v, _ := o.Get()
	// The username is unique in an account and the importer looks users
	// up by name, username or email.
	if u := v.Username.Value(); u != "" {
		r.str(u)
		return
	}
	r.str(v.Name.Value())
}

// PartyName is the name a party is written (and looked up on import) by:
// an organisation's name, a person's first and last name.
func PartyName(p capsule.PartyRef) string {
	if n := p.Name.Value(); n != "" {
		return n
	}
	return strings.TrimSpace(p.FirstName.Value() + " " + p.LastName.Value())
}

// The numbered list columns of a parties file: l.Counts fixes how many.

func emailColumns(l *Layout, add func(string, formats.Kind)) {
	for i := 1; i <= l.Counts.Emails; i++ {
		add(fmt.Sprintf("Email %d", i), formats.String)
		add(fmt.Sprintf("Email %d Type", i), formats.String)
	}
}

func emailCells(l *Layout, r *rowBuilder, p *capsule.Party) {
	for i := range l.Counts.Emails {
		if i < len(p.EmailAddresses) {
			r.opt(p.EmailAddresses[i].Address)
			r.opt(p.EmailAddresses[i].Type)
		} else {
			r.str("")
			r.str("")
		}
	}
}

func phoneColumns(l *Layout, add func(string, formats.Kind)) {
	for i := 1; i <= l.Counts.Phones; i++ {
		add(fmt.Sprintf("Phone %d", i), formats.String)
		add(fmt.Sprintf("Phone %d Type", i), formats.String)
	}
}

func phoneCells(l *Layout, r *rowBuilder, p *capsule.Party) {
	for i := range l.Counts.Phones {
		if i < len(p.PhoneNumbers) {
			r.opt(p.PhoneNumbers[i].Number)
			r.opt(p.PhoneNumbers[i].Type)
		} else {
			r.str("")
			r.str("")
		}
	}
}

func addressColumns(l *Layout, add func(string, formats.Kind)) {
	for i := 1; i <= l.Counts.Addresses; i++ {
		for _, p := range addressParts {
			add(fmt.Sprintf("Address %d %s", i, p), formats.String)
		}
	}
}

func addressCells(l *Layout, r *rowBuilder, p *capsule.Party) {
	for i := range l.Counts.Addresses {
		var a capsule.Address
		if i < len(p.Addresses) {
			a = p.Addresses[i]
		}
		r.opt(a.Street)
		r.opt(a.City)
		r.opt(a.State)
		r.opt(a.Zip)
		r.opt(a.Country)
		r.opt(a.Type)
	}
}

func websiteColumns(l *Layout, add func(string, formats.Kind)) {
	for i := 1; i <= l.Counts.Websites; i++ {
		add(fmt.Sprintf("Website %d", i), formats.String)
		add(fmt.Sprintf("Website %d Service", i), formats.String)
		add(fmt.Sprintf("Website %d Type", i), formats.String)
	}
}

func websiteCells(l *Layout, r *rowBuilder, p *capsule.Party) {
	for i := range l.Counts.Websites {
		var w capsule.Website
		if i < len(p.Websites) {
			w = p.Websites[i]
		}
		r.opt(w.Address)
		r.opt(w.Service)
		r.opt(w.Type)
	}
}

// tagsFields writes the Tags column and one column per custom field
// definition of the layout (a record may hold several values of one
// definition, e.g. under different tags: they are joined like tags).
func (l *Layout) tagsFields(r *rowBuilder, tags []capsule.TagRef, fields []capsule.CustomField) {
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		if n := t.Name.Value(); n != "" {
			names = append(names, n)
		}
	}
	r.str(strings.Join(names, TagSeparator))
	for _, def := range l.Fields {
		var vals []capsule.FieldValue
		for _, f := range fields {
			d, _ := f.Definition.Get()
			if d.Name.Value() == def.Name && !f.Value.IsZero() && !f.Value.IsNull() {
				vals = append(vals, f.Value)
			}
		}
		switch {
		case len(vals) == 0:
			r.str("")
		case len(vals) == 1:
			r.cells = append(r.cells, fieldCell(def.Type, vals[0]))
		default:
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = v.String()
			}
			r.str(strings.Join(parts, TagSeparator))
		}
	}
}

func fieldCell(typ string, v capsule.FieldValue) formats.Value {
	switch typ {
	case "boolean":
		if b, ok := v.Bool(); ok {
			return formats.BoolValue(b)
		}
	case "number":
		if _, err := v.Float(); err == nil {
			return formats.DecimalValue(v.String())
		}
	case "date":
		if d, err := capsule.ParseDate(v.String()); err == nil {
			return formats.DateValue(dateTime(d))
		}
	}
	if s := v.String(); s != "" {
		return formats.StringValue(s)
	}
	return formats.NullValue()
}
