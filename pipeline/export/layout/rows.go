package layout

import (
	"fmt"
	"strconv"
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
		l.party(&r, v)
	case *capsule.Opportunity:
		l.opportunity(&r, v)
	case *capsule.Kase:
		l.kase(&r, v)
	case *capsule.Entry:
		l.entry(&r, v)
	case *capsule.Task:
		l.task(&r, v)
	default:
		return nil, fmt.Errorf("layout %s: cannot write a %T", l.Entity, rec)
	}
	if len(r.cells) != len(l.header) {
		return nil, fmt.Errorf("layout %s: %d cells for %d columns (a %T of another entity?)", l.Entity, len(r.cells), len(l.header), rec)
	}
	return r.cells, nil
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

func (l *Layout) party(r *rowBuilder, p *capsule.Party) {
	r.id(p.ID)
	r.opt(p.Type)
	r.opt(p.Name)
	r.opt(p.Title)
	r.opt(p.FirstName)
	r.opt(p.LastName)
	r.opt(p.JobTitle)
	r.party(p.Organisation)
	r.opt(p.About)
	r.user(p.Owner)
	r.ref(p.Team)
	c := l.Counts
	for i := range c.Emails {
		if i < len(p.EmailAddresses) {
			r.opt(p.EmailAddresses[i].Address)
			r.opt(p.EmailAddresses[i].Type)
		} else {
			r.str("")
			r.str("")
		}
	}
	for i := range c.Phones {
		if i < len(p.PhoneNumbers) {
			r.opt(p.PhoneNumbers[i].Number)
			r.opt(p.PhoneNumbers[i].Type)
		} else {
			r.str("")
			r.str("")
		}
	}
	for i := range c.Addresses {
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
	for i := range c.Websites {
		var w capsule.Website
		if i < len(p.Websites) {
			w = p.Websites[i]
		}
		r.opt(w.Address)
		r.opt(w.Service)
		r.opt(w.Type)
	}
	l.tagsFields(r, p.Tags, p.Fields)
	r.ts(p.CreatedAt)
	r.ts(p.UpdatedAt)
	r.ts(p.LastContactedAt)
}

func (l *Layout) opportunity(r *rowBuilder, o *capsule.Opportunity) {
	r.id(o.ID)
	r.opt(o.Name)
	r.opt(o.Description)
	r.party(o.Party)
	ms, _ := o.Milestone.Get()
	r.str(l.Pipelines[ms.ID])
	r.str(ms.Name.Value())
	val, _ := o.Value.Get()
	if a, ok := val.Amount.Get(); ok {
		r.cells = append(r.cells, formats.DecimalValue(strconv.FormatFloat(a, 'f', -1, 64)))
	} else {
		r.str("")
	}
	r.opt(val.Currency)
	r.num(o.Probability)
	r.date(o.ExpectedCloseOn)
	r.num(o.Duration)
	r.opt(o.DurationBasis)
	r.date(o.ClosedOn)
	r.ref(o.LostReason)
	r.user(o.Owner)
	r.ref(o.Team)
	l.tagsFields(r, o.Tags, o.Fields)
	r.ts(o.CreatedAt)
	r.ts(o.UpdatedAt)
	r.ts(o.LastContactedAt)
}

func (l *Layout) kase(r *rowBuilder, k *capsule.Kase) {
	r.id(k.ID)
	r.opt(k.Name)
	r.opt(k.Description)
	r.party(k.Party)
	r.refWithID(k.Opportunity)
	r.opt(k.Status)
	r.ref(k.Stage)
	r.date(k.StartOn)
	r.date(k.ExpectedCloseOn)
	r.date(k.ClosedOn)
	r.user(k.Owner)
	r.ref(k.Team)
	l.tagsFields(r, k.Tags, k.Fields)
	r.ts(k.CreatedAt)
	r.ts(k.UpdatedAt)
	r.ts(k.LastContactedAt)
}

func (l *Layout) entry(r *rowBuilder, e *capsule.Entry) {
	r.id(e.ID)
	r.opt(e.Type)
	r.opt(e.Subject)
	r.opt(e.Content)
	r.ts(e.EntryAt)
	r.user(e.Creator)
	r.ref(e.ActivityType)
	r.party(e.Party)
	r.refWithID(e.Opportunity)
	r.refWithID(e.Kase)
	r.ts(e.CreatedAt)
	r.ts(e.UpdatedAt)
}

func (l *Layout) task(r *rowBuilder, t *capsule.Task) {
	r.id(t.ID)
	r.opt(t.Description)
	r.opt(t.Detail)
	r.date(t.DueOn)
	r.opt(t.DueTime)
	r.opt(t.Status)
	cat, _ := t.Category.Get()
	r.str(cat.Name.Value())
	r.user(t.Owner)
	r.party(t.Party)
	r.refWithID(t.Opportunity)
	r.refWithID(t.Kase)
	r.ts(t.CompletedAt)
	r.ts(t.CreatedAt)
	r.ts(t.UpdatedAt)
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
