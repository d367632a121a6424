package sandbox

import (
	"bytes"
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

// testClock is an injectable clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)} }

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type harness struct {
	t     *testing.T
	srv   *Server
	hs    *httptest.Server
	base  string
	token string
	clock *testClock
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	clk := newClock()
	srv := New(append([]Option{WithClock(clk.now)}, opts...)...)
	if err := srv.Err(); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &harness{t: t, srv: srv, hs: hs, base: hs.URL + APIPrefix, token: DefaultToken, clock: clk}
}

// result is a decoded response.
type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (h *harness) do(method, path string, body any) result {
	h.t.Helper()
	return h.doToken(h.token, method, path, body)
}

func (h *harness) doToken(token, method, path string, body any) result {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = h.base + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.hs.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			h.t.Fatalf("%s %s: body is not a JSON object: %s", method, path, raw)
		}
	}
	return r
}

func (h *harness) must(status int, method, path string, body any) result {
	h.t.Helper()
	r := h.do(method, path, body)
	if r.status != status {
		h.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, status, r.raw)
	}
	return r
}

// create posts a record and returns its id.
func (h *harness) create(e, key string, fields map[string]any) int64 {
	h.t.Helper()
	r := h.must(201, "POST", "/"+e, map[string]any{key: fields})
	return int64(r.obj(key)["id"].(float64))
}

func (r result) obj(key string) map[string]any {
	m, _ := r.body[key].(map[string]any)
	return m
}

func (r result) list(key string) []map[string]any {
	var out []map[string]any
	for _, x := range r.body[key].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func (r result) ids(key string) []int64 {
	var out []int64
	for _, m := range r.list(key) {
		out = append(out, int64(m["id"].(float64)))
	}
	return out
}

// errFields lists "field: message" of a 422 body.
func (r result) errFields() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		m := e.(map[string]any)
		out = append(out, m["field"].(string)+": "+m["message"].(string))
	}
	return out
}

func person(first, last string) map[string]any {
	return map[string]any{"type": "person", "firstName": first, "lastName": last}
}

func org(name string) map[string]any {
	return map[string]any{"type": "organisation", "name": name}
}

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }

func (h *harness) doURL(method, url string) int {
	req, _ := http.NewRequest(method, url, nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
