package importer_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// The progress line names the entity being written and counts its writes,
// in the order they are sent, instead of rows that stay at 0 until the
// last level is written.
func TestProgressCountsTheCurrentPhase(t *testing.T) {
	e := newEnv(t)
	rows := genRows(30)
	orgs, people, deals, notes := expected(rows)
	in := writeCSV(t, t.TempDir(), "contacts.csv", testHeader, rows)
	cfg := e.config(t, testMapping, in)
	var out bytes.Buffer
	cfg.Progress, cfg.ProgressEvery = &out, time.Millisecond
	if _, err := importer.Import(ctxT(t), cfg); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if want := fmt.Sprintf("notes %d/%d, ", notes, notes); !strings.Contains(last, want) {
		t.Errorf("last progress line %q, want %q", last, want)
	}
	re := regexp.MustCompile(`capsule-etl: (organisations|people|opportunities|notes) (\d+)/(\d+), `)
	order := map[string]int{"organisations": 0, "people": 1, "opportunities": 2, "notes": 3}
	totals := map[string]int{"organisations": orgs, "people": people, "opportunities": deals, "notes": notes}
	prev := 0
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if order[m[1]] < prev {
			t.Errorf("phase %s after a later one: %q", m[1], l)
		}
		prev = order[m[1]]
		if m[3] != fmt.Sprint(totals[m[1]]) {
			t.Errorf("%q: %s total %s, want %d", l, m[1], m[3], totals[m[1]])
		}
	}
}
