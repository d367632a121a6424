package journal

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

func TestTransitions(t *testing.T) {
	ctx := context.Background()
	send := func(r *Run, id int64) error { return r.MarkSending(ctx, id, Request{Method: "POST", Path: "/parties"}) }
	done := func(r *Run, id int64) error { return r.MarkDone(ctx, id, "1001") }
	fail := func(r *Run, id int64) error { return r.MarkFailed(ctx, id, "422 name is required") }
	pend := func(r *Run, id int64) error { return r.MarkPending(ctx, id) }
	type step func(*Run, int64) error
	tests := []struct {
		name   string
		action Action
		steps  []step
		want   State
		refuse State // non-empty: the last step must fail with TransitionError from this state
	}{
		{name: "create sent and done", action: Create, steps: []step{send, done}, want: Done},
		{name: "refused by Capsule", action: Create, steps: []step{send, fail}, want: Failed},
		{name: "429 goes back to pending then done", action: Create, steps: []step{send, pend, send, done}, want: Done},
		{name: "dependency failed before sending", action: Create, steps: []step{fail}, want: Failed},
		{name: "done without sending", action: Create, steps: []step{done}, want: Pending, refuse: Pending},
		{name: "send twice without settling", action: Create, steps: []step{send, send}, want: Sending, refuse: Sending},
		{name: "done is final", action: Update, steps: []step{send, done, send}, want: Done, refuse: Done},
		{name: "failed is final", action: Create, steps: []step{send, fail, pend}, want: Failed, refuse: Failed},
		{name: "rejected is never sent", action: Reject, steps: []step{send}, want: Rejected, refuse: Rejected},
		{name: "unchanged is never sent", action: NoChange, steps: []step{send}, want: Unchanged, refuse: Unchanged},
		{name: "skipped is never sent", action: Skip, steps: []step{send}, want: Skipped, refuse: Skipped},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, r, _ := beginTemp(t)
			spec := personSpec(2, "ann@example.com")
			spec.Action = tc.action
			op := mustAdd(t, r, spec)[0]
			var err error
			for i, s := range tc.steps {
				err = s(r, op.ID)
				if err != nil && i < len(tc.steps)-1 {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			var te *TransitionError
			switch {
			case tc.refuse != "" && (!errors.As(err, &te) || te.From != tc.refuse):
				t.Errorf("last step = %v, want TransitionError from %s", err, tc.refuse)
			case tc.refuse == "" && err != nil:
				t.Errorf("last step: %v", err)
			}
			if got := stateOf(t, r, op.ID); got != tc.want {
				t.Errorf("state = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMarkRecordsRequestAndResult(t *testing.T) {
	ctx := context.Background()
	_, r, _ := beginTemp(t)
	spec := personSpec(2, "ann@example.com")
	spec.Key.SourceKey = "crm-17"
	op := mustAdd(t, r, spec)[0]
	body := []byte(`{"party":{"type":"person","firstName":"Ann"}}`)
	if err := r.MarkSending(ctx, op.ID, Request{Method: "POST", Path: "/parties", Body: body}); err != nil {
		t.Fatal(err)
	}
	got, err := r.Op(ctx, op.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != Sending || got.Method != "POST" || got.Path != "/parties" || string(got.Body) != string(body) ||
		got.BodyHash != HashBytes(body) || got.Attempts != 1 {
		t.Errorf("after MarkSending: %+v", got)
	}
	if got.Marker == "" || got.Marker == r.Marker {
		t.Errorf("op marker %q should derive from run marker %q", got.Marker, r.Marker)
	}
	if err := r.MarkDone(ctx, op.ID, "9001"); err != nil {
		t.Fatal(err)
	}
	id, ok, err := r.Memory().Lookup(ctx, "parties", "crm-17")
	if err != nil || !ok || id != "9001" {
		t.Errorf("Lookup = %q %v %v, want 9001", id, ok, err)
	}
	if _, ok, _ := r.Memory().Lookup(ctx, "opportunities", "crm-17"); ok {
		t.Error("lookup is not scoped by entity")
	}
	other, err := r.j.Memory(ctx, Account{BaseURL: "https://api.capsulecrm.com/api/v2", UserID: "42"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := other.Lookup(ctx, "parties", "crm-17"); ok {
		t.Error("lookup is not scoped by account")
	}
	if r2, _ := r.j.GetRun(ctx, r.ID); r2.Requests != 1 {
		t.Errorf("requests = %d, want 1", r2.Requests)
	}
}

func TestAddOpsOnResume(t *testing.T) {
	ctx := context.Background()
	_, r, _ := beginTemp(t)
	ops := mustAdd(t, r, personSpec(2, "a@x.org"), personSpec(3, "b@x.org"), personSpec(4, "c@x.org"))
	r.MarkSending(ctx, ops[0].ID, Request{Method: "POST"})
	r.MarkDone(ctx, ops[0].ID, "1")
	r.MarkSending(ctx, ops[1].ID, Request{Method: "POST"})

	// The planner runs again; op 3 now matches an existing record.
	again := []OpSpec{personSpec(2, "a@x.org"), personSpec(3, "b@x.org"), personSpec(4, "c@x.org")}
	for i := range again {
		again[i].Action = NoChange
	}
	got := mustAdd(t, r, again...)
	want := []State{Done, Sending, Unchanged}
	for i, op := range got {
		if op.ID != ops[i].ID || op.State != want[i] {
			t.Errorf("op %d: id %d state %s, want id %d state %s", i, op.ID, op.State, ops[i].ID, want[i])
		}
	}
	if _, err := r.AddOps(ctx, OpSpec{Key: Key{File: "f", Record: "person"}, Action: Create}); err == nil {
		t.Error("AddOps accepted a key with neither row nor source key")
	}
	if _, err := r.AddOps(ctx, OpSpec{Key: Key{File: "f", Row: 1}, Action: "upsert"}); err == nil {
		t.Error("AddOps accepted an unknown action")
	}
}

// An operation the planner settled without sending (unchanged, skipped,
// rejected) takes the new plan on resume: the record may have changed in
// Capsule between the attempts, and keeping the old state would leave the
// newly planned write never sent and the run never finished.
func TestAddOpsOnResumeReplansUnsentDecisions(t *testing.T) {
	_, r, _ := beginTemp(t)
	first := []OpSpec{personSpec(2, "a@x.org"), personSpec(3, "b@x.org"), personSpec(4, "c@x.org")}
	first[0].Action, first[1].Action, first[2].Action = NoChange, Skip, Reject
	mustAdd(t, r, first...)
	again := []OpSpec{personSpec(2, "a@x.org"), personSpec(3, "b@x.org"), personSpec(4, "c@x.org")}
	again[0].Action, again[1].Action, again[2].Action = Update, Create, NoChange
	got := mustAdd(t, r, again...)
	tests := []struct {
		name   string
		state  State
		action Action
	}{
		{"unchanged, now an update", Pending, Update},
		{"skipped, now a create", Pending, Create},
		{"rejected, now unchanged", Unchanged, NoChange},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got[i].State != tc.state || got[i].Action != tc.action {
				t.Errorf("state %s action %s, want %s %s", got[i].State, got[i].Action, tc.state, tc.action)
			}
		})
	}
}

// A crash after MarkSending: the next process finds the operation in doubt.
func TestInDoubtAfterCloseWithoutDone(t *testing.T) {
	ctx := context.Background()
	j, r, path := beginTemp(t)
	ops := mustAdd(t, r, personSpec(2, "a@x.org"), personSpec(3, "b@x.org"), personSpec(4, "c@x.org"))
	r.MarkSending(ctx, ops[0].ID, Request{Method: "POST"})
	r.MarkDone(ctx, ops[0].ID, "1")
	r.MarkSending(ctx, ops[1].ID, Request{Method: "POST", Path: "/parties", Body: []byte(`{"x":1}`)})
	b := r.NewBatch(10)
	r.MarkSending(ctx, ops[2].ID, Request{Method: "POST"})
	if err := b.Done(ctx, ops[2], "3"); err != nil { // queued, never flushed: lost in the "crash"
		t.Fatal(err)
	}
	j.Close()

	j2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	r2, err := j2.BeginRun(ctx, testSpec())
	if err != nil {
		t.Fatal(err)
	}
	doubt, err := r2.InDoubt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(doubt) != 2 || doubt[0].ID != ops[1].ID || doubt[1].ID != ops[2].ID {
		t.Fatalf("InDoubt = %+v, want ops %d and %d", doubt, ops[1].ID, ops[2].ID)
	}
	if string(doubt[0].Body) != `{"x":1}` || doubt[0].NaturalKey[0] != (MatchKey{"email", "b@x.org"}) {
		t.Errorf("in-doubt op lost its request or natural key: %+v", doubt[0])
	}
	// Reconciliation: one was stored, one was not.
	if err := r2.MarkDone(ctx, doubt[0].ID, "2"); err != nil {
		t.Fatal(err)
	}
	if err := r2.MarkPending(ctx, doubt[1].ID); err != nil {
		t.Fatal(err)
	}
	if doubt, _ := r2.InDoubt(ctx); len(doubt) != 0 {
		t.Errorf("still in doubt: %+v", doubt)
	}
}

func TestBatch(t *testing.T) {
	ctx := context.Background()
	noKey := func(row int64) OpSpec {
		return OpSpec{Key: Key{File: "notes.csv", Row: row, Record: "note"}, Entity: "entries", Action: Create}
	}
	tests := []struct {
		name      string
		spec      OpSpec
		size      int
		wantQueue int // markers still queued after Done
	}{
		{name: "reconcilable create is held", spec: personSpec(2, "a@x.org"), size: 10, wantQueue: 2},
		{name: "create without natural key commits at once", spec: noKey(2), size: 10, wantQueue: 0},
		{name: "full batch commits", spec: personSpec(2, "a@x.org"), size: 1, wantQueue: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, r, _ := beginTemp(t)
			ops := mustAdd(t, r, personSpec(9, "z@x.org"), tc.spec)
			b := r.NewBatch(tc.size)
			for _, op := range ops {
				if err := r.MarkSending(ctx, op.ID, Request{Method: "POST"}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.size > 1 {
				if err := b.Done(ctx, ops[0], "100"); err != nil { // queued before
					t.Fatal(err)
				}
			}
			if err := b.Done(ctx, ops[1], "101"); err != nil {
				t.Fatal(err)
			}
			if b.Len() != tc.wantQueue {
				t.Errorf("queued = %d, want %d", b.Len(), tc.wantQueue)
			}
			wantState := Done
			if tc.wantQueue > 0 {
				wantState = Sending
			}
			if got := stateOf(t, r, ops[1].ID); got != wantState {
				t.Errorf("before Flush: state %s, want %s", got, wantState)
			}
			if err := b.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if got := stateOf(t, r, ops[1].ID); got != Done {
				t.Errorf("after Flush: state %s, want done", got)
			}
		})
	}
}

func TestBatchDropsRefusedMarker(t *testing.T) {
	ctx := context.Background()
	_, r, _ := beginTemp(t)
	ops := mustAdd(t, r, personSpec(2, "a@x.org"), personSpec(3, "b@x.org"))
	r.MarkSending(ctx, ops[1].ID, Request{Method: "POST"})
	b := r.NewBatch(10)
	b.Done(ctx, ops[0], "1") // never marked sending: the protocol refuses it
	b.Failed(ctx, ops[1].ID, "422")
	var te *TransitionError
	if err := b.Flush(ctx); !errors.As(err, &te) || te.OpID != ops[0].ID {
		t.Fatalf("Flush = %v, want TransitionError for op %d", err, ops[0].ID)
	}
	if err := b.Flush(ctx); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
	if got := stateOf(t, r, ops[1].ID); got != Failed {
		t.Errorf("state = %s, want failed", got)
	}
}

func TestPreviousValuesKeptFromSending(t *testing.T) {
	ctx := context.Background()
	_, r, _ := beginTemp(t)
	spec := personSpec(2, "a@x.org")
	spec.Action = Update
	op := mustAdd(t, r, spec)[0]
	prev := json.RawMessage(`{"jobTitle":"Clerk"}`)
	if err := r.MarkSending(ctx, op.ID, Request{Method: "PUT", Path: "/parties/5", Previous: prev}); err != nil {
		t.Fatal(err)
	}
	m, err := r.j.Manifest(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || !m[0].InDoubt || string(m[0].Previous) != string(prev) {
		t.Fatalf("manifest of an in-doubt update = %+v", m)
	}
}

func TestCreatedByOther(t *testing.T) {
	ctx := context.Background()
	_, r, _ := beginTemp(t)
	ops := mustAdd(t, r, personSpec(2, "a@x.org"), personSpec(3, "b@x.org"))
	upd := mustAdd(t, r, OpSpec{Key: Key{File: "people.csv", Row: 4, Record: "person"}, Entity: "parties", Action: Update})[0]
	for _, o := range []Op{ops[0], upd} {
		if err := r.MarkSending(ctx, o.ID, Request{Method: "POST"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.MarkDone(ctx, ops[0].ID, "20"); err != nil {
		t.Fatal(err)
	}
	if err := r.MarkDone(ctx, upd.ID, "30"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		entity string
		id     string
		except int64
		want   bool
	}{
		{"made by another create", "parties", "20", ops[1].ID, true},
		{"made by the op itself", "parties", "20", ops[0].ID, false},
		{"only updated by the run", "parties", "30", ops[1].ID, false},
		{"unknown id", "parties", "21", ops[1].ID, false},
		{"other entity", "entries", "20", ops[1].ID, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.CreatedByOther(ctx, tc.entity, tc.id, tc.except)
			if err != nil || got != tc.want {
				t.Fatalf("CreatedByOther = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
