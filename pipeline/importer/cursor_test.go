package importer_test

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

const cursorMapping = `version: 1
records:
  person:
    entity: person
    match: [email]
    fields:
      firstName: First
      lastName: Last
      emailAddresses: [{address: Email}]
      tags: {column: Tags, split: ";"}
`

// After a run, the index cursor is the newest updatedAt seen or written
// and the records the run wrote are in the cached index: the next runs
// of the same input only refresh, whatever the size of the account.
// CAPSULE_ETL_CURSOR_ROWS sets the size (default 2000) to measure larger
// accounts.
func TestRunsAfterTheFirstOnlyRefreshTheIndex(t *testing.T) {
	n := 2000
	if s := os.Getenv("CAPSULE_ETL_CURSOR_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	// Capsule stamps updatedAt to the second, and at its pace (4,000
	// requests an hour) a run's writes are seconds apart: the sandbox's
	// clock ticks 100ms a request, in the past, so the overlap window below
	// the cursor holds a few records as it would, not a whole run.
	var ticks atomic.Int64
	base := time.Now().Add(-12 * time.Hour)
	clock := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * 100 * time.Millisecond) }
	e := newEnv(t, sandbox.WithRateLimit(1_000_000, time.Hour), sandbox.WithClock(clock))
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("Pat%d", i), fmt.Sprintf("Nguyen%d", i), fmt.Sprintf("pat.nguyen%d@riverbend.example", i), "Prospect;Expo 2024"}
	}
	in := writeCSV(t, t.TempDir(), "expo-leads.csv", []string{"First", "Last", "Email", "Tags"}, rows)
	cfg := e.config(t, cursorMapping, in)
	cfg.Workers = 8
	if res, err := importer.Import(ctxT(t), cfg); err != nil || res.Total.Created != n {
		t.Fatalf("first run: %v %+v", err, res)
	}
	for run := 2; run <= 3; run++ {
		before := e.srv.Stats()
		res, err := importer.Import(ctxT(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		after := e.srv.Stats()
		lists := after.Routes["GET /parties"] - before.Routes["GET /parties"]
		t.Logf("run %d on %d records: %d requests (%d listing pages of /parties)", run, n, res.Requests, lists)
		if res.Total.Unchanged != n || after.Requests["POST"]+after.Requests["PUT"] != before.Requests["POST"]+before.Requests["PUT"] {
			t.Errorf("run %d: %+v", run, res.Total)
		}
		if lists > 1 {
			t.Errorf("run %d listed %d pages of /parties: the index was paged again instead of refreshed", run, lists)
		}
	}
}
