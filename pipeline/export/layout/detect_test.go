package layout

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/mappings"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   string
		ok     bool
	}{
		{"nil header", nil, "", false},
		{"a contacts file", []string{"First Name", "Last Name", "Email"}, "", false},
		{"deleted companion file", []string{"Entity", "ID", "Deleted At"}, "", false},
		{"parties without ID", []string{"Type", "Name", "First Name", "Last Name", "Organisation"}, "", false},
		{"parties, any case and spacing", []string{" id ", "TYPE", "name", "first name", "Last Name", "organisation"}, Parties, true},
		{"parties with an errors file's extra columns", []string{"ID", "Type", "Name", "First Name", "Last Name", "Organisation", "_row", "_reason"}, Parties, true},
		{"opportunities", []string{"ID", "Name", "Party", "Pipeline", "Milestone", "Value", "Currency"}, Opportunities, true},
		{"kases", []string{"ID", "Name", "Party", "Opportunity", "Status", "Stage"}, Kases, true},
		{"entries", []string{"ID", "Type", "Content", "Entry At", "Party", "Opportunity", "Project"}, Entries, true},
		{"tasks", []string{"ID", "Description", "Due On", "Status", "Category"}, Tasks, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h *formats.Header
			if tt.header != nil {
				h = formats.NewHeader(tt.header)
			}
			got, ok := Detect(h)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Detect = %q %v, want %q %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Every default header is detected as its own entity and its mapping
// compiles with zero problems, also with columns removed in a spreadsheet.
func TestMappingFitsHeader(t *testing.T) {
	for _, e := range All {
		for _, drop := range []string{"", "Tags", "Owner", "Email 2 Type", "Website 1 Service", "Address 1 Country", "Description", "Party", "Pipeline"} {
			t.Run(e+" without "+drop, func(t *testing.T) {
				l, err := New(e, Counts{2, 1, 1, 1}, []Field{{"Tier", "list"}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, n := range l.Header() {
					if n != drop {
						names = append(names, n)
					}
				}
				h := formats.NewHeader(names)
				if got, ok := Detect(h); ok && got != e {
					t.Fatalf("Detect = %s, want %s", got, e)
				}
				m, err := Mapping(e, h)
				if err != nil {
					t.Fatal(err)
				}
				if _, probs := mappings.Compile(m, h); len(probs) != 0 {
					src, _ := MappingYAML(e, h)
					t.Fatalf("%v\n%s", probs, src)
				}
			})
		}
	}
}

func TestMappingErrors(t *testing.T) {
	tests := []struct {
		name   string
		entity string
		header []string
		want   string
	}{
		{"unknown entity", "people", []string{"ID"}, `unknown entity "people"`},
		{"no header", Parties, nil, "no header"},
		{"no ID column", Tasks, []string{"Description", "Due On"}, "no ID column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h *formats.Header
			if tt.header != nil {
				h = formats.NewHeader(tt.header)
			}
			if _, err := Mapping(tt.entity, h); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := New("people", Counts{}, nil, nil); err == nil {
		t.Error("New accepted an unknown entity")
	}
}

// Type values edited in a spreadsheet (case, spaces) still choose the record.
func TestMappingTypeIsForgiving(t *testing.T) {
	h := formats.NewHeader([]string{"ID", "Type", "Name", "First Name", "Last Name", "Organisation"})
	m, err := Mapping(Parties, h)
	if err != nil {
		t.Fatal(err)
	}
	prog, probs := mappings.Compile(m, h)
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	tests := []struct{ typ, want string }{{"organisation", "organisation"}, {" Organisation ", "organisation"}, {"PERSON", "person"}, {"robot", ""}}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			vals := []formats.Value{formats.IntValue(1), formats.StringValue(tt.typ), formats.StringValue("Acme"), formats.StringValue("Ann"), {}, {}}
			ops, errs := prog.Eval(&formats.Record{Header: h, Values: vals})
			if len(errs) != 0 {
				t.Fatal(errs)
			}
			got := ""
			for _, op := range ops {
				if !op.Skipped {
					got += op.PartyType
				}
			}
			if got != tt.want {
				t.Errorf("written %q, want %q", got, tt.want)
			}
		})
	}
}
