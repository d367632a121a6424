package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// anonymousWindow keys the rate window of requests without a known token.
const anonymousWindow = "\x00anonymous"

// APIPrefix is where the Capsule API lives on a sandbox.
const APIPrefix = "/api/v2"

// Server is a Capsule API v2 stand-in. It implements http.Handler and is
// safe for concurrent use.
type Server struct {
	cfg config

	mu      sync.Mutex // guards everything below
	st      *state
	stats   statsCounters
	windows map[string]*window
	err     error
	oauth   *oauth // has its own lock; see oauth.go
	hooks   hookDeliveries
}

var _ http.Handler = (*Server)(nil)

type window struct {
	reset time.Time
	used  int
}

// New builds a sandbox. A data file or seed file that cannot be read is
// reported by Err (the server then starts from the built-in seed).
func New(opts ...Option) *Server {
	cfg := config{token: DefaultToken, rateN: DefaultRateLimit, ratePer: DefaultRatePer, clock: time.Now,
		hookScale: 1, hookTimeout: DefaultHookTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.rng == nil {
		cfg.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	s := &Server{cfg: cfg, windows: map[string]*window{}, oauth: newOAuth(cfg.oauthLifetime)}
	s.hooks.ctx, s.hooks.stop = context.WithCancel(context.Background())
	s.hooks.sem = make(chan struct{}, 64)
	s.hooks.http = &http.Client{Timeout: cfg.hookTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if cfg.seedFile != "" {
		seed, err := LoadSeed(cfg.seedFile)
		if err != nil {
			s.err = err
		} else {
			s.cfg.seed = seed
		}
	}
	s.st = newState(s.cfg.seed)
	if cfg.dataFile != "" {
		st, err := loadState(cfg.dataFile)
		switch {
		case err == nil:
			s.st = st
		case errors.Is(err, fs.ErrNotExist):
		default:
			s.err = fmt.Errorf("loading sandbox data: %w", err)
		}
	}
	s.stats.reset()
	return s
}

// Err reports a problem loading the seed or data file, or the last failure
// to save the data file.
func (s *Server) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *Server) now() time.Time { return s.cfg.clock().UTC().Truncate(time.Second) }

// ServeHTTP serves /api/v2/... and the /_sandbox/ inspection endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_sandbox/stats":
		writeJSON(w, http.StatusOK, nil, s.Stats())
		return
	case "/_sandbox/hooks":
		writeJSON(w, http.StatusOK, nil, s.HookLog())
		return
	case "/_sandbox/reset":
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, nil, obj{}.add("message", "Method not allowed"))
			return
		}
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/oauth/") {
		s.serveOAuth(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, APIPrefix+"/") {
		writeJSON(w, http.StatusNotFound, nil, obj{}.add("message", "Could not find resource"))
		return
	}
	if s.cfg.latency > 0 {
		t := time.NewTimer(s.cfg.latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return
	}
	s.handle(w, r, body)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, body []byte) {
	s.mu.Lock()
	s.stats.countMethod(r.Method)
	token, hasToken := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	user, readOnly, known := s.authenticate(strings.TrimSpace(token))
	if !hasToken || !known {
		// Unauthenticated calls share one window so even a 401 carries
		// the rate headers a client may look at.
		h := s.rateHeaders(anonymousWindow)
		if h == nil {
			h = s.rateHeaderValues(anonymousWindow)
		}
		s.mu.Unlock()
		h.Set("WWW-Authenticate", `Bearer realm="Capsule API", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, h, obj{}.add("message", "Unauthorized: missing or unknown bearer token"))
		return
	}
	rl := s.rateHeaders(token)
	if rl == nil {
		s.stats.RateLimited++
		h := s.rateHeaderValues(token)
		s.mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, h, obj{}.add("error", "rate limit reached"))
		return
	}
	path := strings.TrimPrefix(r.URL.Path, APIPrefix)
	rt, params, methodOK := match(r.Method, path)
	if rt == nil {
		s.mu.Unlock()
		if methodOK {
			writeJSON(w, http.StatusNotFound, rl, obj{}.add("message", "Could not find resource"))
		} else {
			writeJSON(w, http.StatusMethodNotAllowed, rl, obj{}.add("message", "Method not allowed"))
		}
		return
	}
	s.stats.Routes[r.Method+" "+rt.pattern]++
	write := r.Method != http.MethodGet && !rt.readOnly
	if write && readOnly {
		s.mu.Unlock()
		// The doc (2.1, [D AUTH]) puts the detail of a 403 in
		// WWW-Authenticate as well as in the body, as for a 401.
		rl.Set("WWW-Authenticate", `Bearer realm="Capsule API", error="insufficient_scope", scope="write"`)
		writeJSON(w, http.StatusForbidden, rl, obj{}.add("message", "Requires additional scope: this token is read-only"))
		return
	}
	c := &call{s: s, st: s.st, r: r, params: params, body: body, user: user, now: s.now(), base: baseURL(r)}
	var fault string
	if write {
		roll := s.cfg.rng.Float64()
		switch {
		case roll < s.cfg.faultRate:
			s.stats.FaultsInjected++
			if s.cfg.rng.IntN(2) == 0 {
				s.mu.Unlock()
				writeJSON(w, http.StatusServiceUnavailable, rl, obj{}.add("message", "Service temporarily unavailable (sandbox fault before write)"))
				return
			}
			fault = "after"
		case roll < s.cfg.faultRate+s.cfg.dropRate:
			s.stats.FaultsInjected++
			fault = "drop"
		}
	}
	var pre hookPre
	if write {
		pre = s.beforeWrite(rt, c)
	}
	resp := safeCall(rt.h, c)
	if write && resp.status < 300 {
		if pre != nil {
			s.afterWrite(pre, c, resp)
		}
		if err := s.persist(); err != nil {
			s.err = err
			s.mu.Unlock()
			writeJSON(w, http.StatusInternalServerError, rl, obj{}.add("message", "sandbox could not save its data file"))
			return
		}
	}
	s.mu.Unlock()
	switch fault {
	case "after":
		writeJSON(w, http.StatusInternalServerError, rl, obj{}.add("message", "Internal server error (sandbox fault after write)"))
		return
	case "drop":
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		// Without a hijackable connection abort the handler, which makes
		// net/http drop the response.
		panic(http.ErrAbortHandler)
	}
	for k, v := range resp.header {
		rl[k] = v
	}
	writeJSON(w, resp.status, rl, resp.body)
}

func (s *Server) persist() error {
	if s.cfg.dataFile == "" {
		return nil
	}
	b, err := json.Marshal(s.st)
	if err != nil {
		return err
	}
	return saveState(s.cfg.dataFile, b)
}

// authenticate maps a token to its user id.
func (s *Server) authenticate(token string) (user int64, readOnly, ok bool) {
	users := s.st.Seed.Users
	if token == "" || len(users) == 0 {
		return 0, false, false
	}
	if token == s.cfg.token {
		return users[0].ID, false, true
	}
	if s.cfg.readOnlyToken != "" && token == s.cfg.readOnlyToken {
		return users[0].ID, true, true
	}
	for _, u := range users {
		if u.Token != "" && u.Token == token {
			return u.ID, false, true
		}
	}
	if name, ok := s.cfg.oauthTokens[token]; ok {
		if name == "" {
			return users[0].ID, false, true
		}
		for _, u := range users {
			if u.Username == name {
				return u.ID, false, true
			}
		}
		return 0, false, false
	}
	if s.oauth.valid(token, s.cfg.clock()) {
		return users[0].ID, false, true
	}
	return 0, false, false
}

// rateHeaders spends one request of the token's fixed window and returns
// the headers, or nil when the window is spent.
func (s *Server) rateHeaders(token string) http.Header {
	now := s.cfg.clock()
	wd := s.windows[token]
	if wd == nil || !now.Before(wd.reset) {
		// Windows are aligned on multiples of their length since the epoch.
		wd = &window{reset: now.Truncate(s.cfg.ratePer).Add(s.cfg.ratePer)}
		s.windows[token] = wd
	}
	if wd.used >= s.cfg.rateN {
		return nil
	}
	wd.used++
	return s.rateHeaderValues(token)
}

func (s *Server) rateHeaderValues(token string) http.Header {
	wd := s.windows[token]
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.cfg.rateN))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, s.cfg.rateN-wd.used)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(wd.reset.Unix(), 10))
	return h
}

// Reset returns the data to the seed and clears the statistics and
// rate-limit windows.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = newState(s.cfg.seed)
	s.stats.reset()
	s.windows = map[string]*window{}
	if err := s.persist(); err != nil {
		s.err = err
	}
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + APIPrefix
}

func writeJSON(w http.ResponseWriter, status int, h http.Header, body any) {
	for k, v := range h {
		w.Header()[k] = v
	}
	if body == nil || status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"sandbox could not encode its response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// Running is a sandbox listening on a TCP address.
type Running struct {
	// URL is the API base URL, ending in /api/v2.
	URL    string
	Server *Server
	srv    *http.Server
}

// Close stops the listener at once.
func (r *Running) Close() error {
	r.Server.Close()
	return r.srv.Close()
}

// Start listens on addr (":0" or "127.0.0.1:0" picks a free port) and
// serves until ctx is cancelled or Close is called.
func Start(ctx context.Context, addr string, opts ...Option) (*Running, error) {
	s := New(opts...)
	if err := s.Err(); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox listening on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	go func() {
		<-ctx.Done()
		s.Close()
		hs.Close()
	}()
	host := ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return &Running{URL: "http://" + host + APIPrefix, Server: s, srv: hs}, nil
}

// safeCall runs a handler with the lock held; a bug in a handler must not
// leave the mutex locked and hang every later request.
func safeCall(h func(*call) response, c *call) (resp response) {
	defer func() {
		if p := recover(); p != nil {
			resp = message(http.StatusInternalServerError, fmt.Sprintf("sandbox bug: %v", p))
		}
	}()
	return h(c)
}
