package capsule

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCapsule is a small HTTP server speaking the parts of Capsule's wire
// protocol the client depends on: bearer auth with WWW-Authenticate on 401,
// X-RateLimit-* headers over a fixed window driven by a SimClock, 429 with
// {"error": ...} once the window is spent, JSON error bodies, and per-test
// routes. The sandbox package will replace it in conformance tests.
type fakeCapsule struct {
	t      testing.TB
	srv    *httptest.Server
	clock  *SimClock
	token  string
	limit  int
	window time.Duration

	mu          sync.Mutex
	windowStart time.Time
	used        int
	tooMany     int
	requests    []seen
	routes      map[string]http.HandlerFunc
}

type seen struct {
	Method, Path, Query, Body, Auth string
	At                              time.Time
}

const testToken = "tok_7f3a9c1e5b2d4f608a1c3e5b7d9f1a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f"

func newFake(t testing.TB) *fakeCapsule {
	f := &fakeCapsule{
		t: t, clock: NewSimClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)),
		token: testToken, limit: 4000, window: time.Hour,
		routes: map[string]http.HandlerFunc{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// handle registers a route: "GET /parties" (paths relative to /api/v2).
func (f *fakeCapsule) handle(route string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = h
}

func (f *fakeCapsule) baseURL() string { return f.srv.URL + "/api/v2" }

// client returns a client for the fake using its simulated clock and fast
// retries.
func (f *fakeCapsule) client(opts ...Option) *Client {
	f.t.Helper()
	all := append([]Option{
		WithBaseURL(f.baseURL()), WithToken(f.token), WithClock(f.clock),
		WithReserve(0), WithRetry(3, 10*time.Millisecond, 100*time.Millisecond),
	}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fakeCapsule) seen() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.requests...)
}

func (f *fakeCapsule) count429() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tooMany
}

func (f *fakeCapsule) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	now := f.clock.Now()
	f.mu.Lock()
	path := r.URL.Path[len("/api/v2"):]
	f.requests = append(f.requests, seen{r.Method, path, r.URL.RawQuery, string(body), r.Header.Get("Authorization"), now})
	if f.windowStart.IsZero() || !now.Before(f.windowStart.Add(f.window)) {
		f.windowStart, f.used = now, 0
	}
	reset := f.windowStart.Add(f.window)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(f.limit))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if f.used >= f.limit {
		f.tooMany++
		f.mu.Unlock()
		h.Set("X-RateLimit-Remaining", "0")
		writeJSON(w, http.StatusTooManyRequests, `{"error":"rate limit reached"}`)
		return
	}
	f.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(f.limit-f.used))
	route := f.routes[r.Method+" "+path]
	if route == nil {
		route = f.routes[r.Method+" *"]
	}
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		h.Set("WWW-Authenticate", `Bearer realm="Capsule", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, `{"message":"Invalid or expired token"}`)
		return
	}
	if route == nil {
		writeJSON(w, http.StatusNotFound, `{"message":"Could not find resource"}`)
		return
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	route(w, r)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// jsonRoute answers with a fixed status and body.
func jsonRoute(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, body) }
}

// hangUp drops the connection without an answer, after reading the request.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// sequence answers with each handler in turn, repeating the last.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var bg = context.Background()
