package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

func TestDataFilePersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	h := newHarness(t, WithDataFile(path))
	id := h.create("parties", "party", map[string]any{"type": "organisation", "name": "Kept", "tags": []any{map[string]any{"name": "T"}}})
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("data file not written: %v", err)
	}
	h2 := newHarness(t, WithDataFile(path))
	p := h2.must(200, "GET", "/parties/"+fmtInt(id)+"?embed=tags", nil).obj("party")
	if p["name"] != "Kept" || len(p["tags"].([]any)) != 1 {
		t.Errorf("after restart = %v", p)
	}
	if next := h2.create("parties", "party", org("Next")); next <= id {
		t.Errorf("ids restarted: %d after %d", next, id)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	for _, bad := range []string{"{not json", `{"parties": null}`} {
		os.WriteFile(path, []byte(bad), 0o600)
		if err := New(WithDataFile(path)).Err(); err == nil {
			t.Errorf("bad data file %q not reported", bad)
		}
	}
	os.WriteFile(path, []byte(`{"nextId": 50, "seed": {"users": [{"id": 1, "username": "u", "name": "U"}]}}`), 0o600)
	h3 := newHarness(t, WithDataFile(path))
	if id := h3.create("parties", "party", org("Z")); id != 51 {
		t.Errorf("minimal data file: new id %d, want 51", id)
	}
}

func TestSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	os.WriteFile(path, []byte(`{"users":[{"username":"boss","name":"The Boss"},{"username":"amy","name":"Amy","token":"amy-token"}],
	 "fields":[{"entity":"parties","name":"Region","type":"list","options":["North","South"]}]}`), 0o600)
	h := newHarness(t, WithSeedFile(path))
	if u := h.must(200, "GET", "/users/current", nil).obj("user"); u["username"] != "boss" {
		t.Errorf("current user = %v", u)
	}
	if u := h.doToken("amy-token", "GET", "/users/current", nil).obj("user"); u["username"] != "amy" {
		t.Errorf("amy's token maps to %v", u)
	}
	if n := len(h.must(200, "GET", "/parties/fields/definitions", nil).list("definitions")); n != 1 {
		t.Errorf("definitions = %d", n)
	}
	os.WriteFile(path, []byte(`{"fields":[{"entity":"nope","name":"x","type":"text"}]}`), 0o600)
	if err := New(WithSeedFile(path)).Err(); err == nil {
		t.Error("bad seed entity not reported")
	}
}

func TestConcurrentRequests(t *testing.T) {
	h := newHarness(t)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				id := h.create("parties", "party", org("C"))
				h.must(200, "PUT", "/parties/"+fmtInt(id), map[string]any{"party": map[string]any{"tags": []any{map[string]any{"name": "shared"}}}})
				h.must(200, "GET", "/parties?perPage=10", nil)
				if i%5 == 0 && w%2 == 0 {
					h.must(204, "DELETE", "/parties/"+fmtInt(id), nil)
				}
			}
		}()
	}
	wg.Wait()
	st := h.srv.Stats()
	if st.Records["parties"] != 200-4*5 {
		t.Errorf("parties = %d, want %d", st.Records["parties"], 200-4*5)
	}
	if n := len(h.must(200, "GET", "/parties/tags", nil).list("tags")); n != 1 {
		t.Errorf("concurrent tag auto-create made %d tags", n)
	}
}

func TestStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, err := Start(ctx, "127.0.0.1:0", WithToken("tok"))
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	h := &harness{t: t, srv: run.Server, base: run.URL, token: "tok"}
	h.hs = nil
	r := h.doURL("GET", run.URL+"/site")
	if r != 200 {
		t.Errorf("GET /site via Start = %d", r)
	}
}

func TestBadJSONFilesNameLineAndColumn(t *testing.T) {
	tests := []struct {
		name, content, want string
		opt                 func(string) Option
	}{
		{"syntax error in a seed", "{\n  \"users\": [\n    {\"username\": \"boss\",}\n  ]\n}", "seed.json:3:25: invalid character '}'", WithSeedFile},
		{"wrong type in a seed", "{\"users\": [\n  {\"username\": 7}\n]}", "seed.json:2:16: users.username: want a string, found a number", WithSeedFile},
		{"broken data file", "{\"parties\": [", "seed.json:1:13 is not valid", WithDataFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "seed.json")
			os.WriteFile(path, []byte(tt.content), 0o600)
			err := New(tt.opt(path)).Err()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
