package importer_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

const pagingMapping = `version: 1
source:
  key: ID
records:
  person:
    entity: person
    match: [email]
    on_match: update
    fields:
      firstName: First
      lastName: Last
      jobTitle: Title
      emailAddresses: [{address: Email, type: Work}]
`

// seedPeople creates n people straight in the sandbox, as another user of
// the account would, and returns their ids in creation (listing) order.
func (e *env) seedPeople(t testing.TB, n int) []string {
	t.Helper()
	ids := make([]string, 0, n)
	for i := range n {
		body := fmt.Sprintf(`{"party":{"type":"person","firstName":"Bo","lastName":"Shift%d","emailAddresses":[{"address":"bo%d@example.com"}]}}`, i, i)
		ids = append(ids, e.send(t, "POST", "/parties", body, http.StatusCreated))
	}
	return ids
}

// send makes one request to the sandbox and returns the id it answers.
func (e *env) send(t testing.TB, method, path, body string, want int) string {
	t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sandbox.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %s", method, path, resp.Status)
	}
	var out map[string]struct {
		ID any `json:"id"`
	}
	if body == "" {
		return ""
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(out["party"].ID)
}

// deleteDuringListing puts a handler in front of the sandbox that, right
// after serving page 1 of a party listing (full, or with since if since is
// set), deletes the next id of victims through the sandbox; times bounds
// how often it does so.
func (e *env) deleteDuringListing(t testing.TB, victims []string, times int, since bool) {
	t.Helper()
	var done atomic.Int32
	direct := &env{url: e.url} // deletions go straight to the sandbox
	e.afterPage1(t, since, func() {
		if n := int(done.Add(1)); n <= times {
			direct.send(t, "DELETE", "/parties/"+victims[n-1], "", http.StatusNoContent)
		}
	})
}

// afterPage1 puts a handler in front of the sandbox that calls fn right
// after serving page 1 of each party listing (full, or with since if since
// is set).
func (e *env) afterPage1(t testing.TB, since bool, fn func()) {
	inner := e.hs.Config.Handler
	proxy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page1 := q.Get("page") == "" || q.Get("page") == "1"
		listing := r.Method == "GET" && r.URL.Path == sandbox.APIPrefix+"/parties" && q.Has("since") == since && page1
		inner.ServeHTTP(w, r)
		if listing {
			fn()
		}
	})
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	e.url = front.URL + sandbox.APIPrefix
}

// TestDeletionDuringFullListing: a person deleted while the first full
// listing is paged shifts the next page; the row matching the first person
// of page 2 must still match and not create a duplicate.
func TestDeletionDuringFullListing(t *testing.T) {
	cases := []struct {
		name      string
		deletions int // full listings during which one person is deleted
		wantErr   bool
	}{
		{name: "one deletion, listed again and matched", deletions: 1},
		{name: "two deletions, listed a third time", deletions: 2},
		{name: "deletions every time, gives up asking to run again", deletions: 3, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ids := e.seedPeople(t, 150)
			e.deleteDuringListing(t, ids[:tc.deletions], tc.deletions, false)
			// Person 100 is the first of page 2 before any deletion.
			in := writeCSV(t, t.TempDir(), "people.csv", []string{"ID", "First", "Last", "Title", "Email"},
				[][]string{{"R1", "Bo", "Shift100", "Buyer", "bo100@example.com"}})
			res, err := importer.Import(ctxT(t), e.config(t, pagingMapping, in))
			people := e.list(t, "parties")
			if tc.wantErr {
				var le *importer.ListingShiftedError
				if !errors.As(err, &le) || le.Attempts != 3 || !strings.Contains(err.Error(), "run the import again") {
					t.Fatalf("want ListingShiftedError after 3 attempts, got %v", err)
				}
				if len(people) != 150-tc.deletions {
					t.Fatalf("%d people after a refused run, want %d", len(people), 150-tc.deletions)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(people) != 150-tc.deletions {
				t.Fatalf("%d people, want %d (a duplicate was created?) result %+v", len(people), 150-tc.deletions, res)
			}
			n := 0
			for _, p := range people {
				if p["lastName"] == "Shift100" {
					n++
					if p["jobTitle"] != "Buyer" {
						t.Errorf("Shift100 not updated: %v", p["jobTitle"])
					}
				}
			}
			if n != 1 {
				t.Fatalf("%d people named Shift100, want 1", n)
			}
		})
	}
}

// TestIndexCost: the check costs one request per indexed entity and run.
// 1,000 people are 10 pages; the first run lists them (10) and reads the
// deleted feed (1), a second run lists the changes since (1) and reads the
// deleted feed (1, as before the check). Each run also reads the current
// user (1) and writes one update (1).
func TestIndexCost(t *testing.T) {
	// The people were made over the past days, a minute apart, so the
	// second run's since finds only the update of the first.
	var seeded atomic.Bool
	var tick atomic.Int64
	base := time.Now().Add(-2000 * time.Minute)
	e := newEnv(t, sandbox.WithClock(func() time.Time {
		if seeded.Load() {
			return time.Now()
		}
		return base.Add(time.Duration(tick.Add(1)) * time.Minute)
	}))
	e.seedPeople(t, 1000)
	seeded.Store(true)
	dir := t.TempDir()
	cases := []struct {
		name string
		row  []string
		want int64
	}{
		{name: "first run, full listing", row: []string{"R1", "Bo", "Shift500", "Buyer", "bo500@example.com"}, want: 1 + 10 + 1 + 1},
		{name: "second run, since", row: []string{"R1", "Bo", "Shift500", "Seller", "bo500@example.com"}, want: 1 + 1 + 1 + 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := writeCSV(t, dir, "people.csv", []string{"ID", "First", "Last", "Title", "Email"}, [][]string{tc.row})
			res, err := importer.Import(ctxT(t), e.config(t, pagingMapping, in))
			if err != nil {
				t.Fatal(err)
			}
			if res.Total.Updated != 1 || res.Total.Created != 0 {
				t.Fatalf("counts %+v, want 1 updated", res.Total)
			}
			t.Logf("%d requests", res.Requests)
			if res.Requests != tc.want {
				t.Errorf("%d requests, want %d", res.Requests, tc.want)
			}
		})
	}
}

// countLast counts the people with lastName and checks their job title.
func countLast(t *testing.T, people []map[string]any, lastName, title string) {
	t.Helper()
	n := 0
	for _, p := range people {
		if p["lastName"] == lastName {
			n++
			if p["jobTitle"] != title {
				t.Errorf("%s has job title %v, want %s", lastName, p["jobTitle"], title)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d people named %s, want 1", n, lastName)
	}
}

// TestDeletionDuringSinceListing: the same shift in a since refresh would
// keep the old copy of a changed person, whose new e-mail then matches
// nothing and a row with it makes a duplicate.
func TestDeletionDuringSinceListing(t *testing.T) {
	cases := []struct {
		name      string
		deletions int
	}{
		{name: "no deletion", deletions: 0},
		{name: "one deletion during the since listing", deletions: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ids := e.seedPeople(t, 150)
			e.deleteDuringListing(t, ids[:tc.deletions], tc.deletions, true)
			dir := t.TempDir()
			header := []string{"ID", "First", "Last", "Title", "Email"}
			in := writeCSV(t, dir, "people.csv", header, [][]string{{"R1", "Bo", "Shift0", "Buyer", "bo0@example.com"}})
			if _, err := importer.Import(ctxT(t), e.config(t, pagingMapping, in)); err != nil {
				t.Fatal(err)
			}
			// Everyone gets a new e-mail, so the since listing has two pages.
			for i, id := range ids {
				body := fmt.Sprintf(`{"party":{"emailAddresses":[{"address":"new%d@example.com"}]}}`, i)
				e.send(t, "PUT", "/parties/"+id, body, http.StatusOK)
			}
			// Another source key, so only the e-mail can match.
			in = writeCSV(t, dir, "people.csv", header, [][]string{{"R2", "Bo", "Shift100", "Seller", "new100@example.com"}})
			if _, err := importer.Import(ctxT(t), e.config(t, pagingMapping, in)); err != nil {
				t.Fatal(err)
			}
			people := e.list(t, "parties")
			if len(people) != 150-tc.deletions {
				t.Fatalf("%d people, want %d (a duplicate was created?)", len(people), 150-tc.deletions)
			}
			countLast(t, people, "Shift100", "Seller")
		})
	}
}

// TestChangeDuringFirstListing: a person changed on a page already served
// while a later one is changed after it keeps the old copy in the index;
// the next run's since must still reach back to that change.
func TestChangeDuringFirstListing(t *testing.T) {
	var offset atomic.Int64
	e := newEnv(t, sandbox.WithClock(func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }))
	ids := e.seedPeople(t, 150)
	direct := &env{url: e.url}
	var once atomic.Bool
	e.afterPage1(t, false, func() {
		if once.Swap(true) {
			return
		}
		// Shift0 (page 1, served) gets a new e-mail now, Shift120 (page 2)
		// an hour later by Capsule's clock.
		direct.send(t, "PUT", "/parties/"+ids[0], `{"party":{"emailAddresses":[{"address":"moved0@example.com"}]}}`, http.StatusOK)
		offset.Store(int64(time.Hour))
		direct.send(t, "PUT", "/parties/"+ids[120], `{"party":{"jobTitle":"Later"}}`, http.StatusOK)
	})
	dir := t.TempDir()
	header := []string{"ID", "First", "Last", "Title", "Email"}
	in := writeCSV(t, dir, "people.csv", header, [][]string{{"R1", "Bo", "Shift5", "Buyer", "bo5@example.com"}})
	if _, err := importer.Import(ctxT(t), e.config(t, pagingMapping, in)); err != nil {
		t.Fatal(err)
	}
	in = writeCSV(t, dir, "people.csv", header, [][]string{{"R2", "Bo", "Shift0", "Seller", "moved0@example.com"}})
	if _, err := importer.Import(ctxT(t), e.config(t, pagingMapping, in)); err != nil {
		t.Fatal(err)
	}
	people := e.list(t, "parties")
	if len(people) != 150 {
		t.Fatalf("%d people, want 150 (a duplicate was created?)", len(people))
	}
	countLast(t, people, "Shift0", "Seller")
}
