package importer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// The source key → id memory is what keeps a row whose match keys changed
// in the file from being created a second time: a failure to read it must
// stop the run, never pass for "nothing remembered".
func TestRememberedReportsJournalFailures(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"), journal.WithUnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	mem, err := j.Memory(ctx, journal.Account{BaseURL: "http://x", UserID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := mem.Remember(ctx, "people", "person/k1", "77"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		closed  bool
		key     string
		wantID  string
		wantErr bool
	}{
		{"remembered", false, "person/k1", "77", false},
		{"not remembered", false, "person/k2", "", false},
		{"journal unreadable", true, "person/k1", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.closed {
				j.Close()
			}
			lookup, _, failed := rememberer(ctx, mem)
			if id := lookup("people", tc.key); id != tc.wantID {
				t.Errorf("id %q, want %q", id, tc.wantID)
			}
			if err := failed(); (err != nil) != tc.wantErr {
				t.Errorf("error %v, want one: %v", err, tc.wantErr)
			}
		})
	}
}
