package rollback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
	"github.com/capsule-etl/capsule-etl/pipeline/rollback"
)

// env is a sandbox on loopback, a client for it and a journal.
type env struct {
	sb   *sandbox.Server
	hs   *httptest.Server
	c    *capsule.Client
	j    *journal.Journal
	base string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	sb := sandbox.New()
	hs := httptest.NewServer(sb)
	t.Cleanup(hs.Close)
	base := hs.URL + sandbox.APIPrefix
	c, err := capsule.NewClient(capsule.WithBaseURL(base), capsule.WithToken(sandbox.DefaultToken))
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "in.csv.capsule-etl.db"), journal.WithUnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return &env{sb: sb, hs: hs, c: c, j: j, base: base}
}

// call sends one request and returns the decoded record of wrapper.
func (e *env) call(t *testing.T, method, path, wrapper string, body any) map[string]any {
	t.Helper()
	var in any
	if body != nil {
		in = map[string]any{wrapper: body}
	}
	req, err := e.c.NewRequest(context.Background(), method, path, in)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	e.c.Pacer().SetPending(1) // one interactive call: no spreading of the budget
	if _, err := e.c.Do(context.Background(), req, &buf); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if buf.Len() == 0 {
		return nil
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return out[wrapper]
}

// milestone returns the id of the sandbox's first milestone.
func (e *env) milestone(t *testing.T) any {
	t.Helper()
	req, err := e.c.NewRequest(context.Background(), http.MethodGet, "milestones", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Milestones []struct {
			ID int64 `json:"id"`
		} `json:"milestones"`
	}
	if _, err := e.c.Do(context.Background(), req, &out); err != nil || len(out.Milestones) == 0 {
		t.Fatalf("listing milestones: %v %v", err, out)
	}
	return out.Milestones[0].ID
}

func idString(rec map[string]any) string { return strconv.FormatInt(int64(rec["id"].(float64)), 10) }

// view is the comparable state of a party: what a rollback must restore.
func (e *env) view(t *testing.T, id string) string {
	t.Helper()
	rec := e.call(t, http.MethodGet, "parties/"+id+"?embed=tags,fields", "party", nil)
	var emails, tags []string
	for _, em := range rec["emailAddresses"].([]any) {
		emails = append(emails, em.(map[string]any)["address"].(string))
	}
	for _, tg := range rec["tags"].([]any) {
		tags = append(tags, tg.(map[string]any)["name"].(string))
	}
	return fmt.Sprintf("jobTitle=%v emails=%v tags=%v org=%v", rec["jobTitle"], emails, tags, rec["organisation"])
}

// fakeImport plays a finished import through the journal protocol: an
// organisation, a person in it, an opportunity, a note, and an update of
// an existing person (job title, an added email, a tag).
type fakeImport struct {
	runID                       int64
	org, person, opp, note, upd string
}

func (e *env) fakeImport(t *testing.T, existing string) fakeImport {
	t.Helper()
	ctx := context.Background()
	run, err := e.j.BeginRun(ctx, journal.RunSpec{InputHash: "in", MappingHash: "map",
		Account: journal.Account{BaseURL: e.base, UserID: "1"}, Args: []string{"import", "in.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	before := e.call(t, http.MethodGet, "parties/"+existing+"?embed=tags,fields", "party", nil)
	prev, _ := json.Marshal(map[string]any{"jobTitle": before["jobTitle"], "emailAddresses": before["emailAddresses"], "tags": before["tags"]})
	var f fakeImport
	f.runID = run.ID
	type w struct {
		entity, record, srcKey string
		action                 journal.Action
		send                   func() string
	}
	writes := []w{
		{"organisations", "org", "acme", journal.Create, func() string {
			f.org = idString(e.call(t, http.MethodPost, "parties", "party", map[string]any{"type": "organisation", "name": "Acme"}))
			return f.org
		}},
		{"people", "person", "ann", journal.Create, func() string {
			f.person = idString(e.call(t, http.MethodPost, "parties", "party", map[string]any{"type": "person", "firstName": "Ann",
				"organisation": map[string]any{"id": json.Number(f.org)}}))
			return f.person
		}},
		{"opportunities", "deal", "", journal.Create, func() string {
			f.opp = idString(e.call(t, http.MethodPost, "opportunities", "opportunity", map[string]any{"name": "Big deal",
				"party": map[string]any{"id": json.Number(f.org)}, "milestone": map[string]any{"id": e.milestone(t)}}))
			return f.opp
		}},
		{"notes", "note", "", journal.Create, func() string {
			f.note = idString(e.call(t, http.MethodPost, "entries", "entry", map[string]any{"type": "note", "content": "met at the fair",
				"party": map[string]any{"id": json.Number(f.person)}}))
			return f.note
		}},
		{"people", "existing", "bob", journal.Update, func() string {
			e.call(t, http.MethodPut, "parties/"+existing, "party", map[string]any{"jobTitle": "CTO",
				"emailAddresses": []any{map[string]any{"address": "new@example.com"}}, "tags": []any{map[string]any{"name": "VIP"}}})
			f.upd = existing
			return existing
		}},
	}
	for i, wr := range writes {
		ops, err := run.AddOps(ctx, journal.OpSpec{Key: journal.Key{File: "in.csv", Row: int64(i + 2), SourceKey: wr.srcKey, Record: wr.record},
			Entity: wr.entity, Action: wr.action})
		if err != nil {
			t.Fatal(err)
		}
		req := journal.Request{Method: "POST"}
		if wr.action == journal.Update {
			req = journal.Request{Method: "PUT", Previous: prev}
		}
		if err := run.MarkSending(ctx, ops[0].ID, req); err != nil {
			t.Fatal(err)
		}
		if err := run.MarkDone(ctx, ops[0].ID, wr.send()); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func (e *env) existing(t *testing.T) string {
	return idString(e.call(t, http.MethodPost, "parties", "party", map[string]any{"type": "person", "firstName": "Bob",
		"jobTitle": "Engineer", "emailAddresses": []any{map[string]any{"address": "bob@example.com"}}}))
}

func TestExecuteRestoresSandbox(t *testing.T) {
	cases := []struct {
		name       string
		prepare    func(t *testing.T, e *env, f fakeImport) // between import and rollback
		wantCounts map[rollback.Outcome]int
	}{
		{"clean", func(*testing.T, *env, fakeImport) {},
			map[rollback.Outcome]int{rollback.Deleted: 4, rollback.Restored: 1}},
		{"note already deleted by hand", func(t *testing.T, e *env, f fakeImport) {
			e.call(t, http.MethodDelete, "entries/"+f.note, "entry", nil)
		}, map[rollback.Outcome]int{rollback.Deleted: 3, rollback.AlreadyGone: 1, rollback.Restored: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ex := e.existing(t)
			wantView := e.view(t, ex)
			wantRecords := e.sb.Stats().Records
			f := e.fakeImport(t, ex)
			if e.view(t, ex) == wantView {
				t.Fatal("the fake import changed nothing: the test could not fail")
			}
			tc.prepare(t, e, f)
			res, err := rollback.Execute(context.Background(), e.j, e.c, f.runID, rollback.WithUserID("1"))
			if err != nil {
				t.Fatalf("Execute: %v", err)
			}
			if fmt.Sprint(res.Counts) != fmt.Sprint(tc.wantCounts) {
				t.Errorf("counts = %v, want %v", res.Counts, tc.wantCounts)
			}
			if got := e.view(t, ex); got != wantView {
				t.Errorf("updated person after rollback:\n got %s\nwant %s", got, wantView)
			}
			if got := e.sb.Stats().Records; fmt.Sprint(got) != fmt.Sprint(wantRecords) {
				t.Errorf("records after rollback = %v, want %v", got, wantRecords)
			}
			// The second rollback is a no-op: nothing sent.
			reqs := e.sb.Stats().Requests
			res2, err := rollback.Execute(context.Background(), e.j, e.c, f.runID, rollback.WithUserID("1"))
			if err != nil {
				t.Fatalf("second Execute: %v", err)
			}
			if !res2.AlreadyDone || len(res2.Counts) != 0 {
				t.Errorf("second rollback: AlreadyDone=%v counts=%v, want a no-op", res2.AlreadyDone, res2.Counts)
			}
			if got := e.sb.Stats().Requests; fmt.Sprint(got) != fmt.Sprint(reqs) {
				t.Errorf("second rollback sent requests: %v -> %v", reqs, got)
			}
		})
	}
}

func TestExecuteResumesAfterInterrupt(t *testing.T) {
	e := newEnv(t)
	f := e.fakeImport(t, e.existing(t))
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	_, err := rollback.Execute(ctx, e.j, e.c, f.runID, rollback.WithUserID("1"),
		rollback.WithProgress(func(rollback.Step, rollback.Outcome) {
			if steps++; steps == 2 {
				cancel()
			}
		}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Execute: err = %v, want context.Canceled", err)
	}
	plan, err := rollback.NewPlan(context.Background(), e.j, f.runID)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Done != 2 || len(plan.Steps()) != 3 {
		t.Fatalf("after interrupt: done %d, left %d; want 2 and 3", plan.Done, len(plan.Steps()))
	}
	res, err := rollback.Execute(context.Background(), e.j, e.c, f.runID, rollback.WithUserID("1"))
	if err != nil {
		t.Fatalf("resumed Execute: %v", err)
	}
	if n := res.Counts[rollback.Deleted] + res.Counts[rollback.Restored]; n != 3 {
		t.Errorf("resumed rollback did %v, want the 3 remaining steps", res.Counts)
	}
	if got := e.sb.Stats().Records["parties"]; got != 1 {
		t.Errorf("parties left = %d, want 1 (the existing person)", got)
	}
}

func TestExecuteRefuses(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(t *testing.T, e *env) int64
		userID string
		check  func(error) bool
	}{
		{"another user", func(t *testing.T, e *env) int64 { return e.fakeImport(t, e.existing(t)).runID }, "2",
			func(err error) bool { var ae *rollback.AccountError; return errors.As(err, &ae) }},
		{"run still running", func(t *testing.T, e *env) int64 {
			r, err := e.j.BeginRun(context.Background(), journal.RunSpec{InputHash: "x", Account: journal.Account{BaseURL: e.base, UserID: "1"}})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}, "1", func(err error) bool { var ue *rollback.UnfinishedError; return errors.As(err, &ue) }},
		{"another run unfinished", func(t *testing.T, e *env) int64 {
			id := e.fakeImport(t, e.existing(t)).runID
			if _, err := e.j.BeginRun(context.Background(), journal.RunSpec{InputHash: "other", Account: journal.Account{BaseURL: e.base, UserID: "1"}}); err != nil {
				t.Fatal(err)
			}
			return id
		}, "1", func(err error) bool { var ue *journal.UnfinishedRunError; return errors.As(err, &ue) }},
		{"unknown run", func(*testing.T, *env) int64 { return 99 }, "1",
			func(err error) bool { return errors.Is(err, journal.ErrNotFound) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := tc.setup(t, e)
			before := e.sb.Stats().Records
			_, err := rollback.Execute(context.Background(), e.j, e.c, id, rollback.WithUserID(tc.userID))
			if !tc.check(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if after := e.sb.Stats().Records; fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("a refused rollback changed the sandbox: %v -> %v", before, after)
			}
		})
	}
}
