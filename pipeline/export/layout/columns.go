package layout

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
)

// Entities of the default layout, as given to --entity.
// They are capsule's collection paths.
const (
	Parties       = capsule.PathParties
	Opportunities = capsule.PathOpportunities
	Kases         = capsule.PathKases
	Entries       = capsule.PathEntries
	Tasks         = capsule.PathTasks
)

// All lists the entities in the order an "all" export writes them (and an
// import must create them: parties before what links to them):
// capsule.Collections.
var All = slices.Clone(capsule.Collections)

// FieldPrefix starts the column of a custom field: "Field: Lead Source".
const FieldPrefix = "Field: "

// TagSeparator joins tags in the Tags column; the mapping splits on ";".
const TagSeparator = "; "

// Counts are the numbers of numbered list columns of a parties file.
type Counts struct{ Emails, Phones, Addresses, Websites int }

// Max returns the larger count of each list.
func (c Counts) Max(o Counts) Counts {
	return Counts{max(c.Emails, o.Emails), max(c.Phones, o.Phones), max(c.Addresses, o.Addresses), max(c.Websites, o.Websites)}
}

// CountsOf is what one party needs.
func CountsOf(p *capsule.Party) Counts {
	return Counts{len(p.EmailAddresses), len(p.PhoneNumbers), len(p.Addresses), len(p.Websites)}
}

// Field is a custom field definition of the account as the layout uses it.
type Field struct {
	Name string
	Type string // text, date, list, boolean, number, link
}

// Layout is the default export layout of one entity for one file: the
// numbered list columns and custom fields are fixed when it is made.
type Layout struct {
	Entity    string
	Counts    Counts
	Fields    []Field
	Pipelines map[int64]string // milestone id -> pipeline name (opportunities)

	header []string
	kinds  []formats.Kind
}

// A column is one entry of an entity's column table: usually one column,
// sometimes a group written together (a link's id and name, the numbered
// e-mail columns, the custom fields). The same entry gives the header, the
// cells of a row and the import mapping's lines, so the three cannot
// disagree.
type column[T any] struct {
	name   string       // the column; "" for a group
	kind   formats.Kind // of name
	group  func(l *Layout, add func(string, formats.Kind))
	cells  func(l *Layout, r *rowBuilder, v *T)
	imp    func(g *gen, name string) // mapping lines; nil: not imported (read-only)
	record string                    // parties: only in this record's fields
}

// table is the default layout of one entity.
type table[T any] struct {
	entity  string
	records []record // of the import mapping, in order
	columns []column[T]
}

// record is one record of the import mapping of a layout.
type record struct {
	name    string // also its entity
	when    string // expression; "" for none
	whenCol string // when only if the file has this column ("" always)
	match   string
}

// header lists t's columns for l.
func (t *table[T]) header(l *Layout, add func(string, formats.Kind)) {
	for _, c := range t.columns {
		if c.group != nil {
			c.group(l, add)
		} else {
			add(c.name, c.kind)
		}
	}
}

// Column builders. get reads the value off the record.

func idColumn[T any](get func(*T) int64) column[T] {
	return column[T]{name: "ID", kind: formats.Int, cells: func(_ *Layout, r *rowBuilder, v *T) { r.id(get(v)) }}
}

func optColumn[T any](name string, get func(*T) capsule.Opt[string], imp func(*gen, string)) column[T] {
	return column[T]{name: name, kind: formats.String, cells: func(_ *Layout, r *rowBuilder, v *T) { r.opt(get(v)) }, imp: imp}
}

func refColumn[T any](name string, get func(*T) capsule.Opt[capsule.Ref], imp func(*gen, string)) column[T] {
	return column[T]{name: name, kind: formats.String, cells: func(_ *Layout, r *rowBuilder, v *T) { r.ref(get(v)) }, imp: imp}
}

func userColumn[T any](name string, get func(*T) capsule.Opt[capsule.UserRef], imp func(*gen, string)) column[T] {
	return column[T]{name: name, kind: formats.String, cells: func(_ *Layout, r *rowBuilder, v *T) { r.user(get(v)) }, imp: imp}
}

func numColumn[T any](name string, get func(*T) capsule.Opt[int], imp func(*gen, string)) column[T] {
	return column[T]{name: name, kind: formats.Int, cells: func(_ *Layout, r *rowBuilder, v *T) { r.num(get(v)) }, imp: imp}
}

func dateColumn[T any](name string, get func(*T) capsule.Opt[capsule.Date], imp func(*gen, string)) column[T] {
	return column[T]{name: name, kind: formats.Date, cells: func(_ *Layout, r *rowBuilder, v *T) { r.date(get(v)) }, imp: imp}
}

func tsColumn[T any](name string, get func(*T) capsule.Opt[capsule.Timestamp]) column[T] {
	return column[T]{name: name, kind: formats.Timestamp, cells: func(_ *Layout, r *rowBuilder, v *T) { r.ts(get(v)) }}
}

// partyLink is a linked party's "<name> ID" and "<name>" columns.
func partyLink[T any](name, field string, get func(*T) capsule.Opt[capsule.PartyRef]) column[T] {
	return column[T]{
		group: func(_ *Layout, add func(string, formats.Kind)) {
			add(name+" ID", formats.Int)
			add(name, formats.String)
		},
		cells: func(_ *Layout, r *rowBuilder, v *T) { r.party(get(v)) },
		imp:   func(g *gen, _ string) { g.link(field, name, name+" ID") },
	}
}

// refLink is a linked opportunity's or kase's id and name columns.
func refLink[T any](name, field string, get func(*T) capsule.Opt[capsule.Ref]) column[T] {
	return column[T]{
		group: func(_ *Layout, add func(string, formats.Kind)) {
			add(name+" ID", formats.Int)
			add(name, formats.String)
		},
		cells: func(_ *Layout, r *rowBuilder, v *T) { r.refWithID(get(v)) },
		imp:   func(g *gen, _ string) { g.link(field, name, name+" ID") },
	}
}

// tagsFields is the Tags column and one "Field: X" column per custom field
// definition of the layout.
func tagsFields[T any](get func(*T) ([]capsule.TagRef, []capsule.CustomField)) column[T] {
	return column[T]{
		group: func(l *Layout, add func(string, formats.Kind)) {
			add("Tags", formats.String)
			for _, f := range l.Fields {
				add(FieldPrefix+f.Name, fieldKind(f.Type))
			}
		},
		cells: func(l *Layout, r *rowBuilder, v *T) { tags, fields := get(v); l.tagsFields(r, tags, fields) },
		imp:   func(g *gen, _ string) { g.tagsFields() },
	}
}

// links are the Party, Opportunity and Project columns of notes and tasks.
func links[T any](party func(*T) capsule.Opt[capsule.PartyRef], opp, kase func(*T) capsule.Opt[capsule.Ref]) []column[T] {
	return []column[T]{partyLink("Party", "party", party), refLink("Opportunity", "opportunity", opp), refLink("Project", "kase", kase)}
}

// stamps are the read-only timestamp columns most entities end with.
func stamps[T any](created, updated, contacted func(*T) capsule.Opt[capsule.Timestamp]) []column[T] {
	out := []column[T]{tsColumn("Created At", created), tsColumn("Updated At", updated)}
	if contacted != nil {
		out = append(out, tsColumn("Last Contacted At", contacted))
	}
	return out
}

// Mapping lines of a column: text takes off the CSV formula guard; typed
// columns (dates, numbers, enums) are read as they are.
func text(field string) func(*gen, string)  { return func(g *gen, col string) { g.text(field, col) } }
func plain(field string) func(*gen, string) { return func(g *gen, col string) { g.col(field, col) } }

var partyTable = &table[capsule.Party]{
	entity: Parties,
	records: []record{
		{name: "organisation", when: `"lower(trim({Type})) == 'organisation'"`, match: "[{id: ID}, name]"},
		{name: "person", when: `"lower(trim({Type})) == 'person'"`, match: "[{id: ID}, email]"},
	},
	columns: slices.Concat([]column[capsule.Party]{
		idColumn(func(p *capsule.Party) int64 { return p.ID }),
		optColumn("Type", func(p *capsule.Party) capsule.Opt[string] { return p.Type }, nil),
		only("organisation", optColumn("Name", func(p *capsule.Party) capsule.Opt[string] { return p.Name }, text("name"))),
		only("person", optColumn("Title", func(p *capsule.Party) capsule.Opt[string] { return p.Title }, text("title"))),
		only("person", optColumn("First Name", func(p *capsule.Party) capsule.Opt[string] { return p.FirstName }, text("firstName"))),
		only("person", optColumn("Last Name", func(p *capsule.Party) capsule.Opt[string] { return p.LastName }, text("lastName"))),
		only("person", optColumn("Job Title", func(p *capsule.Party) capsule.Opt[string] { return p.JobTitle }, text("jobTitle"))),
		// By id in the same account; by name in another one, where it links
		// to the organisation created from the same file (organisations are
		// written first).
		only("person", partyLink("Organisation", "organisation", func(p *capsule.Party) capsule.Opt[capsule.PartyRef] { return p.Organisation })),
		optColumn("About", func(p *capsule.Party) capsule.Opt[string] { return p.About }, text("about")),
		userColumn("Owner", func(p *capsule.Party) capsule.Opt[capsule.UserRef] { return p.Owner }, text("owner")),
		refColumn("Team", func(p *capsule.Party) capsule.Opt[capsule.Ref] { return p.Team }, text("team")),
		{group: emailColumns, cells: emailCells, imp: emailMapping},
		{group: phoneColumns, cells: phoneCells, imp: phoneMapping},
		{group: addressColumns, cells: addressCells, imp: addressMapping},
		{group: websiteColumns, cells: websiteCells, imp: websiteMapping},
		tagsFields(func(p *capsule.Party) ([]capsule.TagRef, []capsule.CustomField) { return p.Tags, p.Fields }),
	}, stamps(func(p *capsule.Party) capsule.Opt[capsule.Timestamp] { return p.CreatedAt },
		func(p *capsule.Party) capsule.Opt[capsule.Timestamp] { return p.UpdatedAt },
		func(p *capsule.Party) capsule.Opt[capsule.Timestamp] { return p.LastContactedAt })),
}

func only[T any](record string, c column[T]) column[T] { c.record = record; return c }

var opportunityTable = &table[capsule.Opportunity]{
	entity:  Opportunities,
	records: []record{{name: "opportunity", match: "[{id: ID}]"}},
	columns: slices.Concat([]column[capsule.Opportunity]{
		idColumn(func(o *capsule.Opportunity) int64 { return o.ID }),
		optColumn("Name", func(o *capsule.Opportunity) capsule.Opt[string] { return o.Name }, text("name")),
		optColumn("Description", func(o *capsule.Opportunity) capsule.Opt[string] { return o.Description }, text("description")),
		partyLink("Party", "party", func(o *capsule.Opportunity) capsule.Opt[capsule.PartyRef] { return o.Party }),
		{group: func(_ *Layout, add func(string, formats.Kind)) {
			add("Pipeline", formats.String)
			add("Milestone", formats.String)
		},
			cells: func(l *Layout, r *rowBuilder, o *capsule.Opportunity) {
				ms, _ := o.Milestone.Get()
				r.str(l.Pipelines[ms.ID])
				r.str(ms.Name.Value())
			},
			imp: func(g *gen, _ string) {
				if g.has("Milestone") && g.has("Pipeline") { // a milestone name means nothing without its pipeline
					g.line(3, "milestone: {column: %s, pipeline: %s, transform: [unguard]}", q("Milestone"), q("{Pipeline}"))
				}
			}},
		{group: func(_ *Layout, add func(string, formats.Kind)) {
			add("Value", formats.Decimal)
			add("Currency", formats.String)
		},
			cells: func(_ *Layout, r *rowBuilder, o *capsule.Opportunity) {
				val, _ := o.Value.Get()
				if a, ok := val.Amount.Get(); ok {
					r.cells = append(r.cells, formats.DecimalValue(strconv.FormatFloat(a, 'f', -1, 64)))
				} else {
					r.str("")
				}
				r.opt(val.Currency)
			},
			imp: func(g *gen, _ string) {
				if g.has("Value") && g.has("Currency") {
					g.line(3, "value: {amount: {column: Value, type: decimal}, currency: {column: Currency}}")
				}
			}},
		numColumn("Probability", func(o *capsule.Opportunity) capsule.Opt[int] { return o.Probability }, plain("probability")),
		dateColumn("Expected Close On", func(o *capsule.Opportunity) capsule.Opt[capsule.Date] { return o.ExpectedCloseOn }, plain("expectedCloseOn")),
		numColumn("Duration", func(o *capsule.Opportunity) capsule.Opt[int] { return o.Duration }, plain("duration")),
		optColumn("Duration Basis", func(o *capsule.Opportunity) capsule.Opt[string] { return o.DurationBasis }, plain("durationBasis")),
		dateColumn("Closed On", func(o *capsule.Opportunity) capsule.Opt[capsule.Date] { return o.ClosedOn }, nil),
		refColumn("Lost Reason", func(o *capsule.Opportunity) capsule.Opt[capsule.Ref] { return o.LostReason }, text("lostReason")),
		userColumn("Owner", func(o *capsule.Opportunity) capsule.Opt[capsule.UserRef] { return o.Owner }, text("owner")),
		refColumn("Team", func(o *capsule.Opportunity) capsule.Opt[capsule.Ref] { return o.Team }, text("team")),
		tagsFields(func(o *capsule.Opportunity) ([]capsule.TagRef, []capsule.CustomField) { return o.Tags, o.Fields }),
	}, stamps(func(o *capsule.Opportunity) capsule.Opt[capsule.Timestamp] { return o.CreatedAt },
		func(o *capsule.Opportunity) capsule.Opt[capsule.Timestamp] { return o.UpdatedAt },
		func(o *capsule.Opportunity) capsule.Opt[capsule.Timestamp] { return o.LastContactedAt })),
}

var kaseTable = &table[capsule.Kase]{
	entity:  Kases,
	records: []record{{name: "project", match: "[{id: ID}]"}},
	columns: slices.Concat([]column[capsule.Kase]{
		idColumn(func(k *capsule.Kase) int64 { return k.ID }),
		optColumn("Name", func(k *capsule.Kase) capsule.Opt[string] { return k.Name }, text("name")),
		optColumn("Description", func(k *capsule.Kase) capsule.Opt[string] { return k.Description }, text("description")),
		partyLink("Party", "party", func(k *capsule.Kase) capsule.Opt[capsule.PartyRef] { return k.Party }),
		refLink("Opportunity", "opportunity", func(k *capsule.Kase) capsule.Opt[capsule.Ref] { return k.Opportunity }),
		optColumn("Status", func(k *capsule.Kase) capsule.Opt[string] { return k.Status }, plain("status")),
		refColumn("Stage", func(k *capsule.Kase) capsule.Opt[capsule.Ref] { return k.Stage }, nil),
		dateColumn("Start On", func(k *capsule.Kase) capsule.Opt[capsule.Date] { return k.StartOn }, nil),
		dateColumn("Expected Close On", func(k *capsule.Kase) capsule.Opt[capsule.Date] { return k.ExpectedCloseOn }, plain("expectedCloseOn")),
		dateColumn("Closed On", func(k *capsule.Kase) capsule.Opt[capsule.Date] { return k.ClosedOn }, nil),
		userColumn("Owner", func(k *capsule.Kase) capsule.Opt[capsule.UserRef] { return k.Owner }, text("owner")),
		refColumn("Team", func(k *capsule.Kase) capsule.Opt[capsule.Ref] { return k.Team }, text("team")),
		tagsFields(func(k *capsule.Kase) ([]capsule.TagRef, []capsule.CustomField) { return k.Tags, k.Fields }),
	}, stamps(func(k *capsule.Kase) capsule.Opt[capsule.Timestamp] { return k.CreatedAt },
		func(k *capsule.Kase) capsule.Opt[capsule.Timestamp] { return k.UpdatedAt },
		func(k *capsule.Kase) capsule.Opt[capsule.Timestamp] { return k.LastContactedAt })),
}

var entryTable = &table[capsule.Entry]{
	entity: Entries,
	// Only notes can be written through the API; other entry types
	// (emails, ...) are skipped.
	records: []record{{name: "note", when: `"lower(trim({Type})) in ['', 'note']"`, whenCol: "Type", match: "[{id: ID}]"}},
	columns: slices.Concat([]column[capsule.Entry]{
		idColumn(func(e *capsule.Entry) int64 { return e.ID }),
		optColumn("Type", func(e *capsule.Entry) capsule.Opt[string] { return e.Type }, nil),
		optColumn("Subject", func(e *capsule.Entry) capsule.Opt[string] { return e.Subject }, nil),
		optColumn("Content", func(e *capsule.Entry) capsule.Opt[string] { return e.Content }, text("content")),
		{name: "Entry At", kind: formats.Timestamp, cells: func(_ *Layout, r *rowBuilder, e *capsule.Entry) { r.ts(e.EntryAt) }, imp: plain("entryAt")},
		userColumn("Creator", func(e *capsule.Entry) capsule.Opt[capsule.UserRef] { return e.Creator }, nil),
		refColumn("Activity Type", func(e *capsule.Entry) capsule.Opt[capsule.Ref] { return e.ActivityType }, nil),
	}, links(func(e *capsule.Entry) capsule.Opt[capsule.PartyRef] { return e.Party },
		func(e *capsule.Entry) capsule.Opt[capsule.Ref] { return e.Opportunity },
		func(e *capsule.Entry) capsule.Opt[capsule.Ref] { return e.Kase }),
		stamps(func(e *capsule.Entry) capsule.Opt[capsule.Timestamp] { return e.CreatedAt },
			func(e *capsule.Entry) capsule.Opt[capsule.Timestamp] { return e.UpdatedAt }, nil)),
}

var taskTable = &table[capsule.Task]{
	entity:  Tasks,
	records: []record{{name: "task", match: "[{id: ID}]"}},
	columns: slices.Concat([]column[capsule.Task]{
		idColumn(func(t *capsule.Task) int64 { return t.ID }),
		optColumn("Description", func(t *capsule.Task) capsule.Opt[string] { return t.Description }, text("description")),
		optColumn("Detail", func(t *capsule.Task) capsule.Opt[string] { return t.Detail }, text("detail")),
		dateColumn("Due On", func(t *capsule.Task) capsule.Opt[capsule.Date] { return t.DueOn }, plain("dueOn")),
		optColumn("Due Time", func(t *capsule.Task) capsule.Opt[string] { return t.DueTime }, plain("dueTime")),
		optColumn("Status", func(t *capsule.Task) capsule.Opt[string] { return t.Status }, plain("status")),
		{name: "Category", kind: formats.String, cells: func(_ *Layout, r *rowBuilder, t *capsule.Task) {
			cat, _ := t.Category.Get()
			r.str(cat.Name.Value())
		}, imp: text("category")},
		userColumn("Owner", func(t *capsule.Task) capsule.Opt[capsule.UserRef] { return t.Owner }, text("owner")),
	}, links(func(t *capsule.Task) capsule.Opt[capsule.PartyRef] { return t.Party },
		func(t *capsule.Task) capsule.Opt[capsule.Ref] { return t.Opportunity },
		func(t *capsule.Task) capsule.Opt[capsule.Ref] { return t.Kase }),
		[]column[capsule.Task]{tsColumn("Completed At", func(t *capsule.Task) capsule.Opt[capsule.Timestamp] { return t.CompletedAt })},
		stamps(func(t *capsule.Task) capsule.Opt[capsule.Timestamp] { return t.CreatedAt },
			func(t *capsule.Task) capsule.Opt[capsule.Timestamp] { return t.UpdatedAt }, nil)),
}

// New builds the layout of entity; counts only matter for parties and
// fields for parties, opportunities and kases.
func New(entity string, counts Counts, fields []Field, pipelines map[int64]string) (*Layout, error) {
	l := &Layout{Entity: entity, Counts: counts, Fields: fields, Pipelines: pipelines}
	add := func(name string, k formats.Kind) { l.header = append(l.header, name); l.kinds = append(l.kinds, k) }
	switch entity {
	case Parties:
		partyTable.header(l, add)
	case Opportunities:
		opportunityTable.header(l, add)
	case Kases:
		kaseTable.header(l, add)
	case Entries:
		entryTable.header(l, add)
	case Tasks:
		taskTable.header(l, add)
	default:
		return nil, fmt.Errorf("unknown entity %q: use %s", entity, strings.Join(All, ", "))
	}
	return l, nil
}

var addressParts = []string{"Street", "City", "State", "Zip", "Country", "Type"}

// fieldKind is a custom field's column type. Number fields are Float: a
// Parquet decimal column has one scale for the whole file, which would
// pad "10.5" to "10.50" and change the stored text on re-import; a double
// keeps the shortest form. Cells stay exact Decimal text for CSV and JSONL.
func fieldKind(t string) formats.Kind {
	switch t {
	case "number":
		return formats.Float
	case "boolean":
		return formats.Bool
	case "date":
		return formats.Date
	}
	return formats.String
}

// Header is the column names, in file order.
func (l *Layout) Header() []string { return l.header }

// Kinds is the type of each column (for Parquet and XLSX).
func (l *Layout) Kinds() []formats.Kind { return l.kinds }

// Detect recognises a file in the default layout of an entity by its
// columns; extra columns are allowed, so a file edited in a spreadsheet
// still imports.
func Detect(h *formats.Header) (string, bool) {
	if h == nil {
		return "", false
	}
	has := func(cols ...string) bool {
		for _, c := range cols {
			if _, ok := h.Index(c); !ok {
				return false
			}
		}
		return true
	}
	switch {
	case !has("ID"):
		return "", false
	case has("Type", "Name", "First Name", "Last Name", "Organisation"):
		return Parties, true
	case has("Name", "Party", "Pipeline", "Milestone", "Value", "Currency"):
		return Opportunities, true
	case has("Name", "Party", "Opportunity", "Status", "Stage"):
		return Kases, true
	case has("Type", "Content", "Entry At", "Party", "Opportunity", "Project"):
		return Entries, true
	case has("Description", "Due On", "Status", "Category"):
		return Tasks, true
	}
	return "", false
}
