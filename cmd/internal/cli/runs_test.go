package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

type runsEnv struct {
	sb       *sandbox.Server
	c        *capsule.Client
	base     string
	dir      string
	journal  string
	bob      string // the existing person the import updated
	mu       sync.Mutex
	onDelete func() // called after the sandbox answered a DELETE
}

func (e *runsEnv) do(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	req, err := e.c.NewRequest(context.Background(), method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	e.c.Pacer().SetPending(1)
	if _, err := e.c.Do(context.Background(), req, &buf); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	var out map[string]map[string]any
	json.Unmarshal(buf.Bytes(), &out)
	return out["party"]
}

func (e *runsEnv) bobView(t *testing.T) string {
	p := e.do(t, http.MethodGet, "parties/"+e.bob, nil)
	return fmt.Sprint(p["jobTitle"], " ", len(p["emailAddresses"].([]any)))
}

// newRunsEnv simulates a finished import with the journal API: it created
// an organisation and a person, updated Bob's job title and email list, and
// failed one row.
func newRunsEnv(t *testing.T) *runsEnv {
	t.Helper()
	sb := sandbox.New()
	e := &runsEnv{sb: sb, dir: t.TempDir()}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sb.ServeHTTP(w, r)
		e.mu.Lock()
		f := e.onDelete
		e.mu.Unlock()
		if r.Method == http.MethodDelete && f != nil {
			f()
		}
	}))
	t.Cleanup(hs.Close)
	e.base = hs.URL + sandbox.APIPrefix
	e.journal = filepath.Join(e.dir, "people.csv"+journalSuffix)
	var err error
	if e.c, err = capsule.NewClient(capsule.WithBaseURL(e.base), capsule.WithToken(sandbox.DefaultToken)); err != nil {
		t.Fatal(err)
	}
	id := func(p map[string]any) string { return strconv.FormatInt(int64(p["id"].(float64)), 10) }
	bob := e.do(t, http.MethodPost, "parties", map[string]any{"party": map[string]any{"type": "person", "firstName": "Bob",
		"jobTitle": "Engineer", "emailAddresses": []any{map[string]any{"address": "bob@example.com"}}}})
	e.bob = id(bob)
	ctx := context.Background()
	j, err := journal.Open(ctx, e.journal, journal.WithUnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: "h", MappingHash: "m",
		Account: journal.Account{BaseURL: e.base, UserID: "1"}, Args: []string{"import", "people.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	prev, _ := json.Marshal(map[string]any{"jobTitle": bob["jobTitle"], "emailAddresses": bob["emailAddresses"]})
	ops, err := run.AddOps(ctx,
		journal.OpSpec{Key: journal.Key{File: "people.csv", Row: 2, Record: "employer"}, Entity: "organisations", Action: journal.Create},
		journal.OpSpec{Key: journal.Key{File: "people.csv", Row: 2, Record: "person"}, Entity: "people", Action: journal.Create},
		journal.OpSpec{Key: journal.Key{File: "people.csv", Row: 3, Record: "person"}, Entity: "people", Action: journal.Update},
		journal.OpSpec{Key: journal.Key{File: "people.csv", Row: 4, Record: "person"}, Entity: "people", Action: journal.Create})
	if err != nil {
		t.Fatal(err)
	}
	send := func(op journal.Op, p journal.Request, body map[string]any, path, method string) {
		if err := run.MarkSending(ctx, op.ID, p); err != nil {
			t.Fatal(err)
		}
		if err := run.MarkDone(ctx, op.ID, id(e.do(t, method, path, map[string]any{"party": body}))); err != nil {
			t.Fatal(err)
		}
	}
	send(ops[0], journal.Request{Method: "POST"}, map[string]any{"type": "organisation", "name": "Acme"}, "parties", http.MethodPost)
	send(ops[1], journal.Request{Method: "POST"}, map[string]any{"type": "person", "firstName": "Ann"}, "parties", http.MethodPost)
	send(ops[2], journal.Request{Method: "PUT", Previous: prev}, map[string]any{"jobTitle": "CTO",
		"emailAddresses": []any{map[string]any{"address": "bob@new.example"}}}, "parties/"+e.bob, http.MethodPut)
	if err := run.MarkSending(ctx, ops[3].ID, journal.Request{Method: "POST"}); err != nil {
		t.Fatal(err)
	}
	if err := run.MarkFailed(ctx, ops[3].ID, "person.lastName: lastName is required"); err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv(envToken, sandbox.DefaultToken)
	t.Setenv(envBaseURL, e.base)
	return e
}

func TestRunsCommands(t *testing.T) {
	e := newRunsEnv(t)
	changed := e.bobView(t)
	if changed != "CTO 2" {
		t.Fatalf("the simulated import did not update Bob: %s", changed)
	}
	steps := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
		parties  int    // parties in the sandbox afterwards
		bob      string // Bob's view afterwards
	}{
		{"list", []string{"runs", "list", "--journal", e.journal}, ExitOK, []string{"import", "finished", "people.csv"}, 3, "CTO 2"},
		{"show", []string{"runs", "show", "1", "--journal", e.journal}, ExitOK,
			[]string{"created ids  2", "organisations", "people", "people.csv:4 person", "lastName is required"}, 3, "CTO 2"},
		{"show json", []string{"runs", "show", "1", "--json", "--journal", e.journal}, ExitOK, []string{`"createdIds": 2`, `"failed": [`}, 3, "CTO 2"},
		{"show unknown run", []string{"runs", "show", "9", "--journal", e.journal}, ExitUsage, []string{"run 9"}, 3, "CTO 2"},
		{"rollback needs --yes off a terminal", []string{"runs", "rollback", "1", "--journal", e.journal}, ExitUsage, []string{"--yes"}, 3, "CTO 2"},
		{"dry run", []string{"runs", "rollback", "1", "--dry-run", "--journal", e.journal}, ExitOK, []string{"would delete person", "would restore person"}, 3, "CTO 2"},
		{"rollback", []string{"runs", "rollback", "1", "--yes", "--journal", e.journal}, ExitOK, []string{"2 deleted", "1 restored", "0 failed"}, 1, "Engineer 1"},
		{"rollback again is a no-op", []string{"runs", "rollback", "1", "--yes", "--journal", e.journal}, ExitOK, []string{"Nothing to roll back"}, 1, "Engineer 1"},
		{"list shows the rollback", []string{"runs", "list", "--journal", e.journal}, ExitOK, []string{"rollback of 1"}, 1, "Engineer 1"},
		{"rolling back a rollback", []string{"runs", "rollback", "2", "--yes", "--journal", e.journal}, ExitUsage, []string{"is a rollback"}, 1, "Engineer 1"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := e.sb.Stats().Requests
			var o, er bytes.Buffer
			code := Run(context.Background(), s.args, &IOStreams{In: strings.NewReader(""), Out: &o, ErrOut: &er})
			if code != s.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, s.wantCode, o.String(), er.String())
			}
			for _, w := range s.want {
				if !strings.Contains(o.String()+er.String(), w) {
					t.Errorf("output lacks %q:\n%s%s", w, o.String(), er.String())
				}
			}
			if strings.Contains(s.name, "no-op") {
				if after := e.sb.Stats().Requests; after["DELETE"] != before["DELETE"] || after["PUT"] != before["PUT"] {
					t.Errorf("a second rollback wrote: %v -> %v", before, after)
				}
			}
			if got := e.sb.Stats().Records["parties"]; got != s.parties {
				t.Errorf("parties = %d, want %d", got, s.parties)
			}
			if got := e.bobView(t); got != s.bob {
				t.Errorf("Bob = %q, want %q", got, s.bob)
			}
		})
	}
}

func TestRunsJournalDiscovery(t *testing.T) {
	cases := []struct {
		name     string
		files    []string
		wantCode int
		want     string
	}{
		{"none", nil, ExitUsage, "no journal"},
		{"two", []string{"a.csv" + journalSuffix, "b.csv" + journalSuffix}, ExitUsage, "a.csv" + journalSuffix},
		{"one", []string{"a.csv" + journalSuffix}, ExitOK, "no runs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				j, err := journal.Open(context.Background(), filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				j.Close()
			}
			os.WriteFile(filepath.Join(dir, "other.db"), []byte("x"), 0o600)
			t.Chdir(dir)
			var o, er bytes.Buffer
			code := Run(context.Background(), []string{"runs", "list"}, &IOStreams{In: strings.NewReader(""), Out: &o, ErrOut: &er})
			if code != tc.wantCode || !strings.Contains(o.String()+er.String(), tc.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s%s", code, tc.wantCode, tc.want, o.String(), er.String())
			}
		})
	}
}

func TestRunsRollbackInterruptedResumes(t *testing.T) {
	e := newRunsEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	e.mu.Lock()
	e.onDelete = cancel // Ctrl-C right after the first delete
	e.mu.Unlock()
	args := []string{"runs", "rollback", "1", "--yes", "--journal", e.journal}
	var o, er bytes.Buffer
	if code := Run(ctx, args, &IOStreams{In: strings.NewReader(""), Out: &o, ErrOut: &er}); code != ExitInterrupted {
		t.Fatalf("interrupted rollback: exit %d, want %d\n%s%s", code, ExitInterrupted, o.String(), er.String())
	}
	if got := e.sb.Stats().Records["parties"]; got != 2 {
		t.Fatalf("after the interrupt: parties = %d, want 2 (one deleted)", got)
	}
	e.mu.Lock()
	e.onDelete = nil
	e.mu.Unlock()
	deletesBefore := e.sb.Stats().Requests["DELETE"]
	o.Reset()
	er.Reset()
	if code := Run(context.Background(), args, &IOStreams{In: strings.NewReader(""), Out: &o, ErrOut: &er}); code != ExitOK {
		t.Fatalf("resumed rollback: exit %d\n%s%s", code, o.String(), er.String())
	}
	// The delete cut off by the interrupt is either recorded done or in
	// doubt; an in-doubt delete is sent again and its 404 counts as done.
	if got := e.sb.Stats().Requests["DELETE"] - deletesBefore; got < 1 || got > 2 {
		t.Errorf("resumed rollback sent %d deletes, want 1, or 2 when the first was in doubt", got)
	}
	if !strings.Contains(o.String(), "Rolled back run 1") || strings.Contains(o.String(), " 1 failed") {
		t.Errorf("resumed rollback summary:\n%s", o.String())
	}
	if got, bob := e.sb.Stats().Records["parties"], e.bobView(t); got != 1 || bob != "Engineer 1" {
		t.Errorf("after resume: parties %d, Bob %q; want 1 and \"Engineer 1\"", got, bob)
	}
}
