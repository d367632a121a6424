package journal

import (
	"context"
	"encoding/json"
	"testing"
)

func TestManifestNewestFirst(t *testing.T) {
	ctx := context.Background()
	j, r, _ := beginTemp(t)
	org := OpSpec{Key: Key{File: "people.csv", Row: 2, Record: "employer"}, Entity: "parties", Action: Create,
		NaturalKey: []MatchKey{{"name", "acme"}}}
	person := personSpec(2, "ann@example.com")
	upd := personSpec(3, "bob@example.com")
	upd.Action = Update
	note := OpSpec{Key: Key{File: "people.csv", Row: 2, Record: "note"}, Entity: "entries", Action: Create}
	same := personSpec(4, "cy@example.com")
	same.Action = NoChange
	ops := mustAdd(t, r, org, person, upd, note, same)
	settle := []struct {
		op   Op
		id   string
		prev string
	}{
		{ops[0], "10", ""}, {ops[1], "11", ""}, {ops[2], "12", `{"jobTitle":"Clerk"}`},
	}
	for _, s := range settle {
		req := Request{Method: "POST"}
		if s.prev != "" {
			req = Request{Method: "PUT", Previous: json.RawMessage(s.prev)}
		}
		if err := r.MarkSending(ctx, s.op.ID, req); err != nil {
			t.Fatal(err)
		}
		if err := r.MarkDone(ctx, s.op.ID, s.id); err != nil {
			t.Fatal(err)
		}
	}
	r.MarkSending(ctx, ops[3].ID, Request{Method: "POST"}) // in doubt

	m, err := j.Manifest(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		op      int64
		action  Action
		id      string
		prev    string
		inDoubt bool
	}{
		{ops[3].ID, Create, "", "", true},
		{ops[2].ID, Update, "12", `{"jobTitle":"Clerk"}`, false},
		{ops[1].ID, Create, "11", "", false},
		{ops[0].ID, Create, "10", "", false},
	}
	if len(m) != len(want) {
		t.Fatalf("manifest has %d items, want %d: %+v", len(m), len(want), m)
	}
	for i, w := range want {
		g := m[i]
		if g.OpID != w.op || g.Action != w.action || g.CapsuleID != w.id || string(g.Previous) != w.prev || g.InDoubt != w.inDoubt {
			t.Errorf("item %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestSummary(t *testing.T) {
	ctx := context.Background()
	j, r, _ := beginTemp(t)
	specs := []OpSpec{
		personSpec(2, "a@x.org"), personSpec(3, "b@x.org"), personSpec(4, "c@x.org"), personSpec(5, "d@x.org"),
		{Key: Key{File: "people.csv", Row: 6, Record: "person"}, Entity: "parties", Action: Reject, Message: "no name"},
		{Key: Key{File: "people.csv", Row: 7, Record: "person"}, Entity: "parties", Action: Skip},
		{Key: Key{File: "people.csv", Row: 8, Record: "person"}, Entity: "parties", Action: NoChange},
		{Key: Key{File: "people.csv", Row: 2, Record: "deal"}, Entity: "opportunities", Action: Update},
	}
	ops := mustAdd(t, r, specs...)
	for _, i := range []int{0, 1, 7} {
		r.MarkSending(ctx, ops[i].ID, Request{Method: "POST"})
		r.MarkDone(ctx, ops[i].ID, "1")
	}
	r.MarkSending(ctx, ops[2].ID, Request{Method: "POST"})
	r.MarkFailed(ctx, ops[2].ID, "422")
	r.AddRequests(ctx, 3)
	s, err := j.Summary(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantParties := Counts{Created: 2, Failed: 1, Pending: 1, Rejected: 1, Skipped: 1, Unchanged: 1}
	wantOpps := Counts{Updated: 1}
	if len(s.Entities) != 2 || s.Entities[0].Entity != "opportunities" || s.Entities[0].Counts != wantOpps ||
		s.Entities[1].Entity != "parties" || s.Entities[1].Counts != wantParties {
		t.Errorf("entities = %+v", s.Entities)
	}
	if s.Total.Created != 2 || s.Total.Updated != 1 || s.Requests != 7 {
		t.Errorf("total = %+v, requests %d (want 4 writes + 3 reads)", s.Total, s.Requests)
	}
}
