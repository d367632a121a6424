package journal

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func testMemory(t testing.TB) *Memory {
	t.Helper()
	j, _ := openTemp(t)
	m, err := j.Memory(context.Background(), testAccount())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func entry(id string, updated time.Time, keys ...MatchKey) Entry {
	return Entry{ID: id, UpdatedAt: updated, Keys: keys, Fields: json.RawMessage(`{"id":` + id + `}`)}
}

func TestIndexFind(t *testing.T) {
	ctx := context.Background()
	m := testMemory(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err := m.UpsertIndex(ctx, "parties",
		entry("1", t0, MatchKey{"email", "ann@example.com"}, MatchKey{"name", "ann smith"}),
		entry("2", t0, MatchKey{"email", "bob@example.com"}, MatchKey{"name", "ann smith"}),
		entry("3", t0, MatchKey{"phone", "+441234567890"}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.UpsertIndex(ctx, "opportunities", entry("1", t0, MatchKey{"name", "ann smith"})); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		entity string
		key    MatchKey
		want   []string
	}{
		{name: "unique email", entity: "parties", key: MatchKey{"email", "ann@example.com"}, want: []string{"1"}},
		{name: "ambiguous name returns every id", entity: "parties", key: MatchKey{"name", "ann smith"}, want: []string{"1", "2"}},
		{name: "phone", entity: "parties", key: MatchKey{"phone", "+441234567890"}, want: []string{"3"}},
		{name: "no match", entity: "parties", key: MatchKey{"email", "nobody@example.com"}, want: nil},
		{name: "kind matters", entity: "parties", key: MatchKey{"name", "ann@example.com"}, want: nil},
		{name: "entity matters", entity: "opportunities", key: MatchKey{"name", "ann smith"}, want: []string{"1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids, err := m.FindIDs(ctx, tc.entity, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("FindIDs = %v, want %v", ids, tc.want)
			}
			for i, id := range ids {
				e, ok, err := m.IndexEntry(ctx, tc.entity, id)
				if err != nil || !ok {
					t.Fatalf("IndexEntry(%s) = %v, %v", id, ok, err)
				}
				if e.ID != tc.want[i] || string(e.Fields) != `{"id":`+e.ID+`}` || !e.UpdatedAt.Equal(t0) ||
					!slices.Contains(e.Keys, tc.key) {
					t.Errorf("entry %d = %+v", i, e)
				}
			}
		})
	}
}

// A refresh with `since` replaces changed records' keys, drops deleted
// ones, and the cursor moves only when the caller says the listing is
// complete.
func TestIndexRefreshWithCursor(t *testing.T) {
	ctx := context.Background()
	m := testMemory(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, ok, err := m.Cursor(ctx, "parties"); ok || err != nil {
		t.Fatalf("fresh index has a cursor (%v, %v)", ok, err)
	}
	// Full listing.
	m.UpsertIndex(ctx, "parties",
		entry("1", t0, MatchKey{"email", "ann@example.com"}),
		entry("2", t0.Add(time.Hour), MatchKey{"email", "bob@example.com"}),
		entry("3", t0.Add(2*time.Hour), MatchKey{"email", "cy@example.com"}))
	if c, _, _ := m.Cursor(ctx, "parties"); !c.IsZero() {
		t.Fatal("UpsertIndex moved the cursor")
	}
	max, err := m.MaxUpdatedAt(ctx, "parties")
	if err != nil || !max.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("MaxUpdatedAt = %v, %v", max, err)
	}
	if err := m.SetCursor(ctx, "parties", max); err != nil {
		t.Fatal(err)
	}

	// Refresh: Ann changed her email, Cy was deleted, Dee is new.
	since, ok, err := m.Cursor(ctx, "parties")
	if err != nil || !ok || !since.Equal(max) {
		t.Fatalf("Cursor = %v %v %v", since, ok, err)
	}
	m.UpsertIndex(ctx, "parties",
		entry("1", t0.Add(3*time.Hour), MatchKey{"email", "ann@new.example"}),
		entry("4", t0.Add(4*time.Hour), MatchKey{"email", "dee@example.com"}))
	m.DeleteIndex(ctx, "parties", "3")
	max, _ = m.MaxUpdatedAt(ctx, "parties")
	m.SetCursor(ctx, "parties", max)

	for key, want := range map[string][]string{
		"ann@example.com": nil, "ann@new.example": {"1"}, "bob@example.com": {"2"},
		"cy@example.com": nil, "dee@example.com": {"4"},
	} {
		ids, err := m.FindIDs(ctx, "parties", MatchKey{"email", key})
		if err != nil || !slices.Equal(ids, want) {
			t.Errorf("FindIDs(%s) = %v %v, want %v", key, ids, err, want)
		}
	}
	if n := indexLen(t, m, "parties"); n != 3 {
		t.Errorf("%d entries indexed, want 3", n)
	}
	if c, _, _ := m.Cursor(ctx, "parties"); !c.Equal(t0.Add(4 * time.Hour)) {
		t.Errorf("cursor = %v, want %v", c, t0.Add(4*time.Hour))
	}
	var seen []string
	for e, err := range m.IndexEntries(ctx, "parties") {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, e.ID)
	}
	if !slices.Equal(seen, []string{"1", "2", "4"}) {
		t.Errorf("IndexEntries = %v", seen)
	}
	// A full rebuild starts from nothing, cursor included.
	if err := m.ClearIndex(ctx, "parties"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := m.Cursor(ctx, "parties"); ok {
		t.Error("ClearIndex kept the cursor")
	}
	if n := indexLen(t, m, "parties"); n != 0 {
		t.Errorf("%d entries indexed after clear", n)
	}
}

func indexLen(t *testing.T, m *Memory, entity string) int {
	t.Helper()
	n := 0
	for _, err := range m.IndexEntries(context.Background(), entity) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func TestMemoryRememberForget(t *testing.T) {
	ctx := context.Background()
	m := testMemory(t)
	if err := m.Remember(ctx, "parties", "org:acme", "77"); err != nil {
		t.Fatal(err)
	}
	if id, ok, _ := m.Lookup(ctx, "parties", "org:acme"); !ok || id != "77" {
		t.Fatalf("Lookup = %q %v", id, ok)
	}
	m.Remember(ctx, "parties", "org:acme", "78")
	if id, _, _ := m.Lookup(ctx, "parties", "org:acme"); id != "78" {
		t.Errorf("Remember did not replace: %q", id)
	}
	m.Forget(ctx, "parties", "org:acme")
	if _, ok, _ := m.Lookup(ctx, "parties", "org:acme"); ok {
		t.Error("Forget kept the id")
	}
}
