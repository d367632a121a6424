package listen_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/listen"
)

const oauthToken = "listen-test-oauth"

type env struct {
	t      testing.TB
	run    *sandbox.Running
	client *capsule.Client
	dir    string
}

func newEnv(t testing.TB, opts ...sandbox.Option) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	run, err := sandbox.Start(ctx, "127.0.0.1:0", append([]sandbox.Option{
		sandbox.WithOAuthToken(oauthToken, ""), sandbox.WithHookRetryScale(0.01), sandbox.WithHookTimeout(5 * time.Second),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	c, err := capsule.NewClient(capsule.WithBaseURL(run.URL), capsule.WithToken(oauthToken))
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, run: run, client: c, dir: t.TempDir()}
}

// freeAddr finds a loopback port for a receiver whose public URL must be
// known before it listens.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// running is a listener started in the background.
type running struct {
	cancel context.CancelFunc
	done   chan error
	stats  listen.Stats
}

func (r *running) stop(t testing.TB) listen.Stats {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("listener: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("listener did not stop")
	}
	return r.stats
}

func (e *env) start(cfg listen.Config) *running {
	e.t.Helper()
	cfg.Client = e.client
	ready := make(chan struct{})
	cfg.Ready = func(string) { close(ready) }
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() {
		st, err := listen.Run(ctx, cfg)
		r.stats = st
		r.done <- err
	}()
	select {
	case <-ready:
	case err := <-r.done:
		cancel()
		e.t.Fatalf("listener stopped before it was ready: %v", err)
	case <-time.After(20 * time.Second):
		cancel()
		e.t.Fatal("listener not ready in 20s")
	}
	e.t.Cleanup(cancel)
	return r
}

// raw sends one API call and returns the decoded body.
func (e *env) raw(method, path string, body any) map[string]json.RawMessage {
	e.t.Helper()
	ctx := context.Background()
	req, err := e.client.NewRequest(ctx, method, path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := e.client.Do(ctx, req, &buf); err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if buf.Len() == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		e.t.Fatalf("%s %s: %s", method, path, buf.Bytes())
	}
	return m
}

// want is a change the API made: its key and the record the API returned.
type want struct {
	entity string
	id     int64
	kind   string // updated or deleted
	at     string
	record map[string]any
}

func (w want) key() string {
	if w.kind == "deleted" {
		return fmt.Sprintf("%s/%d/deleted", w.entity, w.id)
	}
	return fmt.Sprintf("%s/%d/%s", w.entity, w.id, w.at)
}

func decode(t testing.TB, raw json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return m
}

// edits makes n changes the way a CRM team does over a day: new contacts
// and organisations (as a Pipedrive or HubSpot export would hold them), new
// deals, edits and deletions. Every record is changed at most once per
// phase; between phases pause runs (poll listeners need it to see each
// state).
func (e *env) edits(n int, rng *rand.Rand, pause func()) []want {
	e.t.Helper()
	var out []want
	add := func(entity, key string, m map[string]json.RawMessage) (int64, string) {
		rec := decode(e.t, m[key])
		id := int64(rec["id"].(float64))
		at := rec["updatedAt"].(string)
		out = append(out, want{entity: entity, id: id, kind: "updated", at: at, record: rec})
		return id, at
	}
	creates, updates := n/2, n*3/10
	deletes := n - creates - updates
	people := []string{"Søren Kierkegaard", "Zoë Smith-Jones", "José Álvarez", "O'Brien, Siobhán", "李 伟", "Anne-Marie Dubois", "Dr. Kwame Mensah"}
	orgs := []string{"ACME Corp.", "Müller & Söhne GmbH", "Smith & Sons, LLC", "北京科技有限公司", "Café Noir S.A.R.L."}
	var parties, opps []int64
	oppCreates := creates / 5
	for i := range creates - oppCreates {
		var body any
		if i%3 == 0 {
			body = map[string]any{"party": map[string]any{"type": "organisation", "name": fmt.Sprintf("%s #%d", orgs[rng.IntN(len(orgs))], i),
				"tags": []any{map[string]any{"name": "Imported 2026"}}}}
		} else {
			name := people[rng.IntN(len(people))]
			first, last, _ := strings.Cut(name, " ")
			body = map[string]any{"party": map[string]any{"type": "person", "firstName": first, "lastName": fmt.Sprintf("%s %d", last, i),
				"emailAddresses": []any{map[string]any{"address": fmt.Sprintf("contact%d@example.com", i), "type": "Work"}}}}
		}
		id, _ := add("parties", "party", e.raw("POST", "parties?embed="+listen.Embed, body))
		parties = append(parties, id)
	}
	ms := e.milestone()
	for i := range oppCreates {
		body := map[string]any{"opportunity": map[string]any{"name": fmt.Sprintf("Renewal FY27 – %d", i), "party": map[string]any{"id": parties[i]},
			"milestone": map[string]any{"id": ms}, "value": map[string]any{"amount": 1200 + i, "currency": "GBP"}}}
		id, _ := add("opportunities", "opportunity", e.raw("POST", "opportunities?embed="+listen.Embed, body))
		opps = append(opps, id)
	}
	pause()
	type rec struct {
		entity string
		id     int64
	}
	var all []rec
	for _, id := range parties[len(opps):] { // parties with deals stay: a deal needs its party
		all = append(all, rec{"parties", id})
	}
	for _, id := range opps {
		all = append(all, rec{"opportunities", id})
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if len(all) < max(updates, deletes) {
		e.t.Fatalf("edits: %d records cannot take %d updates and %d deletes", len(all), updates, deletes)
	}
	for _, r := range all[:updates] {
		var body any
		key := "party"
		if r.entity == "opportunities" {
			key = "opportunity"
			body = map[string]any{key: map[string]any{"description": fmt.Sprintf("Follow up after call %d", r.id)}}
		} else {
			body = map[string]any{key: map[string]any{"about": fmt.Sprintf("Met at the trade fair; ref %d", r.id)}}
		}
		add(r.entity, key, e.raw("PUT", fmt.Sprintf("%s/%d?embed=%s", r.entity, r.id, listen.Embed), body))
	}
	pause()
	for _, r := range all[len(all)-deletes:] { // some were updated first
		e.raw("DELETE", fmt.Sprintf("%s/%d", r.entity, r.id), nil)
		out = append(out, want{entity: r.entity, id: r.id, kind: "deleted"})
	}
	pause()
	return out
}

func (e *env) milestone() int64 {
	ms, _, err := e.client.Milestones.List(context.Background(), nil)
	if err != nil || len(ms) == 0 {
		e.t.Fatalf("milestones: %v", err)
	}
	return ms[0].ID
}

// line is one output line.
type line struct {
	Event      string          `json:"event"`
	Entity     string          `json:"entity"`
	ID         int64           `json:"id"`
	UpdatedAt  string          `json:"updatedAt"`
	DeletedAt  string          `json:"deletedAt"`
	ReceivedAt string          `json:"receivedAt"`
	Record     json.RawMessage `json:"record"`
}

func (l line) key() string {
	if strings.HasSuffix(l.Event, "/deleted") {
		return fmt.Sprintf("%s/%d/deleted", l.Entity, l.ID)
	}
	return fmt.Sprintf("%s/%d/%s", l.Entity, l.ID, l.UpdatedAt)
}

func readLines(t testing.TB, path string) []line {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: bad line %q: %v", path, sc.Text(), err)
		}
		for _, k := range []string{"event", "entity", "id", "receivedAt", "record"} {
			if !bytes.Contains(sc.Bytes(), []byte(`"`+k+`":`)) {
				t.Fatalf("line without %q: %s", k, sc.Text())
			}
		}
		out = append(out, l)
	}
	return out
}

// waitLines waits until the output holds every wanted key.
func waitLines(t *testing.T, path string, wants []want, within time.Duration) []line {
	t.Helper()
	need := map[string]bool{}
	for _, w := range wants {
		need[w.key()] = true
	}
	deadline := time.Now().Add(within)
	for {
		ls := readLines(t, path)
		have := 0
		for _, l := range ls {
			if need[l.key()] {
				have++
			}
		}
		if have >= len(need) {
			return ls
		}
		if time.Now().After(deadline) {
			t.Fatalf("output has %d of %d wanted changes after %v", have, len(need), within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkExactlyOnce fails unless the output holds each wanted change once,
// with the record the API returned, and nothing else.
func checkExactlyOnce(t *testing.T, ls []line, wants []want) {
	t.Helper()
	byKey := map[string]want{}
	for _, w := range wants {
		byKey[w.key()] = w
	}
	seen := map[string]int{}
	for _, l := range ls {
		k := l.key()
		seen[k]++
		w, ok := byKey[k]
		if !ok {
			t.Errorf("unexpected change in output: %s %s", l.Event, k)
			continue
		}
		if w.kind == "deleted" {
			if !strings.HasSuffix(l.Event, "/deleted") || l.DeletedAt == "" {
				t.Errorf("%s: event %q deletedAt %q", k, l.Event, l.DeletedAt)
			}
			continue
		}
		got := decode(t, l.Record)
		if !jsonEqual(got, w.record) {
			t.Errorf("%s: record differs from the API's\n got %v\nwant %v", k, got, w.record)
		}
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("%s written %d times", k, n)
		}
	}
	for k := range byKey {
		if seen[k] == 0 {
			t.Errorf("missing change %s", k)
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func hookCount(t *testing.T, e *env) int {
	t.Helper()
	hs, _, err := e.client.RestHooks.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(hs)
}

func sandboxHooks(t *testing.T, e *env) sandbox.HookLog {
	t.Helper()
	resp, err := http.Get(strings.TrimSuffix(e.run.URL, sandbox.APIPrefix) + "/_sandbox/hooks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var l sandbox.HookLog
	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil {
		t.Fatal(err)
	}
	return l
}

func out(e *env, name string) string { return filepath.Join(e.dir, name) }
