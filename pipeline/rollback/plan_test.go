package rollback_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
	"github.com/capsule-etl/capsule-etl/pipeline/rollback"
)

// journalRun records a run whose ops are created (done, with ids) in the
// order given, plus the in-doubt ones left in sending; it is then abandoned.
func journalRun(tb testing.TB, entities []string, inDoubt int) (*journal.Journal, int64) {
	tb.Helper()
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(tb.TempDir(), "j.db"), journal.WithUnsafeNoSync())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { j.Close() })
	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: "i", Account: journal.Account{BaseURL: "http://x/api/v2", UserID: "1"}})
	if err != nil {
		tb.Fatal(err)
	}
	var specs []journal.OpSpec
	for i, e := range entities {
		specs = append(specs, journal.OpSpec{Key: journal.Key{File: "f", Row: int64(i + 1), Record: e}, Entity: e, Action: journal.Create})
	}
	for i := range inDoubt {
		specs = append(specs, journal.OpSpec{Key: journal.Key{File: "f", Row: int64(len(entities) + i + 1), Record: "p"}, Entity: "people", Action: journal.Create})
	}
	ops, err := run.AddOps(ctx, specs...)
	if err != nil {
		tb.Fatal(err)
	}
	b := run.NewBatch(256)
	for i, op := range ops {
		if err := run.MarkSending(ctx, op.ID, journal.Request{Method: "POST"}); err != nil {
			tb.Fatal(err)
		}
		if i < len(entities) {
			if err := b.Done(ctx, op, fmt.Sprint(100+i)); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := b.Flush(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := j.AbandonRun(ctx, run.ID); err != nil {
		tb.Fatal(err)
	}
	return j, run.ID
}

func TestPlanOrder(t *testing.T) {
	cases := []struct {
		name    string
		created []string // in creation order
		inDoubt int
		want    []string // deletion order
	}{
		{"dependency order", []string{"organisations", "people", "opportunities", "projects", "notes", "tasks"}, 0,
			[]string{"tasks", "notes", "projects", "opportunities", "people", "organisations"}},
		{"newest first within an entity", []string{"people", "organisations", "people"}, 0,
			[]string{"people:3", "people:1", "organisations"}},
		{"in doubt kept apart", []string{"organisations"}, 2, []string{"organisations"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j, id := journalRun(t, tc.created, tc.inDoubt)
			p, err := rollback.NewPlan(context.Background(), j, id)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range p.Deletes {
				name := s.Entity
				if tc.name == "newest first within an entity" && s.Entity == "people" {
					name = fmt.Sprintf("people:%d", s.Key.Row)
				}
				got = append(got, name)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("deletes %v, want %v", got, tc.want)
			}
			if len(p.InDoubt) != tc.inDoubt {
				t.Errorf("in doubt %d, want %d", len(p.InDoubt), tc.inDoubt)
			}
		})
	}
}

func BenchmarkNewPlan(b *testing.B) {
	entities := make([]string, 5000)
	for i := range entities {
		entities[i] = []string{"organisations", "people", "notes"}[i%3]
	}
	j, id := journalRun(b, entities, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rollback.NewPlan(context.Background(), j, id); err != nil {
			b.Fatal(err)
		}
	}
}
