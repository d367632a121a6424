package importer_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// testMapping makes organisations, people linked to them, an opportunity
// per person and a note, matching people by e-mail.
const testMapping = `version: 1
source:
  key: ID
records:
  company:
    entity: organisation
    when: "{Company} != ''"
    match: [name]
    fields:
      name: Company
  person:
    entity: person
    match: [email]
    on_match: update
    lists: merge
    fields:
      firstName: First
      lastName: Last
      jobTitle: Title
      organisation: {record: company}
      emailAddresses: [{address: Email, type: Work}]
      tags: {column: Tags, split: "|"}
  deal:
    entity: opportunity
    when: "{Deal} != ''"
    match: [name]
    fields:
      name: Deal
      party: {record: person}
      milestone: {column: Stage, pipeline: Sales}
  history:
    entity: note
    when: "{Note} != ''"
    fields:
      content: Note
      party: {record: person}
`

var testHeader = []string{"ID", "Company", "First", "Last", "Title", "Email", "Tags", "Deal", "Stage", "Note"}

// genRows writes n rows: 1 company per 5 people, a deal for every second
// person, a note for every third.
func genRows(n int) [][]string {
	rows := make([][]string, 0, n)
	for i := range n {
		deal, note := "", ""
		if i%2 == 0 {
			deal = fmt.Sprintf("Deal %d", i)
		}
		if i%3 == 0 {
			note = fmt.Sprintf("Called person %d about renewal", i)
		}
		rows = append(rows, []string{fmt.Sprintf("P%04d", i), fmt.Sprintf("Company %d", i/5), "Ann", fmt.Sprintf("Lee%d", i),
			"Buyer", fmt.Sprintf("ann%d@example.com", i), "VIP|Imported", deal, "New", note})
	}
	return rows
}

// expected counts records the rows make.
func expected(rows [][]string) (orgs, people, deals, notes int) {
	seen := map[string]bool{}
	for _, r := range rows {
		if r[1] != "" && !seen[r[1]] {
			seen[r[1]] = true
			orgs++
		}
		people++
		if r[7] != "" {
			deals++
		}
		if r[9] != "" {
			notes++
		}
	}
	return
}

func writeCSV(t testing.TB, dir, name string, header []string, rows [][]string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(header)
	w.WriteAll(rows)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type env struct {
	srv *sandbox.Server
	hs  *httptest.Server
	url string
}

func newEnv(t testing.TB, opts ...sandbox.Option) *env {
	t.Helper()
	opts = append([]sandbox.Option{sandbox.WithRand(rand.New(rand.NewPCG(1, 2)))}, opts...)
	srv := sandbox.New(opts...)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &env{srv: srv, hs: hs, url: hs.URL + sandbox.APIPrefix}
}

func (e *env) client(t testing.TB) *capsule.Client {
	t.Helper()
	c, err := capsule.NewClient(capsule.WithBaseURL(e.url), capsule.WithToken(sandbox.DefaultToken),
		capsule.WithRetry(4, time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) config(t testing.TB, mapping string, inputs ...string) importer.Config {
	return importer.Config{
		Inputs: inputs, Mapping: []byte(mapping), MappingName: "mapping.yaml",
		Client: e.client(t), Account: importer.AccountFor(e.url, sandbox.DefaultToken),
		JournalOptions: []journal.Option{journal.WithUnsafeNoSync()},
		// The sandbox stores a write before it drops the connection, so
		// the tests need no wait before looking for writes in doubt.
		SettleDelay: -1,
	}
}

// list returns every record of a collection as decoded JSON.
func (e *env) list(t testing.TB, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for page := 1; ; page++ {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/%s?perPage=100&page=%d&embed=tags,fields", e.url, path, page), nil)
		req.Header.Set("Authorization", "Bearer "+sandbox.DefaultToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string][]map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, body[path]...)
		if len(body[path]) < 100 {
			return out
		}
	}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// addEmail gives the person with lastName one more e-mail address,
// directly in the sandbox (as another user of the account would).
func (e *env) addEmail(t testing.TB, lastName, email string) {
	t.Helper()
	for _, p := range e.list(t, "parties") {
		if p["lastName"] != lastName {
			continue
		}
		body := fmt.Sprintf(`{"party":{"emailAddresses":[{"address":%q}]}}`, email)
		req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/parties/%v", e.url, p["id"]), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+sandbox.DefaultToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("adding an e-mail: %v %v", err, resp.Status)
		}
		resp.Body.Close()
		return
	}
	t.Fatalf("no person %s", lastName)
}
