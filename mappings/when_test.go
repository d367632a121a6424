package mappings

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

func TestWhenConditions(t *testing.T) {
	h := formats.NewHeader([]string{"A", "N"})
	tests := []struct {
		name        string
		when        string
		cells       []formats.Value
		wantSkipped bool
		wantErr     string
	}{
		{"true", "{A} == 'x'", []formats.Value{str("x"), formats.IntValue(3)}, false, ""},
		{"false", "{A} == 'x'", []formats.Value{str("y"), formats.IntValue(3)}, true, ""},
		{"blank cell reads as empty text", "{A} != ''", []formats.Value{{}, {}}, true, ""},
		{"numbers compare as numbers", "{N} > 2", []formats.Value{str("x"), formats.IntValue(3)}, false, ""},
		{"not a boolean rejects the row", "{A}", []formats.Value{str("x"), {}}, false, "condition failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "version: 1\nrecords:\n  o:\n    entity: organisation\n    when: \"" + tt.when + "\"\n    fields: {name: A}\n"
			p := mustCompile(t, src, h)
			ops, errs := p.Eval(&formats.Record{Header: h, Values: tt.cells})
			if tt.wantErr != "" {
				if len(errs) == 0 || !strings.Contains(errs[0].Message, tt.wantErr) {
					t.Fatalf("errs = %v, want %q", errs, tt.wantErr)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if ops[0].Skipped != tt.wantSkipped {
				t.Errorf("skipped = %v, want %v", ops[0].Skipped, tt.wantSkipped)
			}
		})
	}
}

// TestSkippedRecordDropsRefs: a person whose company row is empty is
// written without a link rather than pointing at nothing.
func TestSkippedRecordDropsRefs(t *testing.T) {
	src := "version: 1\nrecords:\n  c:\n    entity: organisation\n    when: \"{Company} != ''\"\n    fields: {name: Company}\n  p:\n    entity: person\n    fields: {lastName: Name, organisation: {record: c}}\n"
	h := formats.NewHeader([]string{"Company", "Name"})
	p := mustCompile(t, src, h)
	ops, _ := p.Eval(&formats.Record{Header: h, Values: []formats.Value{{}, str("Smith")}})
	if !ops[0].Skipped || len(ops[1].Refs) != 0 {
		t.Errorf("ops = %+v", ops)
	}
	ops, _ = p.Eval(&formats.Record{Header: h, Values: []formats.Value{str("Acme"), str("Smith")}})
	if ops[0].Skipped || len(ops[1].Refs) != 1 || ops[1].Refs[0] != (Ref{Field: "organisation", Kind: RefRecord, Record: "c"}) {
		t.Errorf("ops = %+v", ops)
	}
}
