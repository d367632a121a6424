package journal

import (
	"context"
	"path/filepath"
	"testing"
)

const testToken = "tok_3f9c1d2e8b7a6c5d4e3f2a1b0c9d8e7f"

func testAccount() Account {
	return Account{BaseURL: "http://127.0.0.1:8080/api/v2/", UserID: "42", Token: testToken}
}

func testSpec() RunSpec {
	return RunSpec{
		InputHash:   HashBytes([]byte("name,email\nAnn,ann@example.com\n")),
		MappingHash: HashBytes([]byte("entity: person\n")),
		Account:     testAccount(),
		Args:        []string{"import", "--mapping", "m.yaml", "people.csv"},
	}
}

func openTemp(t testing.TB, opts ...Option) (*Journal, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.journal")
	j, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	return j, path
}

func beginTemp(t testing.TB) (*Journal, *Run, string) {
	t.Helper()
	j, path := openTemp(t)
	r, err := j.BeginRun(context.Background(), testSpec())
	if err != nil {
		t.Fatalf("BeginRun: %v", err)
	}
	return j, r, path
}

func personSpec(row int64, email string) OpSpec {
	return OpSpec{
		Key:        Key{File: "people.csv", Row: row, Record: "person"},
		Entity:     "parties",
		Action:     Create,
		NaturalKey: []MatchKey{{Kind: "email", Value: email}},
	}
}

func mustAdd(t testing.TB, r *Run, specs ...OpSpec) []Op {
	t.Helper()
	ops, err := r.AddOps(context.Background(), specs...)
	if err != nil {
		t.Fatalf("AddOps: %v", err)
	}
	return ops
}

func stateOf(t testing.TB, r *Run, id int64) State {
	t.Helper()
	op, err := r.Op(context.Background(), id)
	if err != nil {
		t.Fatalf("Op(%d): %v", id, err)
	}
	return op.State
}
