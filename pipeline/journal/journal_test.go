package journal

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesPrivateFile(t *testing.T) {
	tests := []struct {
		name string
		pre  os.FileMode // 0: no file beforehand
	}{
		{name: "new file", pre: 0},
		{name: "existing world-readable file is tightened", pre: 0o644},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j.db")
			if tc.pre != 0 {
				if err := os.WriteFile(path, nil, tc.pre); err != nil {
					t.Fatal(err)
				}
				os.Chmod(path, tc.pre) // umask may have narrowed it
			}
			j, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if _, err := j.BeginRun(context.Background(), testSpec()); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{path, path + "-wal"} {
				st, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("%s mode = %v, want 0600", filepath.Base(p), st.Mode().Perm())
				}
			}
		})
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	j, path := openTemp(t)
	if _, err := j.w.ExecContext(ctx, `UPDATE meta SET value = '99' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	j.Close()
	_, err := Open(ctx, path)
	var se *SchemaVersionError
	if !errors.As(err, &se) {
		t.Fatalf("Open = %v, want *SchemaVersionError", err)
	}
	if se.Found != 99 || se.Supported != SchemaVersion {
		t.Errorf("got %+v", se)
	}
	if !strings.Contains(err.Error(), "upgrade capsule-etl") || !strings.Contains(err.Error(), path) {
		t.Errorf("message lacks the way out or the path: %v", err)
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{name: "text file", setup: func(t *testing.T, path string) {
			os.WriteFile(path, []byte(strings.Repeat("name,email\n", 200)), 0o600)
		}},
		{name: "other sqlite database", setup: func(t *testing.T, path string) {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE customers (id INTEGER)`); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "directory", setup: func(t *testing.T, path string) { os.Mkdir(path, 0o700) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x")
			tc.setup(t, path)
			j, err := Open(context.Background(), path)
			if err == nil {
				j.Close()
				t.Fatal("Open succeeded on a file that is not a journal")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	ctx := context.Background()
	j, r, path := beginTemp(t)
	mustAdd(t, r, personSpec(2, "ann@example.com"))
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
	ops, err := r2.Ops(ctx)
	if err != nil || len(ops) != 1 {
		t.Fatalf("after reopen: %d ops, %v", len(ops), err)
	}
}

// The token must never reach the file: not through the account, not
// through the recorded command line.
func TestTokenIsNeverStored(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		acct Account
		args []string
	}{
		{name: "with user id", acct: testAccount(), args: []string{"import", "--token", testToken, "a.csv"}},
		{name: "without user id", acct: Account{BaseURL: "http://x", Token: testToken},
			args: []string{"import", "--api-token=" + testToken}},
		{name: "token inside an argument", acct: testAccount(), args: []string{"--header=Authorization: Bearer " + testToken}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, path := openTemp(t)
			spec := testSpec()
			spec.Account, spec.Args = tc.acct, tc.args
			r, err := j.BeginRun(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			ops := mustAdd(t, r, personSpec(2, "ann@example.com"))
			if err := r.MarkSending(ctx, ops[0].ID, Request{Method: "POST", Path: "/parties", Body: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
			m, err := j.Memory(ctx, tc.acct)
			if err != nil {
				t.Fatal(err)
			}
			m.Remember(ctx, "parties", "k", "1")
			ri, err := j.GetRun(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(strings.Join(ri.Args, " "), testToken) || strings.Contains(ri.UserID, testToken) {
				t.Errorf("run info holds the token: %+v", ri)
			}
			if !strings.Contains(strings.Join(ri.Args, " "), "[redacted]") {
				t.Errorf("args not redacted: %q", ri.Args)
			}
			j.Close()
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				b, err := os.ReadFile(p)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				if bytes.Contains(b, []byte(testToken)) {
					t.Errorf("%s contains the token", filepath.Base(p))
				}
			}
		})
	}
}

func TestHashFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte("x\n1\n"), 0o600)
	os.WriteFile(b, []byte("x\n2\n"), 0o600)
	ctx := context.Background()
	ab, err := HashFiles(ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	ba, _ := HashFiles(ctx, b, a)
	if ab == ba {
		t.Error("order of inputs does not change the hash")
	}
	os.WriteFile(b, []byte("x\n3\n"), 0o600)
	ab2, _ := HashFiles(ctx, a, b)
	if ab == ab2 {
		t.Error("changed content keeps the hash")
	}
	if _, err := HashFiles(ctx, filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("missing file hashed without error")
	}
}
