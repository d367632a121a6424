package pipeline

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

func TestReconcileFindsALostCreateByItsKeys(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"), journal.WithUnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	mem, err := j.Memory(ctx, journal.Account{BaseURL: "http://x", UserID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	old := sent.Add(-24 * time.Hour)
	key := func(kind, v string) journal.MatchKey { return journal.MatchKey{Kind: "people:" + kind, Value: v} }
	err = mem.UpsertIndex(ctx, "parties",
		journal.Entry{ID: "10", UpdatedAt: old, Keys: []journal.MatchKey{key("email", "shared@x.com"), key("name", "ann old")}},
		journal.Entry{ID: "11", UpdatedAt: sent, Keys: []journal.MatchKey{key("email", "shared@x.com"), key("name", "ann new")}},
		journal.Entry{ID: "12", UpdatedAt: sent, Keys: []journal.MatchKey{key("email", "twin@x.com"), key("name", "twin")}},
		journal.Entry{ID: "13", UpdatedAt: sent, Keys: []journal.MatchKey{key("email", "twin@x.com"), key("name", "twin")}},
		journal.Entry{ID: "14", UpdatedAt: old, Keys: []journal.MatchKey{key("name", "bo lee")}},
	)
	if err != nil {
		t.Fatal(err)
	}
	rc := &reconciler{ir: &indexer{mem: mem}}
	mk := func(kind, v string) journal.MatchKey { return journal.MatchKey{Kind: kind, Value: v} }
	tests := []struct {
		name    string
		keys    []journal.MatchKey
		action  journal.Action
		wantID  string
		wantHit bool
	}{
		{"nothing stored", []journal.MatchKey{mk("email", "new@x.com"), mk("name", "bo lee")}, journal.Create, "", false},
		{"second key narrows", []journal.MatchKey{mk("email", "shared@x.com"), mk("name", "ann old")}, journal.Create, "10", true},
		{"the recent one of two", []journal.MatchKey{mk("email", "shared@x.com")}, journal.Create, "11", true},
		{"two recent twins: cannot tell", []journal.MatchKey{mk("email", "twin@x.com"), mk("name", "twin")}, journal.Create, "", true},
		{"updates are resent", []journal.MatchKey{mk("email", "shared@x.com")}, journal.Update, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, hit, err := rc.find(ctx, journal.Op{Entity: "people", Action: tc.action, NaturalKey: tc.keys, Updated: sent})
			if err != nil || id != tc.wantID || hit != tc.wantHit {
				t.Fatalf("find = %q, %v, %v; want %q, %v", id, hit, err, tc.wantID, tc.wantHit)
			}
		})
	}
}
