package layout

import (
	"fmt"
	"slices"
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

// New builds the layout of entity; counts only matter for parties and
// fields for parties, opportunities and kases.
func New(entity string, counts Counts, fields []Field, pipelines map[int64]string) (*Layout, error) {
	l := &Layout{Entity: entity, Counts: counts, Fields: fields, Pipelines: pipelines}
	add := func(name string, k formats.Kind) { l.header = append(l.header, name); l.kinds = append(l.kinds, k) }
	S, I, D, T := formats.String, formats.Int, formats.Date, formats.Timestamp
	switch entity {
	case Parties:
		for _, c := range []string{"ID", "Type", "Name", "Title", "First Name", "Last Name", "Job Title", "Organisation ID", "Organisation", "About", "Owner", "Team"} {
			add(c, map[bool]formats.Kind{true: I, false: S}[strings.HasSuffix(c, "ID")])
		}
		for i := 1; i <= counts.Emails; i++ {
			add(fmt.Sprintf("Email %d", i), S)
			add(fmt.Sprintf("Email %d Type", i), S)
		}
		for i := 1; i <= counts.Phones; i++ {
			add(fmt.Sprintf("Phone %d", i), S)
			add(fmt.Sprintf("Phone %d Type", i), S)
		}
		for i := 1; i <= counts.Addresses; i++ {
			for _, p := range addressParts {
				add(fmt.Sprintf("Address %d %s", i, p), S)
			}
		}
		for i := 1; i <= counts.Websites; i++ {
			add(fmt.Sprintf("Website %d", i), S)
			add(fmt.Sprintf("Website %d Service", i), S)
			add(fmt.Sprintf("Website %d Type", i), S)
		}
	case Opportunities:
		add("ID", I)
		for _, c := range []string{"Name", "Description"} {
			add(c, S)
		}
		add("Party ID", I)
		for _, c := range []string{"Party", "Pipeline", "Milestone"} {
			add(c, S)
		}
		add("Value", formats.Decimal)
		add("Currency", S)
		add("Probability", I)
		add("Expected Close On", D)
		add("Duration", I)
		add("Duration Basis", S)
		add("Closed On", D)
		add("Lost Reason", S)
		add("Owner", S)
		add("Team", S)
	case Kases:
		add("ID", I)
		add("Name", S)
		add("Description", S)
		add("Party ID", I)
		add("Party", S)
		add("Opportunity ID", I)
		add("Opportunity", S)
		add("Status", S)
		add("Stage", S)
		add("Start On", D)
		add("Expected Close On", D)
		add("Closed On", D)
		add("Owner", S)
		add("Team", S)
	case Entries:
		add("ID", I)
		add("Type", S)
		add("Subject", S)
		add("Content", S)
		add("Entry At", T)
		add("Creator", S)
		add("Activity Type", S)
		l.addLinks(add)
		add("Created At", T)
		add("Updated At", T)
		return l, nil
	case Tasks:
		add("ID", I)
		add("Description", S)
		add("Detail", S)
		add("Due On", D)
		add("Due Time", S)
		add("Status", S)
		add("Category", S)
		add("Owner", S)
		l.addLinks(add)
		add("Completed At", T)
		add("Created At", T)
		add("Updated At", T)
		return l, nil
	default:
		return nil, fmt.Errorf("unknown entity %q: use %s", entity, strings.Join(All, ", "))
	}
	add("Tags", S)
	for _, f := range fields {
		add(FieldPrefix+f.Name, fieldKind(f.Type))
	}
	add("Created At", T)
	add("Updated At", T)
	add("Last Contacted At", T)
	return l, nil
}

func (l *Layout) addLinks(add func(string, formats.Kind)) {
	add("Party ID", formats.Int)
	add("Party", formats.String)
	add("Opportunity ID", formats.Int)
	add("Opportunity", formats.String)
	add("Project ID", formats.Int)
	add("Project", formats.String)
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
