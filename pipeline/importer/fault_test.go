package importer_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// checkExactlyOnce asserts every record the rows make exists exactly once.
func checkExactlyOnce(t *testing.T, e *env, rows [][]string) {
	t.Helper()
	orgs, people, deals, notes := expected(rows)
	count := map[string]int{}
	for _, p := range e.list(t, "parties") {
		if p["type"] == "organisation" {
			count["org "+fmt.Sprint(p["name"])]++
		} else {
			count["person "+fmt.Sprint(p["lastName"])]++
			if p["organisation"] == nil {
				t.Errorf("person %v lost its organisation", p["lastName"])
			}
		}
	}
	for _, o := range e.list(t, "opportunities") {
		count["deal "+fmt.Sprint(o["name"])]++
	}
	for _, n := range e.list(t, "entries") {
		count["note "+fmt.Sprint(n["content"])]++
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("%s exists %d times", k, n)
		}
	}
	if len(count) != orgs+people+deals+notes {
		t.Errorf("%d distinct records, want %d", len(count), orgs+people+deals+notes)
	}
}

// checkAccounted asserts every row read has an outcome per entity of the
// mapping; finished also wants none left pending or in doubt.
func checkAccounted(t *testing.T, res *importer.Result, finished bool) {
	t.Helper()
	if res == nil || len(res.Entities) == 0 {
		t.Fatalf("no summary: %+v", res)
	}
	for _, ec := range res.Entities {
		c := ec.Counts
		n := c.Created + c.Updated + c.Unchanged + c.Skipped + c.Rejected + c.Reused
		if finished && c.InDoubt+c.Pending != 0 {
			t.Errorf("%s: %+v left after a finished run", ec.Entity, c)
		}
		if n += c.InDoubt + c.Pending; n != res.Rows {
			t.Errorf("%s: outcomes %+v add up to %d, want the %d rows read", ec.Entity, c, n, res.Rows)
		}
	}
}

func TestFaultsRerunUntilDoneLeavesEveryRecordOnce(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { faultLoop(t, seed) })
	}
}

func faultLoop(t *testing.T, seed uint64) {
	e := newEnv(t, sandbox.WithFaultRate(0.2), sandbox.WithDropRate(0.1), sandbox.WithRand(rand.New(rand.NewPCG(seed, seed*7))))
	dir := t.TempDir()
	rows := genRows(150)
	in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	ctx := ctxT(t)
	const maxRuns = 30
	runs := 0
	for {
		runs++
		if runs > maxRuns {
			t.Fatalf("not finished after %d runs", maxRuns)
		}
		res, err := importer.Import(ctx, e.config(t, testMapping, in))
		if res != nil {
			checkAccounted(t, res, err == nil)
		}
		if err == nil {
			break
		}
		var ie *importer.IncompleteError
		if !errors.As(err, &ie) {
			t.Fatalf("run %d: %v", runs, err)
		}
	}
	t.Logf("finished after %d runs; faults injected %d", runs, e.srv.Stats().FaultsInjected)
	if e.srv.Stats().FaultsInjected == 0 {
		t.Fatal("no fault was injected: the test proves nothing")
	}
	checkExactlyOnce(t, e, rows)
}
