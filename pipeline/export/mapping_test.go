package export

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

// With a mapping, its reverse direction decides the columns, and a
// pipeline read from a column is written back to it.
func TestExportWithMapping(t *testing.T) {
	a := startSandbox(t)
	sd := accounttest.Seed(t, a.c)
	tests := []struct {
		name    string
		yaml    string
		header  string
		rows    int
		contain string
	}{
		{"people only", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: First\n      lastName: Last\n      organisation: Company\n      emailAddresses: [{address: Mail, type: Work}]\n",
			"First|Last|Company|Mail", len(sd.People), "Person0|Müller|Acme Ltd|p0.0@example.com"},
		{"organisations only", "version: 1\nrecords:\n  o:\n    entity: organisation\n    fields:\n      name: Company\n      tags: {column: Labels, split: \",\"}\n",
			"Company|Labels", len(sd.Orgs), "'=Initech|Customer"},
		{"deals with their pipeline", "version: 1\nrecords:\n  d:\n    entity: opportunity\n    match: [{id: Deal ID}]\n    fields:\n      name: Deal\n      party: Client\n      milestone: {column: Stage, pipeline: \"{Pipeline}\"}\n",
			"Deal|Client|Stage|Pipeline|Deal ID", len(sd.Opps), "Deal 0|Acme Ltd|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, probs := mappings.Parse([]byte(tt.yaml), "m.yaml")
			prog, more := mappings.Compile(m, nil)
			if probs = mappings.Merge(probs, more); probs.HasErrors() {
				t.Fatal(probs)
			}
			out := filepath.Join(t.TempDir(), "out.csv")
			sum, err := Export(context.Background(), a.c, Options{Mapping: prog, Output: out})
			if err != nil {
				t.Fatal(err)
			}
			h, recs := readAll(t, out, files.Options{})
			if got := strings.Join(h.Names(), "|"); got != tt.header {
				t.Errorf("header %s, want %s", got, tt.header)
			}
			var lines []string
			for _, r := range recs {
				var cells []string
				for _, v := range r.Values {
					cells = append(cells, v.Text())
				}
				lines = append(lines, strings.Join(cells, "|"))
			}
			if len(recs) != tt.rows || sum.Entities[0].Written != tt.rows || !strings.Contains(strings.Join(lines, "\n"), tt.contain) {
				t.Errorf("rows:\n%s\nwant %d rows containing %q", strings.Join(lines, "\n"), tt.rows, tt.contain)
			}
			if tt.name == "deals with their pipeline" {
				pi, _ := h.Index("Pipeline")
				for _, r := range recs {
					if r.Values[pi].Text() != "Sales" {
						t.Errorf("pipeline cell %q, want Sales", r.Values[pi].Text())
					}
				}
			}
		})
	}
}
