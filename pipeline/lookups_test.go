package pipeline_test

import (
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline"
)

// TestNamedLookupsResolve checks that records found by name in the
// account's reference lists (lost reasons, task categories) are linked:
// Capsule wraps each list under its own key, which is not always the path.
func TestNamedLookupsResolve(t *testing.T) {
	const mapping = `version: 1
source: {key: ID}
records:
  company:
    entity: organisation
    fields: {name: Company}
  deal:
    entity: opportunity
    fields:
      name: Deal
      party: {record: company}
      milestone: {column: Stage, pipeline: Sales}
      lostReason: Lost Reason
  call:
    entity: task
    fields:
      description: {template: "Call about {Deal}"}
      dueOn: Due
      party: {record: company}
      category: Category
`
	cases := []struct {
		name, field, path string
		row               []string
	}{
		{"lost reason", "lostReason", "opportunities", []string{"1", "Acme", "Acme renewal", "Lost", "Price", "2027-01-05", "Call"}},
		{"task category", "category", "tasks", []string{"1", "Acme", "Acme renewal", "Lost", "Competitor", "2027-01-05", "Follow-up"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t) // the built-in seed has lost reasons and categories
			in := writeCSV(t, t.TempDir(), "deals.csv", []string{"ID", "Company", "Deal", "Stage", "Lost Reason", "Due", "Category"}, [][]string{c.row})
			res, err := pipeline.Import(ctxT(t), e.config(t, mapping, in))
			if err != nil {
				t.Fatal(err)
			}
			if res.Total.Rejected != 0 {
				t.Fatalf("rejected: %+v", res.Total)
			}
			recs := e.list(t, c.path)
			if len(recs) != 1 || recs[0][c.field] == nil {
				t.Fatalf("%s not set: %v", c.field, recs)
			}
		})
	}
}
