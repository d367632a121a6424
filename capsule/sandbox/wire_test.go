package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	h := newHarness(t, WithReadOnlyToken("ro-token"))
	cases := []struct {
		name, token, method string
		body                any
		status              int
	}{
		{"missing token", "", "GET", nil, 401},
		{"unknown token", "nope", "GET", nil, 401},
		{"read-only reads", "ro-token", "GET", nil, 200},
		{"read-only writes", "ro-token", "POST", map[string]any{"party": org("X")}, 403},
		{"read-write writes", DefaultToken, "POST", map[string]any{"party": org("X")}, 201},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.doToken(tc.token, tc.method, "/parties", tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d (%s)", r.status, tc.status, r.raw)
			}
			if tc.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if r.header.Get("X-RateLimit-Limit") == "" || r.header.Get("X-RateLimit-Reset") == "" {
				t.Errorf("no rate headers on %d", r.status)
			}
			if tc.status >= 400 {
				if _, has := r.body["message"].(string); !has {
					t.Errorf("error body without message: %s", r.raw)
				}
			}
		})
	}
	if h.srv.Stats().Records["parties"] != 1 {
		t.Error("the read-only write was applied")
	}
}

func TestErrorBodiesMatchFixtures(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		fixture            string
	}{
		{"404", "GET", "/parties/424242", nil, 404, "error-404-response.recorded.json"},
		{"405", "DELETE", "/parties", nil, 405, "error-405-response.recorded.json"},
		{"422", "POST", "/tasks", map[string]any{"task": map[string]any{"description": "x"}}, 422, "error-422-validation-response.recorded.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.must(tc.status, tc.method, tc.path, tc.body)
			var want any
			if err := json.Unmarshal(readFixture(t, tc.fixture), &want); err != nil {
				t.Fatal(err)
			}
			var got any
			_ = json.Unmarshal(r.raw, &got)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("body %v, want %v", got, want)
			}
		})
	}
}

func TestRateLimitFixedWindow(t *testing.T) {
	h := newHarness(t, WithRateLimit(3, 10*time.Second))
	start := h.clock.now()
	for i := range 3 {
		r := h.must(200, "GET", "/site", nil)
		if got := r.header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(2-i) {
			t.Errorf("request %d: Remaining %s, want %d", i, got, 2-i)
		}
		if r.header.Get("X-RateLimit-Limit") != "3" {
			t.Errorf("Limit = %s", r.header.Get("X-RateLimit-Limit"))
		}
	}
	r := h.do("GET", "/site", nil)
	if r.status != 429 || r.body["error"] != "rate limit reached" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("4th request: %d %s remaining %s", r.status, r.raw, r.header.Get("X-RateLimit-Remaining"))
	}
	reset, _ := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
	if want := start.Truncate(10 * time.Second).Add(10 * time.Second).Unix(); reset != want {
		t.Errorf("Reset %d, want %d", reset, want)
	}
	h.clock.advance(10 * time.Second)
	h.must(200, "GET", "/site", nil)
	if st := h.srv.Stats(); st.RateLimited != 1 {
		t.Errorf("rate_limited = %d", st.RateLimited)
	}
}

func TestStatsAndReset(t *testing.T) {
	h := newHarness(t)
	id := h.create("parties", "party", org("A"))
	h.must(200, "PUT", fmt.Sprintf("/parties/%d", id), map[string]any{"party": map[string]any{"about": "b"}})
	h.must(200, "GET", fmt.Sprintf("/parties/%d", id), nil)
	h.must(200, "GET", fmt.Sprintf("/parties/%d", id), nil)
	resp, err := http.Get(h.hs.URL + "/_sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	keys := []string{}
	for k := range raw {
		keys = append(keys, k)
	}
	if len(raw) != 5 || raw["requests"] == nil || raw["routes"] == nil || raw["rate_limited"] == nil || raw["faults_injected"] == nil || raw["records"] == nil {
		t.Errorf("stats keys = %v", keys)
	}
	st := h.srv.Stats()
	want := map[string]int{"POST /parties": 1, "PUT /parties/{id}": 1, "GET /parties/{id}": 2}
	for k, v := range want {
		if st.Routes[k] != v {
			t.Errorf("routes[%q] = %d, want %d (all: %v)", k, st.Routes[k], v, st.Routes)
		}
	}
	if st.Requests["GET"] != 2 || st.Requests["POST"] != 1 || st.Requests["PUT"] != 1 || st.Requests["DELETE"] != 0 {
		t.Errorf("requests = %v", st.Requests)
	}
	resp, err = http.Post(h.hs.URL+"/_sandbox/reset", "application/json", nil)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("reset: %v %v", err, resp.StatusCode)
	}
	st = h.srv.Stats()
	if st.Records["parties"] != 0 || len(st.Routes) != 0 || st.Requests["POST"] != 0 {
		t.Errorf("after reset stats = %+v", st)
	}
	h.must(200, "GET", "/users/current", nil)
}
