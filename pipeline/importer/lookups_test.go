package importer_test

import (
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
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
			res, err := importer.Import(ctxT(t), e.config(t, mapping, in))
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

// TestSkippedMatchStillLinks: a record with on_match: skip that matches a
// record created by an earlier row of the same input is not written again,
// but the records of its row still link to it.
func TestSkippedMatchStillLinks(t *testing.T) {
	const mapping = `version: 1
source: {key: ID}
records:
  company:
    entity: organisation
    match: [name]
    on_match: skip
    fields: {name: Company}
  person:
    entity: person
    fields:
      firstName: First
      lastName: Last
      organisation: {record: company}
`
	e := newEnv(t)
	in := writeCSV(t, t.TempDir(), "people.csv", []string{"ID", "Company", "First", "Last"},
		[][]string{{"1", "Acme", "Ann", "Lee"}, {"2", "Acme", "Bob", "Ray"}})
	if _, err := importer.Import(ctxT(t), e.config(t, mapping, in)); err != nil {
		t.Fatal(err)
	}
	var orgID any
	linked := 0
	for _, p := range e.list(t, "parties") {
		switch p["type"] {
		case "organisation":
			orgID = p["id"]
		case "person":
			if o, ok := p["organisation"].(map[string]any); ok && o["id"] != nil {
				linked++
			}
		}
	}
	if orgID == nil || linked != 2 {
		t.Fatalf("organisation %v, %d of 2 people linked to it", orgID, linked)
	}
}
