package mappings

import (
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// TestEvalBlankRow: a row with no value is skipped by every record instead
// of being rejected for the fields it lacks; a row with one value is not.
func TestEvalBlankRow(t *testing.T) {
	rec := benchRow()
	p := mustCompile(t, bench12, rec.Header)
	tests := []struct {
		name     string
		values   func(n int) []formats.Value
		wantSkip bool
	}{
		{"all null", func(n int) []formats.Value { return make([]formats.Value, n) }, true},
		{"only spaces", func(n int) []formats.Value {
			vs := make([]formats.Value, n)
			for i := range vs {
				vs[i] = str("  ")
			}
			return vs
		}, true},
		{"one value", func(n int) []formats.Value {
			vs := make([]formats.Value, n)
			vs[0] = str("x")
			return vs
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &formats.Record{Header: rec.Header, Values: tt.values(rec.Header.Len()), Pos: formats.Position{File: "f.csv", Row: 7}}
			ops, errs := p.Eval(r)
			if len(ops) != len(p.Records()) {
				t.Fatalf("got %d ops, want one per record (%d)", len(ops), len(p.Records()))
			}
			for _, op := range ops {
				if op.Skipped != tt.wantSkip {
					t.Errorf("record %s: Skipped = %v, want %v", op.Record, op.Skipped, tt.wantSkip)
				}
				if tt.wantSkip && (op.SkipReason == "" || op.Record == "" || op.Entity == "") {
					t.Errorf("skipped op lacks reason or identity: %+v", op)
				}
			}
			if tt.wantSkip && len(errs) != 0 {
				t.Errorf("blank row has row errors: %v", errs)
			}
		})
	}
}
