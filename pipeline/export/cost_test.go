package export

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

// createParties adds n organisations with an email each.
func createParties(t testing.TB, c *capsule.Client, n int) {
	t.Helper()
	c.Pacer().SetPending(n)
	for i := range n {
		_, _, err := c.Parties.Create(context.Background(), &capsule.Party{Type: s("organisation"), Name: s(fmt.Sprintf("Org %04d", i)),
			EmailAddresses: []capsule.EmailAddress{{Address: s(fmt.Sprintf("o%d@example.com", i))}}, Tags: []capsule.TagRef{{Name: s("Bulk")}}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestExportThousandPartiesCostsAtMostADozenRequests(t *testing.T) {
	a := startSandbox(t)
	createParties(t, a.c, 1000)
	before := a.run.Server.Stats()
	out := filepath.Join(t.TempDir(), "parties.csv")
	sum, err := Export(context.Background(), a.c, Options{Entities: []string{layout.Parties}, Output: out, IncludeDeleted: true, Counter: a.rc})
	if err != nil {
		t.Fatal(err)
	}
	after := a.run.Server.Stats()
	total := 0
	for m, n := range after.Requests {
		total += n - before.Requests[m]
	}
	t.Logf("%d requests for 1,000 parties", total)
	if total > 12 {
		t.Errorf("%d requests for 1,000 parties, want at most 12 (routes %v)", total, after.Routes)
	}
	if int64(total) != sum.Requests {
		t.Errorf("summary says %d requests, the sandbox saw %d", sum.Requests, total)
	}
	if _, recs := readAll(t, out, files.Options{}); len(recs) != 1000 {
		t.Errorf("%d rows, want 1000", len(recs))
	}
}

func TestExportWorkbookOneSheetPerEntity(t *testing.T) {
	a := startSandbox(t)
	sd := accounttest.Seed(t, a.c)
	out := filepath.Join(t.TempDir(), "all.xlsx")
	sum, err := Export(context.Background(), a.c, Options{Entities: layout.All, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{layout.Parties: len(sd.Orgs) + len(sd.People), layout.Opportunities: len(sd.Opps),
		layout.Kases: len(sd.Kases), layout.Entries: len(sd.Entries), layout.Tasks: len(sd.Tasks)}
	for i, e := range layout.All {
		h, recs := readAll(t, out, files.Options{Sheet: e})
		if got, ok := layout.Detect(h); !ok || got != e {
			t.Errorf("sheet %s: Detect = %q %v", e, got, ok)
		}
		if len(recs) != want[e] || sum.Entities[i].Written != want[e] {
			t.Errorf("sheet %s: %d rows (summary %d), want %d", e, len(recs), sum.Entities[i].Written, want[e])
		}
	}
}

func TestExportOptionErrors(t *testing.T) {
	a := startSandbox(t)
	dir := t.TempDir()
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"no output", Options{Entities: []string{layout.Parties}}, "no output file"},
		{"unknown format", Options{Entities: []string{layout.Parties}, Output: filepath.Join(dir, "x.doc")}, "unknown file format"},
		{"unknown entity", Options{Entities: []string{"people"}, Output: filepath.Join(dir, "x.csv")}, `unknown entity "people"`},
		{"several entities in a CSV", Options{Entities: []string{layout.Parties, layout.Tasks}, Output: filepath.Join(dir, "x.csv")}, "need an .xlsx output"},
		{"no entity", Options{Output: filepath.Join(dir, "x.csv")}, "no entity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := a.rc.Count()
			_, err := Export(context.Background(), a.c, tt.opt)
			if err == nil || !contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if a.rc.Count() != n {
				t.Errorf("requests sent before the options were refused")
			}
		})
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && func() bool {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
		return false
	}())
}
