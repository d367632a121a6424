package mappings

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// A milestone's pipeline is a constant or, written "{Column}", read per row.
func TestMilestonePipelineFromColumn(t *testing.T) {
	h := formats.NewHeader([]string{"Name", "Stage", "Pipe"})
	tests := []struct {
		name     string
		pipeline string
		pipeCell string
		want     string
	}{
		{"constant", "Sales", "Other", "Sales"},
		{"column placeholder", "{Pipe}", "Renewals", "Renewals"},
		{"placeholder trims the cell", "{ Pipe }", " Partners ", "Partners"},
		{"blank cell", "{Pipe}", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "version: 1\nrecords:\n  d:\n    entity: opportunity\n    fields:\n      name: Name\n      party: {value: Acme}\n" +
				"      milestone: {column: Stage, pipeline: \"" + tt.pipeline + "\"}\n"
			for _, hdr := range []*formats.Header{h, nil} {
				p := mustCompile(t, src, hdr)
				ops, errs := p.Eval(&formats.Record{Header: h, Values: []formats.Value{str("Deal"), str("Won"), str(tt.pipeCell)}})
				if len(errs) > 0 {
					t.Fatal(errs)
				}
				var got *Ref
				for i := range ops[0].Refs {
					if ops[0].Refs[i].Field == "milestone" {
						got = &ops[0].Refs[i]
					}
				}
				if got == nil || got.Name != "Won" || got.Pipeline != tt.want {
					t.Fatalf("milestone ref = %+v, want Won in %q", got, tt.want)
				}
			}
		})
	}
}

func TestMilestonePipelineColumnMissing(t *testing.T) {
	h := formats.NewHeader([]string{"Name", "Stage"})
	src := "version: 1\nrecords:\n  d:\n    entity: opportunity\n    fields:\n      name: Name\n      party: {value: Acme}\n      milestone: {column: Stage, pipeline: \"{Pipe}\"}\n"
	m, probs := Parse([]byte(src), "t.yaml")
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	_, probs = Compile(m, h)
	if !probs.HasErrors() || !contains1(probs.Error(), "Pipe") {
		t.Fatalf("problems = %v, want the missing Pipe column", probs)
	}
}

// The reverse direction writes the pipeline column back from
// milestone.pipeline.name, so the export re-imports.
func TestMilestonePipelineColumnReverse(t *testing.T) {
	src := "version: 1\nrecords:\n  d:\n    entity: opportunity\n    fields:\n      name: Name\n      party: {value: Acme}\n      milestone: {column: Stage, pipeline: \"{Pipe}\"}\n"
	p := mustCompile(t, src, nil)
	exp, probs := p.Reverse("")
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	tests := []struct {
		name string
		rec  map[string]any
		want string
	}{
		{"with pipeline", map[string]any{"name": "Deal", "milestone": map[string]any{"id": 1.0, "name": "Won", "pipeline": map[string]any{"name": "Renewals"}}}, "Deal|Won|Renewals"},
		{"stub without pipeline", map[string]any{"name": "Deal", "milestone": map[string]any{"id": 1.0, "name": "Won"}}, "Deal|Won|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(exp.Header.Names(), "|"); got != "Name|Stage|Pipe" {
				t.Fatalf("header %s", got)
			}
			cells, err := exp.Row(tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, c := range cells {
				parts = append(parts, c.Text())
			}
			if got := strings.Join(parts, "|"); got != tt.want {
				t.Errorf("row %s, want %s", got, tt.want)
			}
		})
	}
}
