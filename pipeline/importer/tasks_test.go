package importer_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

const taskMapping = `version: 1
source: {key: ID}
records:
  person:
    entity: person
    match: [email]
    fields:
      firstName: First
      lastName: Last
      emailAddresses: [{address: Email}]
  followup:
    entity: task
    fields:
      description: Task
      dueOn: Due
      category: {value: Call}
      party: {record: person}
`

// Tasks (categories looked up, linked to the row's person) survive faults
// and are not repeated by a rerun.
func TestTasksWithFaults(t *testing.T) {
	e := newEnv(t, sandbox.WithFaultRate(0.3), sandbox.WithRand(rand.New(rand.NewPCG(9, 9))))
	dir := t.TempDir()
	var rows [][]string
	for i := range 40 {
		rows = append(rows, []string{itoa(i), "Ann", "Lee" + itoa(i), "ann" + itoa(i) + "@example.com", "Call back " + itoa(i), "2027-01-15"})
	}
	in := writeCSV(t, dir, "tasks.csv", []string{"ID", "First", "Last", "Email", "Task", "Due"}, rows)
	ctx := ctxT(t)
	for run := 1; ; run++ {
		if run > 30 {
			t.Fatal("not finished after 30 runs")
		}
		_, err := importer.Import(ctx, e.config(t, taskMapping, in))
		if err == nil {
			break
		}
		var ie *importer.IncompleteError
		if !errors.As(err, &ie) {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for _, task := range e.list(t, "tasks") {
		seen[task["description"].(string)]++
		if task["party"] == nil || task["category"] == nil {
			t.Errorf("task %v without party or category", task["description"])
		}
	}
	for _, r := range rows {
		if seen[r[4]] != 1 {
			t.Errorf("%q exists %d times", r[4], seen[r[4]])
		}
	}
	if len(seen) != len(rows) || e.srv.Stats().FaultsInjected == 0 {
		t.Fatalf("%d tasks, %d faults", len(seen), e.srv.Stats().FaultsInjected)
	}
	before := e.srv.Stats()
	if _, err := importer.Import(ctx, e.config(t, taskMapping, in)); err != nil {
		t.Fatal(err)
	}
	if after := e.srv.Stats(); after.Requests["POST"] != before.Requests["POST"] {
		t.Fatalf("rerun wrote: %v", after.Routes)
	}
}
