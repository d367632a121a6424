package journal

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBeginRunResumesSameFingerprint(t *testing.T) {
	ctx := context.Background()
	j, r1, path := beginTemp(t)
	ops := mustAdd(t, r1, personSpec(2, "ann@example.com"))
	if err := r1.MarkSending(ctx, ops[0].ID, Request{Method: "POST", Path: "/parties"}); err != nil {
		t.Fatal(err)
	}
	j.Close()

	j2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	spec := testSpec()
	spec.Args = []string{"import", "again"} // arguments are not part of the identity
	r2, err := j2.BeginRun(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Resumed || r2.ID != r1.ID || r2.Marker != r1.Marker {
		t.Fatalf("got run %d resumed=%v marker %s, want run %d resumed with marker %s",
			r2.ID, r2.Resumed, r2.Marker, r1.ID, r1.Marker)
	}
	doubt, err := r2.InDoubt(ctx)
	if err != nil || len(doubt) != 1 || doubt[0].ID != ops[0].ID {
		t.Fatalf("InDoubt after resume = %v, %v", doubt, err)
	}
}

func TestBeginRunRefusesChangedRun(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name                  string
		change                func(*RunSpec)
		input, mapping, accnt bool
	}{
		{name: "input changed", change: func(s *RunSpec) { s.InputHash = HashBytes([]byte("other")) }, input: true},
		{name: "mapping changed", change: func(s *RunSpec) { s.MappingHash = HashBytes([]byte("other")) }, mapping: true},
		{name: "both changed", change: func(s *RunSpec) {
			s.InputHash, s.MappingHash = HashBytes([]byte("i")), HashBytes([]byte("m"))
		}, input: true, mapping: true},
		{name: "account changed", change: func(s *RunSpec) { s.Account.UserID = "43" }, accnt: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, r1, _ := beginTemp(t)
			spec := testSpec()
			tc.change(&spec)
			_, err := j.BeginRun(ctx, spec)
			var ue *UnfinishedRunError
			if !errors.As(err, &ue) {
				t.Fatalf("BeginRun = %v, want *UnfinishedRunError", err)
			}
			if ue.RunID != r1.ID || ue.InputChanged != tc.input || ue.MappingChanged != tc.mapping || ue.AccountChanged != tc.accnt {
				t.Errorf("got %+v", ue)
			}
			for _, want := range []string{"original input", "--abandon", "unfinished"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q lacks %q", err, want)
				}
			}
			// The way out: abandon, then the new run starts.
			if err := j.AbandonRun(ctx, ue.RunID); err != nil {
				t.Fatal(err)
			}
			r2, err := j.BeginRun(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if r2.ID == r1.ID || r2.Resumed {
				t.Errorf("after abandon got run %d resumed=%v", r2.ID, r2.Resumed)
			}
		})
	}
}

func TestFinishRun(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		settle      func(r *Run, id int64) error
		wantPending int
		wantDoubt   int
	}{
		{name: "pending refuses", settle: func(r *Run, id int64) error { return nil }, wantPending: 1},
		{name: "in doubt refuses", settle: func(r *Run, id int64) error {
			return r.MarkSending(ctx, id, Request{Method: "POST"})
		}, wantDoubt: 1},
		{name: "failed finishes", settle: func(r *Run, id int64) error { return r.MarkFailed(ctx, id, "dependency failed") }},
		{name: "done finishes", settle: func(r *Run, id int64) error {
			if err := r.MarkSending(ctx, id, Request{Method: "POST"}); err != nil {
				return err
			}
			return r.MarkDone(ctx, id, "11")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, r, _ := beginTemp(t)
			ops := mustAdd(t, r, personSpec(2, "a@x.org"), OpSpec{Key: Key{File: "people.csv", Row: 3, Record: "person"},
				Entity: "parties", Action: Reject, Message: "no name"})
			if err := tc.settle(r, ops[0].ID); err != nil {
				t.Fatal(err)
			}
			err := r.Finish(ctx)
			var ie *IncompleteRunError
			if tc.wantPending+tc.wantDoubt > 0 {
				if !errors.As(err, &ie) || ie.Pending != tc.wantPending || ie.InDoubt != tc.wantDoubt {
					t.Fatalf("Finish = %v, want pending %d in doubt %d", err, tc.wantPending, tc.wantDoubt)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ri, err := j.GetRun(ctx, r.ID)
			if err != nil || ri.Status != StatusFinished || ri.Finished.IsZero() {
				t.Fatalf("GetRun = %+v, %v", ri, err)
			}
			// A finished run is not resumed: the same input starts a new one.
			r2, err := j.BeginRun(ctx, testSpec())
			if err != nil || r2.Resumed || r2.ID == r.ID {
				t.Fatalf("BeginRun after finish = %+v, %v", r2, err)
			}
		})
	}
}

func TestListAndGetRuns(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	j, _ := openTemp(t, WithClock(func() time.Time { clock = clock.Add(time.Second); return clock }))
	var ids []int64
	for i := range 3 {
		spec := testSpec()
		spec.InputHash = HashBytes([]byte{byte(i)})
		r, err := j.BeginRun(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.AddRequests(ctx, 5); err != nil {
			t.Fatal(err)
		}
		if err := r.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	runs, err := j.ListRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].ID != ids[2] || runs[2].ID != ids[0] {
		t.Fatalf("ListRuns order: %+v", runs)
	}
	got, err := j.GetRun(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if got.Requests != 5 || got.BaseURL != "http://127.0.0.1:8080/api/v2" || got.UserID != "42" ||
		!got.Started.Before(got.Finished) || got.Args[0] != "import" {
		t.Errorf("GetRun = %+v", got)
	}
	if _, err := j.GetRun(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRun(999) = %v, want ErrNotFound", err)
	}
	if err := j.AbandonRun(ctx, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("AbandonRun of a finished run = %v, want ErrNotFound", err)
	}
}

func TestClosedRunRefusesChanges(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		close func(j *Journal, r *Run) error
	}{
		{name: "abandoned", close: func(j *Journal, r *Run) error { return j.AbandonRun(ctx, r.ID) }},
		{name: "finished", close: func(j *Journal, r *Run) error { return r.Finish(ctx) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, r, _ := beginTemp(t)
			spec := personSpec(2, "a@x.org")
			spec.Action = NoChange
			op := mustAdd(t, r, spec)[0]
			if err := tc.close(j, r); err != nil {
				t.Fatal(err)
			}
			if _, err := r.AddOps(ctx, personSpec(3, "b@x.org")); !errors.Is(err, ErrRunClosed) {
				t.Errorf("AddOps = %v, want ErrRunClosed", err)
			}
			if err := r.MarkFailed(ctx, op.ID, "x"); !errors.Is(err, ErrRunClosed) {
				t.Errorf("MarkFailed = %v, want ErrRunClosed", err)
			}
		})
	}
}
