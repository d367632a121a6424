package journal_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// The write protocol as the import's writer follows it, including a resume
// after a crash that left one create in doubt.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "journal-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "people.csv.journal")
	spec := journal.RunSpec{
		InputHash:   journal.HashBytes([]byte("name,email\nAnn,ann@example.com\n")),
		MappingHash: journal.HashBytes([]byte("person: ...")),
		Account:     journal.Account{BaseURL: "http://127.0.0.1:9999/api/v2", UserID: "7"},
	}

	// First process: plan, mark sending, then "crash" before the response.
	j, _ := journal.Open(ctx, path)
	run, _ := j.BeginRun(ctx, spec)
	ops, _ := run.AddOps(ctx, journal.OpSpec{
		Key:        journal.Key{File: "people.csv", Row: 2, Record: "person"},
		Entity:     "parties",
		Action:     journal.Create,
		NaturalKey: []journal.MatchKey{{Kind: "email", Value: "ann@example.com"}},
	})
	run.MarkSending(ctx, ops[0].ID, journal.Request{Method: "POST", Path: "/parties", Body: []byte(`{"party":{}}`)})
	j.Close()

	// Second process: resume, reconcile what is in doubt before anything else.
	j, _ = journal.Open(ctx, path)
	defer j.Close()
	run, _ = j.BeginRun(ctx, spec)
	fmt.Println("resumed:", run.Resumed)
	// The index refresh (since the cursor) saw the record Capsule stored.
	run.Memory().UpsertIndex(ctx, "parties", journal.Entry{ID: "1001",
		Keys: []journal.MatchKey{{Kind: "email", Value: "ann@example.com"}}})
	doubt, _ := run.InDoubt(ctx)
	for _, op := range doubt {
		var ids []string
		for _, k := range op.NaturalKey {
			found, _ := run.Memory().FindIDs(ctx, op.Entity, k)
			ids = append(ids, found...)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		switch len(ids) {
		case 0:
			run.MarkPending(ctx, op.ID) // nothing stored: safe to send again
		case 1:
			run.MarkDone(ctx, op.ID, ids[0])
		default:
			run.MarkFailed(ctx, op.ID, fmt.Sprintf("ambiguous: %v", ids))
		}
	}
	if err := run.Finish(ctx); err != nil {
		fmt.Println(err)
	}
	s, _ := j.Summary(ctx, run.ID)
	fmt.Printf("created %d, in doubt %d, requests %d\n", s.Total.Created, s.Total.InDoubt, s.Requests)
	m, _ := j.Manifest(ctx, run.ID)
	fmt.Printf("rollback: delete %s %s\n", m[0].Entity, m[0].CapsuleID)
	// Output:
	// resumed: true
	// created 1, in doubt 0, requests 1
	// rollback: delete parties 1001
}
