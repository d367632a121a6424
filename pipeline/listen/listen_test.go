package listen_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/listen"
)

func hookConfig(e *env, name string) listen.Config {
	addr := freeAddr(e.t)
	return listen.Config{Output: out(e, name), PublicURL: "http://" + addr, Addr: addr}
}

// A hook-mode listener and a poll-mode listener watch the same 500 API
// changes: each output holds every change once, the hook one with the
// records the API returned, and both hold the same set.
func TestHookAndPollModeReceive500ChangesOnce(t *testing.T) {
	e := newEnv(t, sandbox.WithRateLimit(1_000_000, time.Hour))
	hook := e.start(hookConfig(e, "hook.jsonl"))
	poll := e.start(listen.Config{Output: out(e, "poll.jsonl"), Poll: 200 * time.Millisecond, Overlap: 2 * time.Second})
	if n := hookCount(t, e); n != len(listen.DefaultEvents) {
		t.Fatalf("%d hooks subscribed, want %d", n, len(listen.DefaultEvents))
	}
	wants := e.edits(500, rand.New(rand.NewPCG(1, 2)), func() { time.Sleep(1100 * time.Millisecond) })
	if len(wants) != 500 {
		t.Fatalf("made %d changes", len(wants))
	}
	hookLines := waitLines(t, out(e, "hook.jsonl"), wants, 30*time.Second)
	st := hook.stop(t)
	checkExactlyOnce(t, readLines(t, out(e, "hook.jsonl")), wants)
	if len(hookLines) != 500 || st.Written != 500 {
		t.Fatalf("hook output %d lines, %d written", len(hookLines), st.Written)
	}
	pollLines := waitLines(t, out(e, "poll.jsonl"), wants, 30*time.Second)
	poll.stop(t)
	pollLines = readLines(t, out(e, "poll.jsonl"))
	checkExactlyOnce(t, pollLines, wants)
	for _, l := range pollLines {
		if !strings.HasSuffix(l.Event, "/updated") && !strings.HasSuffix(l.Event, "/deleted") {
			t.Fatalf("catch-up wrote event %q", l.Event)
		}
	}
	for _, l := range hookLines {
		if l.ReceivedAt == "" {
			t.Fatalf("no receivedAt: %+v", l)
		}
	}
}

// A receiver that stays down gets 5 attempts per delivery, then Capsule
// drops the hooks; the next listen subscribes again and catches up.
func TestReceiverDownThenResubscribeAndCatchUp(t *testing.T) {
	e := newEnv(t, sandbox.WithHookRetryScale(0.001))
	cfg := hookConfig(e, "changes.jsonl")
	first := e.start(cfg)
	before, _, err := e.client.RestHooks.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first.stop(t)
	// A restart right away reuses the subscriptions instead of piling up.
	again := e.start(cfg)
	after, _, _ := e.client.RestHooks.List(context.Background())
	if len(after) != len(before) || after[0].ID != before[0].ID {
		t.Fatalf("restart made new hooks: %d → %d", len(before), len(after))
	}
	again.stop(t)

	wants := e.edits(40, rand.New(rand.NewPCG(7, 8)), func() { time.Sleep(1100 * time.Millisecond) })
	// Every delivery to the stopped receiver fails 5 times and takes its
	// hook with it (hooks of events that never fired stay).
	deadline := time.Now().Add(20 * time.Second)
	for {
		log := sandboxHooks(t, e)
		pending := 0
		for _, d := range log.Deliveries {
			if d.Outcome == "pending" {
				pending++
			}
		}
		if pending == 0 && len(log.Deliveries) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still pending", pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	log := sandboxHooks(t, e)
	live := map[int64]bool{}
	for _, h := range log.Hooks {
		live[h.ID] = true
	}
	failed := 0
	for _, d := range log.Deliveries {
		switch d.Outcome {
		case "failed (hook removed)":
			failed++
			if len(d.Attempts) != 5 {
				t.Fatalf("delivery %d: %d attempts, want 5", d.ID, len(d.Attempts))
			}
			if live[d.HookID] {
				t.Fatalf("hook %d still subscribed after its delivery failed 5 times", d.HookID)
			}
		case "hook deleted": // a later delivery of a hook already dropped
		default:
			t.Fatalf("delivery %d: outcome %q", d.ID, d.Outcome)
		}
	}
	if failed == 0 || len(log.Hooks) >= len(listen.DefaultEvents) {
		t.Fatalf("%d failed deliveries, %d hooks left", failed, len(log.Hooks))
	}
	back := e.start(cfg)
	if n := hookCount(t, e); n != len(listen.DefaultEvents) {
		t.Fatalf("after restart %d hooks, want %d", n, len(listen.DefaultEvents))
	}
	back.stop(t)
	// Catch-up sees each record's latest state and every deletion.
	latest := map[string]want{}
	for _, w := range wants {
		k := fmt.Sprintf("%s/%d", w.entity, w.id)
		if old, ok := latest[k]; !ok || old.kind != "deleted" {
			latest[k] = w
		}
	}
	var final []want
	for _, w := range latest {
		final = append(final, w)
	}
	checkExactlyOnce(t, readLines(t, cfg.Output), final)
}

func TestDeliveriesRefusedAndListenerGoesOn(t *testing.T) {
	e := newEnv(t)
	cfg := hookConfig(e, "changes.jsonl")
	cfg.MaxBody = 4096
	r := e.start(cfg)
	hs, _, err := e.client.RestHooks.List(context.Background())
	if err != nil || len(hs) == 0 {
		t.Fatalf("hooks: %v", err)
	}
	target := "http://" + cfg.Addr + hs[0].TargetURL[strings.LastIndexByte(hs[0].TargetURL, '/'):]
	post := func(url, body string) int {
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	good := `{"event":"party/updated","payload":[{"id":9001,"type":"organisation","name":"Nordwind AG","updatedAt":"2026-05-01T08:00:00Z"}]}`
	for _, c := range []struct {
		url, body string
		want      int
	}{
		{"http://" + cfg.Addr + "/not-the-secret", good, 404},
		{"http://" + cfg.Addr + "/", good, 404},
		{target, `{"event":"party/updated","payload":[{"id":1,`, 400},
		{target, `{"event":"party/upated","payload":[]}`, 400},
		{target, `{"event":"party/updated","payload":[{"name":"no id"}]}`, 400},
		{target, `{"event":"party/updated","payload":[{"id":2,"about":"` + strings.Repeat("x", 5000) + `"}]}`, 413},
		{target, good, 200},
		{target, good, 200}, // a retried delivery: answered, not written twice
	} {
		if got := post(c.url, c.body); got != c.want {
			t.Errorf("POST %s %.40s: %d, want %d", c.url[len("http://"+cfg.Addr):], c.body, got, c.want)
		}
	}
	st := r.stop(t)
	ls := readLines(t, cfg.Output)
	if len(ls) != 1 || ls[0].ID != 9001 || st.Rejected != 6 || st.Duplicates != 1 {
		t.Fatalf("lines %+v, stats %+v", ls, st)
	}
}

func TestSubscribeRefusals(t *testing.T) {
	no := false
	e := newEnv(t, sandbox.WithSeed(sandbox.Seed{Users: []sandbox.SeedUser{{Username: "admin", Name: "Ada Admin"}, {Username: "sam", Name: "Sam Sales", Administrator: &no}}}),
		sandbox.WithOAuthToken("sam-oauth", "sam"))
	ctx := context.Background()
	// Personal token and non-administrator: refused with a typed error.
	for _, tok := range []string{sandbox.DefaultToken, "sam-oauth"} {
		c, _ := capsule.NewClient(capsule.WithBaseURL(e.run.URL), capsule.WithToken(tok))
		cfg := hookConfig(e, "x-"+tok+".jsonl")
		cfg.Client = c
		_, err := listen.Run(ctx, cfg)
		var fe *listen.HookForbiddenError
		if !errors.As(err, &fe) {
			t.Fatalf("token %s: %v, want a HookForbiddenError", tok, err)
		}
	}
	// Fill the account to 10 hooks: 13 more do not fit.
	e.client.Pacer().SetPending(10)
	for i := range 10 {
		if _, _, err := e.client.RestHooks.Create(ctx, &capsule.RestHook{Event: "task/created", TargetURL: fmt.Sprintf("https://zapier.example/hooks/%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := hookConfig(e, "full.jsonl")
	cfg.Client = e.client
	_, err := listen.Run(ctx, cfg)
	var le *listen.HookLimitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "20") {
		t.Fatalf("%v, want a HookLimitError", err)
	}
	if _, _, err := e.client.RestHooks.Create(ctx, &capsule.RestHook{Event: "party/creatd", TargetURL: "https://x.example/"}); !errors.Is(err, capsule.ErrUnknownEvent) || !strings.Contains(err.Error(), `"party/created"`) {
		t.Fatalf("typo: %v", err)
	}
}

func TestUnsubscribeOnExit(t *testing.T) {
	e := newEnv(t)
	cfg := hookConfig(e, "changes.jsonl")
	cfg.UnsubscribeOnExit = true
	cfg.Events = []string{"party/created", "party/deleted"}
	r := e.start(cfg)
	if n := hookCount(t, e); n != 2 {
		t.Fatalf("%d hooks", n)
	}
	r.stop(t)
	if n := hookCount(t, e); n != 0 {
		t.Fatalf("%d hooks left after a clean stop with --unsubscribe-on-exit", n)
	}
}

// A line torn by a crash mid-write was never acknowledged: it is dropped
// and comes again with the retry.
func TestTornLastLineDropped(t *testing.T) {
	e := newEnv(t)
	cfg := hookConfig(e, "changes.jsonl")
	whole := `{"event":"party/updated","entity":"parties","id":5,"updatedAt":"2026-01-02T03:04:05Z","receivedAt":"2026-01-02T03:04:06Z","record":{"id":5,"updatedAt":"2026-01-02T03:04:05Z"}}` + "\n"
	if err := os.WriteFile(cfg.Output, []byte(whole+`{"event":"party/upd`), 0o644); err != nil {
		t.Fatal(err)
	}
	e.start(cfg).stop(t)
	b, _ := os.ReadFile(cfg.Output)
	if !bytes.Equal(b, []byte(whole)) {
		t.Fatalf("output after restart:\n%s", b)
	}
	// A file that is not listen output is refused, not appended to.
	os.WriteFile(cfg.Output, []byte("id,name\n1,Acme\n"), 0o644)
	cfg.Client = e.client
	if _, err := listen.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("%v", err)
	}
}
