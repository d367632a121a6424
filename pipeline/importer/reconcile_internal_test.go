package importer

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
		journal.Entry{ID: "15", UpdatedAt: sent, Keys: []journal.MatchKey{key("email", "pair@x.com"), key("name", "cy one")}},
		journal.Entry{ID: "16", UpdatedAt: sent, Keys: []journal.MatchKey{key("email", "pair@x.com"), key("name", "di two")}},
		// Updated just now (say by an update of this run) but created long
		// before the write: it cannot be what the write made.
		journal.Entry{ID: "17", UpdatedAt: sent, Keys: []journal.MatchKey{key("name", "ed pre")},
			Fields: []byte(`{"id":17,"createdAt":"` + old.Format(time.RFC3339) + `","updatedAt":"` + sent.Format(time.RFC3339) + `"}`)},
		journal.Entry{ID: "18", UpdatedAt: sent, Keys: []journal.MatchKey{key("name", "fay new")},
			Fields: []byte(`{"id":18,"createdAt":"` + sent.Format(time.RFC3339) + `"}`)},
	)
	if err != nil {
		t.Fatal(err)
	}
	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: "i", MappingHash: "m", Account: journal.Account{BaseURL: "http://x", UserID: "1"}})
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
		{"second key narrows", []journal.MatchKey{mk("email", "pair@x.com"), mk("name", "cy one")}, journal.Create, "15", true},
		{"an older record never crowds out the recent one", []journal.MatchKey{mk("email", "shared@x.com"), mk("name", "ann old")}, journal.Create, "11", true},
		{"one record, older than the write: not ours", []journal.MatchKey{mk("name", "bo lee")}, journal.Create, "", false},
		{"one record, created before the write, updated since: not ours", []journal.MatchKey{mk("name", "ed pre")}, journal.Create, "", false},
		{"one record created after the write", []journal.MatchKey{mk("name", "fay new")}, journal.Create, "18", true},
		{"the recent one of two", []journal.MatchKey{mk("email", "shared@x.com")}, journal.Create, "11", true},
		{"two recent twins: cannot tell", []journal.MatchKey{mk("email", "twin@x.com"), mk("name", "twin")}, journal.Create, "", true},
		{"updates are resent", []journal.MatchKey{mk("email", "shared@x.com")}, journal.Update, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, hit, err := rc.find(ctx, run, journal.Op{Entity: "people", Action: tc.action, NaturalKey: tc.keys, Updated: sent})
			if err != nil || id != tc.wantID || hit != tc.wantHit {
				t.Fatalf("find = %q, %v, %v; want %q, %v", id, hit, err, tc.wantID, tc.wantHit)
			}
		})
	}
}

// Two rows make people of the same name and no other key; the second
// create is lost. The first one's record is found by the name but is
// never taken for the second's: that row would be marked done uncreated.
func TestReconcileNeverTakesAnotherCreatesRecord(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"), journal.WithUnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	acct := journal.Account{BaseURL: "http://x", UserID: "1"}
	mem, err := j.Memory(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: "i", MappingHash: "m", Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	name := []journal.MatchKey{{Kind: "name", Value: "al twin"}}
	spec := func(row int64) journal.OpSpec {
		return journal.OpSpec{Key: journal.Key{File: "f.csv", Row: row, Record: "person"}, Entity: "people",
			Action: journal.Create, NaturalKey: name}
	}
	ops, err := run.AddOps(ctx, spec(2), spec(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		if err := run.MarkSending(ctx, o.ID, journal.Request{Method: "POST", Path: "parties"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.MarkDone(ctx, ops[0].ID, "20"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := mem.UpsertIndex(ctx, "parties", journal.Entry{ID: "20", UpdatedAt: now,
		Keys: []journal.MatchKey{{Kind: "people:name", Value: "al twin"}}}); err != nil {
		t.Fatal(err)
	}
	rc := &reconciler{ir: &indexer{mem: mem}}
	tests := []struct {
		name    string
		op      journal.Op
		wantID  string
		wantHit bool
	}{
		{"the second create: nothing of its own stored", journal.Op{ID: ops[1].ID, Entity: "people", Action: journal.Create, NaturalKey: name, Updated: now}, "", false},
		{"the first create finds its own record", journal.Op{ID: ops[0].ID, Entity: "people", Action: journal.Create, NaturalKey: name, Updated: now}, "20", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, hit, err := rc.find(ctx, run, tc.op)
			if err != nil || id != tc.wantID || hit != tc.wantHit {
				t.Fatalf("find = %q, %v, %v; want %q, %v", id, hit, err, tc.wantID, tc.wantHit)
			}
		})
	}
}

// An update in doubt that Capsule applied is settled as done, so that the
// run's manifest keeps it (and its previous values) for a rollback; one
// that did not land, or cannot be told, is sent again.
func TestReconcileFindsAnAppliedUpdate(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"), journal.WithUnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	acct := journal.Account{BaseURL: "http://x", UserID: "1"}
	mem, err := j.Memory(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: "i", MappingHash: "m", Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	rec := `{"id":5,"type":"person","firstName":"Ann","jobTitle":"Boss","organisation":{"id":12,"name":"Acme"},` +
		`"emailAddresses":[{"id":1,"address":"ann@x.com"}],"fields":[{"id":3,"definition":{"id":9,"name":"Tier"},"value":"Gold"}]}`
	if err := mem.UpsertIndex(ctx, "parties", journal.Entry{ID: "5", UpdatedAt: time.Now(), Fields: []byte(rec)}); err != nil {
		t.Fatal(err)
	}
	rc := &reconciler{ir: &indexer{mem: mem}}
	tests := []struct {
		name    string
		body    string
		wantID  string
		wantHit bool
	}{
		{"applied", `{"party":{"jobTitle":"Boss","organisation":{"id":12},"emailAddresses":[{"address":"ann@x.com"}],` +
			`"fields":[{"definition":{"name":"Tier"},"value":"Gold"}]}}`, "5", true},
		{"not applied", `{"party":{"jobTitle":"CEO"}}`, "", false},
		{"link not applied", `{"party":{"organisation":{"id":13}}}`, "", false},
		{"e-mail not applied", `{"party":{"emailAddresses":[{"address":"new@x.com"}]}}`, "", false},
		{"no body", ``, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op := journal.Op{Entity: "people", Action: journal.Update, Method: "PUT", Path: "parties/5", Body: []byte(tc.body), Updated: time.Now()}
			id, hit, err := rc.find(ctx, run, op)
			if err != nil || id != tc.wantID || hit != tc.wantHit {
				t.Fatalf("find = %q, %v, %v; want %q, %v", id, hit, err, tc.wantID, tc.wantHit)
			}
		})
	}
}

// A lost create of a deal the account has several of by that name (an
// export of a pipeline with "Renewal" for many customers) takes only a
// record holding every value sent and that no other row owns; two such
// records are left for the user rather than guessed between.
func TestReconcileTakesOnlyARecordHoldingWhatWasSent(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"), journal.WithUnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	acct := journal.Account{BaseURL: "http://x", UserID: "1"}
	mem, err := j.Memory(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: "i", MappingHash: "m", Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	deal := func(id, amount, closeOn string) journal.Entry {
		return journal.Entry{ID: id, UpdatedAt: now,
			Keys: []journal.MatchKey{{Kind: "opportunities:name", Value: "renewal 2027"}},
			Fields: []byte(`{"id":` + id + `,"name":"Renewal 2027","createdAt":"` + now.Format(time.RFC3339) +
				`","value":{"amount":` + amount + `,"currency":"GBP"},"expectedCloseOn":"` + closeOn +
				`","milestone":{"id":7,"name":"Proposal"},"party":{"id":90,"name":"Hooli"}}`)}
	}
	if err := mem.UpsertIndex(ctx, "opportunities",
		deal("31", "3000", "2027-03-31"),    // another customer's amount
		deal("32", "5000.00", "2027-03-31"), // what was sent, but another exported id's record
		deal("33", "5000.0", "2027-03-31"),  // what was sent (amount as Capsule returns it)
	); err != nil {
		t.Fatal(err)
	}
	if err := mem.Remember(ctx, "opportunities", "opportunity/ID=1402", "32"); err != nil {
		t.Fatal(err)
	}
	rc := &reconciler{ir: &indexer{mem: mem}}
	body := func(amount, closeOn string) []byte {
		return []byte(`{"opportunity":{"milestone":{"id":7},"party":{"id":90},"name":" Renewal 2027",` +
			`"value":{"amount":` + amount + `,"currency":"GBP"},"expectedCloseOn":"` + closeOn + `"}}`)
	}
	op := func(src string, b []byte) journal.Op {
		return journal.Op{Entity: "opportunities", Action: journal.Create, Key: journal.Key{SourceKey: src},
			NaturalKey: []journal.MatchKey{{Kind: "name", Value: "renewal 2027"}}, Body: b, Updated: now}
	}
	tests := []struct {
		name    string
		op      journal.Op
		wantID  string
		wantHit bool
	}{
		{"the one holding every value, not owned by another row", op("opportunity/ID=1401", body("5000", "2027-03-31")), "33", true},
		{"two records hold what was sent (one its own): left in doubt", op("opportunity/ID=1402", body("5000", "2027-03-31")), "", true},
		{"no record holds the close date sent: not stored", op("opportunity/ID=1403", body("5000", "2027-06-30")), "", false},
		{"the only one with that amount", op("opportunity/ID=1404", body("3000", "2027-03-31")), "31", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, hit, err := rc.find(ctx, run, tc.op)
			if err != nil || id != tc.wantID || hit != tc.wantHit {
				t.Fatalf("find = %q, %v, %v; want %q, %v", id, hit, err, tc.wantID, tc.wantHit)
			}
		})
	}
}
