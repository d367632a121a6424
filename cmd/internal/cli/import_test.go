package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

const importTestMapping = `version: 1
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
    fields:
      firstName: First
      lastName: Last
      organisation: {record: company}
      emailAddresses: [{address: Email, type: Work}]
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

var importTestHeader = []string{"ID", "Company", "First", "Last", "Email", "Deal", "Stage", "Note"}

func importRows(n int) [][]string {
	var rows [][]string
	for i := range n {
		deal, note := "", ""
		if i%2 == 0 {
			deal = fmt.Sprintf("Deal %d", i)
		}
		if i%3 == 0 {
			note = fmt.Sprintf("Met person %d", i)
		}
		rows = append(rows, []string{fmt.Sprintf("P%d", i), fmt.Sprintf("Company %d", i/4), "Ann", fmt.Sprintf("Lee%d", i),
			fmt.Sprintf("ann%d@example.com", i), deal, "New", note})
	}
	return rows
}

// importFixture writes the mapping and input into a temporary directory.
func importFixture(t *testing.T, rows [][]string) (dir, mapping, input string) {
	t.Helper()
	dir = t.TempDir()
	mapping = filepath.Join(dir, "contacts.yaml")
	if err := os.WriteFile(mapping, []byte(importTestMapping), 0o644); err != nil {
		t.Fatal(err)
	}
	input = filepath.Join(dir, "contacts.csv")
	f, err := os.Create(input)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(importTestHeader)
	w.WriteAll(rows)
	f.Close()
	return dir, mapping, input
}

func startSandbox(t *testing.T, opts ...sandbox.Option) (*sandbox.Server, string) {
	t.Helper()
	srv := sandbox.New(opts...)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs.URL + sandbox.APIPrefix
}

func runImportCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code = Run(ctx, args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

func TestImportCommandUsage(t *testing.T) {
	_, mapping, input := importFixture(t, importRows(3))
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Nope\n"), 0o644)
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		code  int
		wants string
	}{
		{"no input", []string{"import", "--mapping", mapping}, nil, ExitUsage, "at least one INPUT"},
		{"no mapping", []string{"import", "--offline", input}, nil, ExitUsage, "--mapping is required unless the file is in capsule-etl's export layout"},
		{"column missing", []string{"import", "--offline", "--mapping", bad, input}, nil, ExitUsage, "bad.yaml:6:"},
		{"missing input", []string{"import", "--offline", "--mapping", mapping, input + ".nope"}, nil, ExitUsage, ".nope"},
		{"no token", []string{"import", "--mapping", mapping, input}, map[string]string{"CAPSULE_TOKEN": ""}, ExitUsage, "CAPSULE_TOKEN is not set"},
		{"bad reserve", []string{"import", "--reserve", "100", "--mapping", mapping, input}, nil, ExitUsage, "--reserve"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, _, stderr := runImportCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.wants) {
				t.Fatalf("exit %d (want %d), stderr:\n%s\nwant it to contain %q", code, tc.code, stderr, tc.wants)
			}
		})
	}
}

func TestImportCommandEndToEnd(t *testing.T) {
	srv, url := startSandbox(t)
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	dir, mapping, input := importFixture(t, importRows(40))
	plan := filepath.Join(dir, "plan.jsonl")
	code, _, stderr := runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, "--dry-run", "--plan", plan, input)
	if code != ExitOK || !strings.Contains(stderr, "requests needed") || !strings.Contains(stderr, "dry run") {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(plan)
	if err != nil || bytes.Count(data, []byte("\n")) != 160 || bytes.Contains(data, []byte(sandbox.DefaultToken)) {
		t.Fatalf("plan file: %v, %d lines", err, bytes.Count(data, []byte("\n")))
	}
	if srv.Stats().Requests["POST"] != 0 {
		t.Fatal("the dry run wrote")
	}
	code, _, stderr = runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, input)
	if code != ExitOK || !strings.Contains(stderr, "people") {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(input + ".capsule-etl.db"); err != nil {
		t.Fatalf("no journal beside the input: %v", err)
	}
	posts := srv.Stats().Requests["POST"]
	code, _, stderr = runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, input)
	if code != ExitOK || srv.Stats().Requests["POST"] != posts || srv.Stats().Requests["PUT"] != 0 {
		t.Fatalf("rerun: exit %d, writes %v\n%s", code, srv.Stats().Routes, stderr)
	}
	if strings.Contains(stderr, sandbox.DefaultToken) {
		t.Fatal("the token appears in the output")
	}
}

func TestImportCommandExit3WithRejectedRows(t *testing.T) {
	_, url := startSandbox(t)
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	rows := importRows(6)
	rows[2][6] = "No Such Stage"
	_, mapping, input := importFixture(t, rows)
	code, _, stderr := runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, input)
	if code != ExitRejected || !strings.Contains(stderr, "contacts.errors.csv") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(strings.TrimSuffix(input, ".csv") + ".errors.csv")
	if err != nil || !strings.Contains(string(data), "No Such Stage") || !strings.Contains(string(data), ",4,") {
		t.Fatalf("errors file: %v\n%s", err, data)
	}
}

// checkOnce asserts that every record of rows exists exactly once.
func checkOnce(t *testing.T, url string, rows [][]string) {
	t.Helper()
	count := map[string]int{}
	for _, path := range []string{"parties", "opportunities", "entries"} {
		for _, r := range listAll(t, url, path) {
			count[fmt.Sprintf("%s|%v|%v|%v", path, r["name"], r["lastName"], r["content"])]++
		}
	}
	want := map[string]bool{}
	for _, r := range rows {
		want["parties|"+r[1]+"|<nil>|<nil>"] = true
		want["parties|<nil>|"+r[3]+"|<nil>"] = true
		if r[5] != "" {
			want["opportunities|"+r[5]+"|<nil>|<nil>"] = true
		}
		if r[7] != "" {
			want["entries|<nil>|<nil>|"+r[7]] = true
		}
	}
	for k, n := range count {
		if n != 1 || !want[k] {
			t.Errorf("%q exists %d times (expected: %v)", k, n, want[k])
		}
	}
	if len(count) != len(want) {
		t.Errorf("%d distinct records, want %d", len(count), len(want))
	}
}

func listAll(t *testing.T, url, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for page := 1; ; page++ {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/%s%sperPage=100&page=%d", url, path, sep, page), nil)
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
		key, _, _ := strings.Cut(path, "?")
		out = append(out, body[key]...)
		if len(body[key]) < 100 {
			return out
		}
	}
}

// An interrupt (SIGINT cancels the context) exits 130; the same command
// then resumes and finishes.
func TestImportCommandInterruptExits130(t *testing.T) {
	srv := sandbox.New()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	posts := 0
	var mu sync.Mutex
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.Method == "POST" {
			if posts++; posts == 10 {
				cancel()
			}
		}
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	url := hs.URL + sandbox.APIPrefix
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	rows := importRows(30)
	_, mapping, input := importFixture(t, rows)
	var out, errOut bytes.Buffer
	code := Run(ctx, []string{"import", "--base-url", url, "--mapping", mapping, input}, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != ExitInterrupted || !strings.Contains(errOut.String(), "run the same command again") {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	for run := 1; ; run++ {
		if run > 30 {
			t.Fatal("not finished after 30 runs")
		}
		code, _, stderr := runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, input)
		if code == ExitOK {
			break
		}
		if code != ExitFatal {
			t.Fatalf("resume: exit %d\n%s", code, stderr)
		}
	}
	checkOnce(t, url, rows)
}
