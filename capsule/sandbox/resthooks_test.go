package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const oauthTok = "oauth-admin-token"

func hookHarness(t *testing.T, opts ...Option) *harness {
	no := false
	seed := Seed{Users: []SeedUser{{Username: "anna", Name: "Anna Admin"}, {Username: "otto", Name: "Otto Ordinary", Administrator: &no}}}
	h := newHarness(t, append([]Option{WithSeed(seed), WithOAuthToken(oauthTok, "anna"), WithOAuthToken("oauth-otto", "otto"), WithHookRetryScale(0.001)}, opts...)...)
	h.token = oauthTok
	return h
}

// receiver records deliveries; answer decides each status.
type receiver struct {
	mu     sync.Mutex
	got    []map[string]any
	answer func(n int) int
	srv    *httptest.Server
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		json.Unmarshal(b, &m)
		rc.mu.Lock()
		rc.got = append(rc.got, m)
		n := len(rc.got)
		rc.mu.Unlock()
		w.WriteHeader(rc.answer(n))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rc.mu.Lock()
		got := append([]map[string]any(nil), rc.got...)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %d deliveries, want %d", len(got), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func subscribe(h *harness, event, target, embed string) int64 {
	h.t.Helper()
	r := h.must(201, "POST", "/resthooks", map[string]any{"restHook": map[string]any{"event": event, "targetUrl": target, "description": "test", "embed": embed}})
	if !strings.Contains(r.header.Get("Location"), "/resthooks/") {
		h.t.Fatalf("Location %q", r.header.Get("Location"))
	}
	return int64(r.obj("restHook")["id"].(float64))
}

func TestRestHooksAuthAndLimit(t *testing.T) {
	h := hookHarness(t)
	r := h.doToken(DefaultToken, "GET", "/resthooks", nil)
	if r.status != 403 || !strings.Contains(r.body["message"].(string), "personal access token") {
		t.Fatalf("personal token: %d %s", r.status, r.raw)
	}
	r = h.doToken("oauth-otto", "POST", "/resthooks", map[string]any{"restHook": map[string]any{"event": "party/created", "targetUrl": "http://127.0.0.1:1/x"}})
	if r.status != 403 || !strings.Contains(r.body["message"].(string), "administrators") {
		t.Fatalf("non-admin: %d %s", r.status, r.raw)
	}
	r = h.do("POST", "/resthooks", map[string]any{"restHook": map[string]any{"event": "party/create", "targetUrl": "http://127.0.0.1:1/x"}})
	if r.status != 422 {
		t.Fatalf("bad event: %d %s", r.status, r.raw)
	}
	var first int64
	for i := range MaxRestHooks {
		id := subscribe(h, HookEvents[i%len(HookEvents)], fmt.Sprintf("http://127.0.0.1:1/hook/%d", i), "")
		if i == 0 {
			first = id
		}
	}
	r = h.do("POST", "/resthooks", map[string]any{"restHook": map[string]any{"event": "party/created", "targetUrl": "http://127.0.0.1:1/x"}})
	if r.status != 422 || !strings.Contains(r.body["message"].(string), "at most 20") {
		t.Fatalf("21st: %d %s", r.status, r.raw)
	}
	if got := len(h.must(200, "GET", "/resthooks", nil).list("restHooks")); got != MaxRestHooks {
		t.Fatalf("listed %d hooks", got)
	}
	show := h.must(200, "GET", "/resthooks/"+fmtInt(first), nil).obj("restHook")
	if show["event"] != "party/created" || show["targetUrl"] != "http://127.0.0.1:1/hook/0" {
		t.Fatalf("show: %v", show)
	}
	h.must(204, "DELETE", "/resthooks/"+fmtInt(first), nil)
	h.must(404, "GET", "/resthooks/"+fmtInt(first), nil)
	subscribe(h, "party/created", "http://127.0.0.1:1/again", "")
}

func TestRestHookDeliversWrites(t *testing.T) {
	h := hookHarness(t)
	rc := newReceiver(t, func(int) int { return 200 })
	for _, ev := range []string{"party/created", "party/updated", "party/deleted"} {
		subscribe(h, ev, rc.srv.URL+"/in", "tags")
	}
	id := h.create("parties", "party", map[string]any{"type": "organisation", "name": "Fjord Logistics AS", "tags": []any{map[string]any{"name": "Nordics"}}})
	h.must(200, "PUT", "/parties/"+fmtInt(id), map[string]any{"party": map[string]any{"about": "Freight forwarder"}})
	h.must(204, "DELETE", "/parties/"+fmtInt(id), nil)
	got := rc.wait(t, 3)
	byEvent := map[string]map[string]any{}
	for _, d := range got {
		p := d["payload"].([]any)
		if len(p) != 1 {
			t.Fatalf("payload %v", d)
		}
		byEvent[d["event"].(string)] = p[0].(map[string]any)
	}
	for _, ev := range []string{"party/created", "party/updated", "party/deleted"} {
		rec := byEvent[ev]
		if rec == nil || int64(rec["id"].(float64)) != id || rec["name"] != "Fjord Logistics AS" {
			t.Fatalf("%s: %v", ev, rec)
		}
		if tags, _ := rec["tags"].([]any); len(tags) != 1 {
			t.Fatalf("%s: embed tags not honoured: %v", ev, rec)
		}
	}
	if byEvent["party/updated"]["about"] != "Freight forwarder" {
		t.Fatalf("update payload %v", byEvent["party/updated"])
	}
	log := h.srv.HookLog()
	if len(log.Deliveries) != 3 || log.Deliveries[0].Outcome != "delivered" || len(log.Deliveries[0].Attempts) != 1 {
		t.Fatalf("log %+v", log.Deliveries)
	}
}

func TestRestHookOpportunityMovedAndClosed(t *testing.T) {
	h := hookHarness(t)
	rc := newReceiver(t, func(int) int { return 204 })
	for _, ev := range []string{"opportunity/updated", "opportunity/moved", "opportunity/closed"} {
		subscribe(h, ev, rc.srv.URL+"/in", "")
	}
	pid := h.create("parties", "party", org("Harbour Foods Ltd"))
	ms := h.st().Seed.Pipelines[0].Milestones
	oid := h.create("opportunities", "opportunity", map[string]any{"name": "Renewal 2027", "party": map[string]any{"id": pid}, "milestone": map[string]any{"id": ms[0].ID}})
	h.must(200, "PUT", "/opportunities/"+fmtInt(oid), map[string]any{"opportunity": map[string]any{"milestone": map[string]any{"id": ms[3].ID}}})
	got := rc.wait(t, 3)
	seen := map[string]bool{}
	for _, d := range got {
		seen[d["event"].(string)] = true
	}
	if !seen["opportunity/updated"] || !seen["opportunity/moved"] || !seen["opportunity/closed"] {
		t.Fatalf("events %v", seen)
	}
}

func TestRestHook410Unsubscribes(t *testing.T) {
	h := hookHarness(t)
	rc := newReceiver(t, func(int) int { return 410 })
	subscribe(h, "party/created", rc.srv.URL+"/gone", "")
	h.create("parties", "party", person("Mette", "Frederiksen"))
	rc.wait(t, 1)
	waitFor(t, func() bool { return len(h.srv.HookLog().Hooks) == 0 })
	log := h.srv.HookLog()
	if log.Deliveries[0].Outcome != "unsubscribed (410)" || len(log.Deliveries[0].Attempts) != 1 {
		t.Fatalf("%+v", log.Deliveries)
	}
	h.create("parties", "party", person("Lars", "Løkke"))
	time.Sleep(50 * time.Millisecond)
	if n := len(rc.wait(t, 1)); n != 1 {
		t.Fatalf("%d deliveries after unsubscribing", n)
	}
}

func TestRestHookExhaustedRetriesUnsubscribe(t *testing.T) {
	h := hookHarness(t)
	rc := newReceiver(t, func(int) int { return 503 })
	subscribe(h, "party/created", rc.srv.URL+"/down", "")
	h.create("parties", "party", person("Ines", "Duarte"))
	rc.wait(t, 5)
	waitFor(t, func() bool { return len(h.srv.HookLog().Hooks) == 0 })
	d := h.srv.HookLog().Deliveries[0]
	if len(d.Attempts) != 5 || d.Attempts[4].Status != 503 || d.Outcome != "failed (hook removed)" {
		t.Fatalf("%+v", d)
	}
	// GET /_sandbox/hooks shows the same.
	r := h.must(200, "GET", strings.TrimSuffix(h.base, APIPrefix)+"/_sandbox/hooks", nil)
	ds := r.body["deliveries"].([]any)
	if len(ds) != 1 || len(ds[0].(map[string]any)["attempts"].([]any)) != 5 {
		t.Fatalf("%s", r.raw)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) st() *state {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	return h.srv.st
}

// A write that changes other records fires their events too: deleting a
// party deletes its deals, and its people lose their organisation.
func TestRestHookCascades(t *testing.T) {
	h := hookHarness(t)
	rc := newReceiver(t, func(int) int { return 200 })
	for _, ev := range []string{"opportunity/deleted", "party/updated", "party/deleted"} {
		subscribe(h, ev, rc.srv.URL+"/in", "")
	}
	orgID := h.create("parties", "party", org("Baltic Amber Traders"))
	personID := h.create("parties", "party", map[string]any{"type": "person", "firstName": "Rūta", "lastName": "Meilutytė", "organisation": map[string]any{"id": orgID}})
	ms := h.st().Seed.Pipelines[0].Milestones
	oppID := h.create("opportunities", "opportunity", map[string]any{"name": "Amber 2027", "party": map[string]any{"id": orgID}, "milestone": map[string]any{"id": ms[0].ID}})
	h.must(204, "DELETE", "/parties/"+fmtInt(orgID), nil)
	got := rc.wait(t, 3)
	seen := map[string]int64{}
	for _, d := range got {
		seen[d["event"].(string)] = int64(d["payload"].([]any)[0].(map[string]any)["id"].(float64))
	}
	if seen["party/deleted"] != orgID || seen["opportunity/deleted"] != oppID || seen["party/updated"] != personID {
		t.Fatalf("events %v (org %d, person %d, deal %d)", seen, orgID, personID, oppID)
	}
	if len(got) != 3 {
		t.Fatalf("%d deliveries: %v", len(got), got)
	}
}
