package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/listen"
)

// startListenChild runs `listen` in a child process (the test binary, see
// TestMain) with an OAuth token.
func startListenChild(args []string, stderr *syncBuffer) (*exec.Cmd, error) {
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw), "CAPSULE_TOKEN="+hooksOAuthToken)
	cmd.Stderr = stderr
	return cmd, cmd.Start()
}

type apiChange struct {
	key    string // entity/id/updatedAt or entity/id/deleted
	record map[string]any
}

// apiEdits makes 500 changes through the API: 200 people and organisations,
// 50 deals, 150 edits and 100 deletions, a little apart so a listener
// being killed and restarted misses some deliveries the first time.
func apiEdits(t *testing.T, c *capsule.Client, rng *rand.Rand) []apiChange {
	t.Helper()
	ctx := context.Background()
	c.Pacer().SetPending(600)
	call := func(method, path string, body any) map[string]any {
		req, err := c.NewRequest(ctx, method, path, body)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := c.Do(ctx, req, &buf); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		time.Sleep(time.Duration(2+rng.IntN(6)) * time.Millisecond)
		if buf.Len() == 0 {
			return nil
		}
		var m map[string]any
		json.Unmarshal(buf.Bytes(), &m)
		return m
	}
	var out []apiChange
	rec := func(entity, key string, m map[string]any) int64 {
		r := m[key].(map[string]any)
		id := int64(r["id"].(float64))
		out = append(out, apiChange{key: fmt.Sprintf("%s/%d/%s", entity, id, r["updatedAt"]), record: r})
		return id
	}
	type ref struct {
		entity, key string
		id          int64
	}
	var parties, free []ref
	for i := range 200 {
		var body map[string]any
		if i%4 == 0 {
			body = map[string]any{"party": map[string]any{"type": "organisation", "name": fmt.Sprintf("Nordic Timber Co-op %d", i),
				"websites": []any{map[string]any{"address": fmt.Sprintf("nordic-timber-%d.example", i), "service": "URL"}}}}
		} else {
			body = map[string]any{"party": map[string]any{"type": "person", "firstName": []string{"Åsa", "Jürgen", "Nnamdi", "María José"}[i%4], "lastName": fmt.Sprintf("Lindqvist-%d", i),
				"phoneNumbers": []any{map[string]any{"number": fmt.Sprintf("+46 8 555 %04d", i), "type": "Mobile"}}}}
		}
		id := rec("parties", "party", call("POST", "parties?embed="+listen.Embed, body))
		parties = append(parties, ref{"parties", "party", id})
	}
	ms, _, err := c.Milestones.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var all []ref
	for i := range 50 {
		id := rec("opportunities", "opportunity", call("POST", "opportunities?embed="+listen.Embed, map[string]any{"opportunity": map[string]any{
			"name": fmt.Sprintf("Framework agreement %d", i), "party": map[string]any{"id": parties[i].id}, "milestone": map[string]any{"id": ms[0].ID}}}))
		all = append(all, ref{"opportunities", "opportunity", id})
	}
	free = append(all, parties[50:]...) // parties with deals are kept
	rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	time.Sleep(1100 * time.Millisecond) // a new second: an edit gets its own updatedAt
	for _, r := range free[:150] {
		field := "about"
		if r.entity == "opportunities" {
			field = "description"
		}
		rec(r.entity, r.key, call("PUT", fmt.Sprintf("%s/%d?embed=%s", r.entity, r.id, listen.Embed),
			map[string]any{r.key: map[string]any{field: fmt.Sprintf("Call back in Q3 (ref %d)", r.id)}}))
	}
	for _, r := range free[len(free)-100:] {
		call("DELETE", fmt.Sprintf("%s/%d", r.entity, r.id), nil)
		out = append(out, apiChange{key: fmt.Sprintf("%s/%d/deleted", r.entity, r.id)})
	}
	return out
}

type outLine struct {
	Event     string          `json:"event"`
	Entity    string          `json:"entity"`
	ID        int64           `json:"id"`
	UpdatedAt string          `json:"updatedAt"`
	DeletedAt string          `json:"deletedAt"`
	Record    json.RawMessage `json:"record"`
}

func (l outLine) key() string {
	if strings.HasSuffix(l.Event, "/deleted") {
		return fmt.Sprintf("%s/%d/deleted", l.Entity, l.ID)
	}
	return fmt.Sprintf("%s/%d/%s", l.Entity, l.ID, l.UpdatedAt)
}

func readOut(t *testing.T, path string) []outLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []outLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l outLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

// The listener is killed with SIGKILL five times at random moments while
// 500 changes are made, and restarted with the same command each time: the
// output holds every change exactly once, with the API's records.
func TestListenSurvivesKill9(t *testing.T) {
	run := startHookSandbox(t)
	dir := t.TempDir()
	output := filepath.Join(dir, "changes.jsonl")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"listen", "--base-url", run.URL, "--output", output, "--public-url", "http://" + addr, "--addr", addr}
	c, err := capsule.NewClient(capsule.WithBaseURL(run.URL), capsule.WithToken(hooksOAuthToken))
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	child, err := startListenChild(args, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	// Wait for the subscriptions before editing.
	deadline := time.Now().Add(20 * time.Second)
	for len(run.Server.HookLog().Hooks) < len(listen.DefaultEvents) {
		if time.Now().After(deadline) {
			t.Fatalf("no subscriptions: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Kill and restart at random moments while the edits go on.
	type last struct {
		cmd *exec.Cmd
		err error
	}
	killer := make(chan last, 1)
	const kills = 5
	go func() {
		rng := rand.New(rand.NewPCG(11, 12))
		cur := child
		for range kills {
			time.Sleep(time.Duration(150+rng.IntN(600)) * time.Millisecond)
			cur.Process.Kill() // SIGKILL: no cleanup, no flush
			cur.Wait()
			next, err := startListenChild(args, &stderr)
			if err != nil {
				killer <- last{nil, err}
				return
			}
			cur = next
		}
		killer <- last{cur, nil}
	}()
	wants := apiEdits(t, c, rand.New(rand.NewPCG(13, 14)))
	k := <-killer
	if k.err != nil {
		t.Fatal(k.err)
	}
	child = k.cmd
	need := map[string]apiChange{}
	for _, w := range wants {
		need[w.key] = w
	}
	deadline = time.Now().Add(45 * time.Second)
	for {
		have := 0
		for _, l := range readOut(t, output) {
			if _, ok := need[l.key()]; ok {
				have++
			}
		}
		if have >= len(need) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d kills the output has %d of %d changes\n%s", kills, have, len(need), lastLine(stderr.String()))
		}
		time.Sleep(50 * time.Millisecond)
	}
	child.Process.Signal(syscall.SIGTERM)
	if err := child.Wait(); err != nil {
		t.Fatalf("SIGTERM: %v\n%s", err, stderr.String())
	}
	lines := readOut(t, output)
	seen := map[string]int{}
	for _, l := range lines {
		k := l.key()
		seen[k]++
		w, ok := need[k]
		if !ok {
			t.Errorf("output holds a change the API did not make: %s %s", l.Event, k)
			continue
		}
		if w.record != nil {
			var got map[string]any
			json.Unmarshal(l.Record, &got)
			g, _ := json.Marshal(got)
			e, _ := json.Marshal(w.record)
			if !bytes.Equal(g, e) {
				t.Errorf("%s: record differs\n got %s\nwant %s", k, g, e)
			}
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s written %d times", k, n)
		}
	}
	if len(lines) != len(need) || len(need) != 500 {
		t.Errorf("%d lines for %d changes (%d made)", len(lines), len(need), len(wants))
	}
	hs, _, _ := c.RestHooks.List(context.Background())
	if len(hs) != len(listen.DefaultEvents) {
		t.Errorf("%d hooks after %d restarts, want %d (reused, not piled up)", len(hs), kills, len(listen.DefaultEvents))
	}
	secret := hs[0].TargetURL[strings.LastIndexByte(hs[0].TargetURL, '/')+1:]
	if strings.Contains(stderr.String(), secret) {
		t.Error("the secret path appears in the listener's log")
	}
	retried := 0
	for _, d := range run.Server.HookLog().Deliveries {
		if len(d.Attempts) > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Fatal("no delivery needed a retry: no kill hit the listener while changes came in, the test proves nothing")
	}
	t.Logf("%d kills, %d changes, %d deliveries, %d of them retried", kills, len(lines), len(run.Server.HookLog().Deliveries), retried)
}
