package importer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// seedPeople fills the sandbox with n people (pat.nguyen<i>@riverbend.example)
// through an import that keeps no index.
func seedPeople(t *testing.T, e *env, n int) (input string) {
	t.Helper()
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("Pat%d", i), fmt.Sprintf("Nguyen%d", i), fmt.Sprintf("pat.nguyen%d@riverbend.example", i), "Prospect"}
	}
	in := writeCSV(t, t.TempDir(), "seed.csv", []string{"First", "Last", "Email", "Tags"}, rows)
	cfg := e.config(t, cursorMapping, in)
	cfg.Workers, cfg.NoIndexCache = 8, true
	if res, err := importer.Import(ctxT(t), cfg); err != nil || res.Total.Created != n {
		t.Fatalf("seeding: %v %+v", err, res)
	}
	return in
}

func accountSize(t *testing.T) int {
	n := 2000
	if s := os.Getenv("CAPSULE_ETL_INDEX_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	return n
}

// One index per account: the first import of any file into the account
// lists it once into the cache directory; a new file imported after it
// only refreshes that index (since and the deleted feed).
// CAPSULE_ETL_INDEX_ROWS sets the account's size (default 2000).
func TestSecondInputReusesTheAccountIndex(t *testing.T) {
	n := accountSize(t)
	// The sandbox's clock ticks 100ms a request, in the past, as Capsule's
	// would at its pace (see TestRunsAfterTheFirstOnlyRefreshTheIndex).
	var ticks atomic.Int64
	base := time.Now().Add(-12 * time.Hour)
	clock := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * 100 * time.Millisecond) }
	e := newEnv(t, sandbox.WithRateLimit(1_000_000, time.Hour), sandbox.WithClock(clock))
	seedPeople(t, e, n)
	cache := t.TempDir()
	header := []string{"Email Address", "First Name", "Last Name", "Lead Status"}
	oneRow := func(name, email string) importer.Config {
		in := writeCSV(t, t.TempDir(), name, header, [][]string{{email, "Dana", "Okafor", "New"}})
		cfg := e.config(t, `version: 1
records:
  person:
    entity: person
    match: [email]
    fields:
      firstName: First Name
      lastName: Last Name
      emailAddresses: [{address: Email Address}]
`, in)
		cfg.IndexCacheDir = cache
		cfg.MatchBy = importer.MatchByIndex
		return cfg
	}
	first, err := importer.Import(ctxT(t), oneRow("hubspot-contacts.csv", "dana.okafor@lakeside.example"))
	if err != nil || first.Total.Created != 1 {
		t.Fatalf("first file: %v %+v", err, first)
	}
	pages := int64(n/100 + 1)
	if first.Requests < pages {
		t.Errorf("first file into an account never seen: %d requests, want the listing (%d pages) paid once", first.Requests, pages)
	}
	second, err := importer.Import(ctxT(t), oneRow("webinar-signups.csv", "pat.nguyen7@riverbend.example"))
	if err != nil || second.Total.Updated+second.Total.Unchanged != 1 {
		t.Fatalf("second file: %v %+v", err, second)
	}
	t.Logf("account of %d people: first new file %d requests, second new file %d", n, first.Requests, second.Requests)
	if second.Requests > 5 {
		t.Errorf("second new file: %d requests, want at most 5 (the index refreshed, not listed again)", second.Requests)
	}
	files, err := filepath.Glob(filepath.Join(cache, "index", "*.db"))
	if err != nil || len(files) != 1 {
		t.Fatalf("cache files: %v %v", files, err)
	}
	st, err := os.Stat(files[0])
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode: %v %v, want 0600", st.Mode().Perm(), err)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil || strings.Contains(string(raw), sandbox.DefaultToken) {
		t.Errorf("the token is in the cache file (%v)", err)
	}
	removed, err := importer.ClearIndexCache(cache)
	if err != nil || len(removed) == 0 {
		t.Fatalf("clear: %v %v", removed, err)
	}
	if left, _ := filepath.Glob(filepath.Join(cache, "index", "*")); len(left) != 0 {
		t.Errorf("left after clear: %v", left)
	}
}

// A one-row file into a large account the run has no index of is matched
// by search: a handful of requests, not a listing of the account; so is a
// second new file after it.
func TestOneRowIntoLargeAccountSearches(t *testing.T) {
	n := accountSize(t)
	e := newEnv(t, sandbox.WithRateLimit(1_000_000, time.Hour))
	seedPeople(t, e, n)
	cache := t.TempDir()
	header := []string{"Email", "First name", "Last name"}
	mapping := `version: 1
records:
  person:
    entity: person
    match: [email]
    fields:
      firstName: First name
      lastName: Last name
      emailAddresses: [{address: Email}]
`
	for i, row := range [][]string{{"m.haddad@quayside.example", "Mira", "Haddad"}, {"pat.nguyen42@riverbend.example", "Pat", "Nguyen-Ward"}} {
		in := writeCSV(t, t.TempDir(), fmt.Sprintf("google-contacts-%d.csv", i+1), header, [][]string{row})
		cfg := e.config(t, mapping, in)
		cfg.IndexCacheDir = cache
		res, err := importer.Import(ctxT(t), cfg)
		if err != nil || res.Total.Created+res.Total.Updated != 1 {
			t.Fatalf("file %d: %v %+v", i+1, err, res)
		}
		t.Logf("account of %d people, new one-row file %d: %d requests (%v)", n, i+1, res.Requests, res.Matching)
		if res.Requests > 5 {
			t.Errorf("file %d: %d requests, want at most 5", i+1, res.Requests)
		}
	}
}

// The dry run's request estimate counts the reads the real run makes after
// it (preflight, index refresh or searches) with the writes, within 5%.
func TestDryRunEstimateCountsTheReads(t *testing.T) {
	var ticks atomic.Int64
	base := time.Now().Add(-12 * time.Hour)
	clock := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * 100 * time.Millisecond) }
	e := newEnv(t, sandbox.WithRateLimit(1_000_000, time.Hour), sandbox.WithClock(clock))
	seedPeople(t, e, 2000)
	header := []string{"First", "Last", "Email", "Tags"}
	var big [][]string
	for i := 0; i < 300; i++ {
		if i%2 == 0 {
			big = append(big, []string{fmt.Sprintf("Pat%d", i), fmt.Sprintf("Nguyen-Hart%d", i), fmt.Sprintf("pat.nguyen%d@riverbend.example", i), "Prospect"})
		} else {
			big = append(big, []string{"Sam", fmt.Sprintf("Osei%d", i), fmt.Sprintf("sam.osei%d@tradeshow.example", i), "Expo 2025"})
		}
	}
	for _, tc := range []struct {
		name string
		rows [][]string
	}{
		{"one new row, matched by search", [][]string{{"Ivy", "Chen", "ivy.chen@lumen.example", "Webinar"}}},
		{"300 rows, matched by the index", big},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := writeCSV(t, t.TempDir(), "leads.csv", header, tc.rows)
			cfg := e.config(t, cursorMapping, in)
			cfg.IndexCacheDir = t.TempDir()
			var summary strings.Builder
			dry := cfg
			dry.DryRun, dry.PlanSummary = true, &summary
			dr, err := importer.Import(ctxT(t), dry)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(summary.String(), "reads") {
				t.Errorf("the summary does not count the reads:\n%s", summary.String())
			}
			res, err := importer.Import(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("dry run estimated %d requests (it sent %d), the run sent %d; %v", dr.EstimatedRequests, dr.Requests, res.Requests, dr.Matching)
			diff := float64(dr.EstimatedRequests) - float64(res.Requests)
			if diff < 0 {
				diff = -diff
			}
			if diff > 0.05*float64(res.Requests) {
				t.Errorf("estimate %d, real run %d: off by more than 5%%\n%s", dr.EstimatedRequests, res.Requests, summary.String())
			}
		})
	}
}

// Importing again every row the account was filled from (a re-import of
// its own records) into an account never seen pays the listing once:
// under a fiftieth of a request per row.
func TestReimportOfTheWholeAccountPaysTheListingOnce(t *testing.T) {
	n := accountSize(t)
	var ticks atomic.Int64
	base := time.Now().Add(-12 * time.Hour)
	clock := func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * 100 * time.Millisecond) }
	e := newEnv(t, sandbox.WithRateLimit(1_000_000, time.Hour), sandbox.WithClock(clock))
	in := seedPeople(t, e, n)
	cfg := e.config(t, cursorMapping, in)
	cfg.IndexCacheDir = t.TempDir()
	cfg.JournalPath = filepath.Join(t.TempDir(), "reimport.db")
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil || res.Total.Unchanged != n {
		t.Fatalf("%v %+v", err, res)
	}
	perRow := float64(res.Requests) / float64(n)
	t.Logf("re-import of %d rows: %d requests (%.4f per row), %v", n, res.Requests, perRow, res.Matching)
	if perRow > 0.02 {
		t.Errorf("%.4f requests per row, want at most 0.02", perRow)
	}
}
