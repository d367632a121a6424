package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// DefaultOAuthLifetime is the life of a sandbox OAuth access token: what
// Capsule is reported to issue (604799 s, about a week).
const DefaultOAuthLifetime = 604799 * time.Second

// WithOAuthTokenLifetime sets how long access tokens issued by the sandbox's
// /oauth/token stay valid (tests of refresh use a short one).
func WithOAuthTokenLifetime(d time.Duration) Option { return func(c *config) { c.oauthLifetime = d } }

// oauth is the sandbox's OAuth 2 authorisation server: it approves every
// request at once (there is no one to ask), and issues tokens for the
// seed's first user. Codes are single-use and bound to the client, the
// redirect URI and the PKCE challenge.
type oauth struct {
	mu       sync.Mutex
	codes    map[string]grant
	access   map[string]time.Time // access token → expiry
	clients  map[string]string    // access token → client id
	refresh  map[string]string    // refresh token → client id
	lifetime time.Duration
}

type grant struct {
	clientID, redirect, challenge, method string
	expires                               time.Time
}

func newOAuth(lifetime time.Duration) *oauth {
	if lifetime <= 0 {
		lifetime = DefaultOAuthLifetime
	}
	return &oauth{codes: map[string]grant{}, access: map[string]time.Time{}, clients: map[string]string{}, refresh: map[string]string{}, lifetime: lifetime}
}

// valid reports whether token is a live access token issued here.
func (o *oauth) valid(token string, now time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	exp, ok := o.access[token]
	return ok && now.Before(exp)
}

// clientOf returns the app a live access token was issued to.
func (o *oauth) clientOf(token string, now time.Time) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	exp, ok := o.access[token]
	if !ok || !now.Before(exp) {
		return "", false
	}
	return o.clients[token], true
}

func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) {
	o := s.oauth
	now := s.cfg.clock()
	switch {
	case r.URL.Path == "/oauth/authorise" && r.Method == http.MethodGet:
		o.authorise(w, r, now)
	case r.URL.Path == "/oauth/token" && r.Method == http.MethodPost:
		o.token(w, r, now, s.siteSubdomain())
	case r.URL.Path == "/oauth/token/revoke" && r.Method == http.MethodPost:
		o.revoke(w, r)
	default:
		writeJSON(w, http.StatusNotFound, nil, obj{}.add("message", "Could not find resource"))
	}
}

func (s *Server) siteSubdomain() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Seed.Site.Subdomain
}

func (o *oauth) authorise(w http.ResponseWriter, r *http.Request, now time.Time) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme == "" || redirect.Host == "" {
		// Never redirect to a URI we cannot trust: answer here instead.
		writeJSON(w, http.StatusBadRequest, nil, oauthError("invalid_request", "redirect_uri must be an absolute URL"))
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	switch {
	case q.Get("response_type") != "code":
		back.Set("error", "unsupported_response_type")
	case q.Get("client_id") == "":
		back.Set("error", "invalid_request")
		back.Set("error_description", "client_id is required")
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		back.Set("error", "invalid_request")
		back.Set("error_description", "code_challenge_method must be S256")
	default:
		code := randomToken()
		o.mu.Lock()
		o.codes[code] = grant{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"),
			challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"), expires: now.Add(10 * time.Minute)}
		o.mu.Unlock()
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (o *oauth) token(w http.ResponseWriter, r *http.Request, now time.Time, subdomain string) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, nil, oauthError("invalid_request", "the body must be form-encoded"))
		return
	}
	f := r.PostForm
	o.mu.Lock()
	defer o.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		g, ok := o.codes[f.Get("code")]
		delete(o.codes, f.Get("code")) // single use, even when the exchange fails
		switch {
		case !ok || !now.Before(g.expires):
			writeJSON(w, http.StatusBadRequest, nil, oauthError("invalid_grant", "unknown or expired code"))
			return
		case g.clientID != f.Get("client_id") || g.redirect != f.Get("redirect_uri"):
			writeJSON(w, http.StatusBadRequest, nil, oauthError("invalid_grant", "client_id or redirect_uri differ from the authorisation request"))
			return
		case g.challenge != "" && s256(f.Get("code_verifier")) != g.challenge:
			writeJSON(w, http.StatusBadRequest, nil, oauthError("invalid_grant", "code_verifier does not match the code_challenge"))
			return
		}
		o.issue(w, now, g.clientID, subdomain)
	case "refresh_token":
		client, ok := o.refresh[f.Get("refresh_token")]
		if !ok || client != f.Get("client_id") {
			writeJSON(w, http.StatusBadRequest, nil, oauthError("invalid_grant", "unknown or revoked refresh token"))
			return
		}
		delete(o.refresh, f.Get("refresh_token")) // rotated: keep the newest
		o.issue(w, now, client, subdomain)
	default:
		writeJSON(w, http.StatusBadRequest, nil, oauthError("unsupported_grant_type", "grant_type must be authorization_code or refresh_token"))
	}
}

// issue answers with a new token pair; o.mu is held.
func (o *oauth) issue(w http.ResponseWriter, now time.Time, clientID, subdomain string) {
	access, refresh := randomToken(), randomToken()
	o.access[access] = now.Add(o.lifetime)
	o.clients[access] = clientID
	o.refresh[refresh] = clientID
	h := http.Header{"Cache-Control": {"no-store"}}
	writeJSON(w, http.StatusOK, h, obj{}.add("access_token", access).add("token_type", "bearer").
		add("expires_in", int64(o.lifetime/time.Second)).add("refresh_token", refresh).
		add("scope", "read write").add("subdomain", subdomain))
}

func (o *oauth) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, nil, oauthError("invalid_request", "the body must be form-encoded"))
		return
	}
	tok := r.PostForm.Get("token")
	o.mu.Lock()
	delete(o.access, tok)
	delete(o.clients, tok)
	if _, ok := o.refresh[tok]; ok {
		// Revoking the refresh token ends the grant: its access tokens go too.
		delete(o.refresh, tok)
		o.access = map[string]time.Time{}
		o.clients = map[string]string{}
	}
	o.mu.Unlock()
	writeJSON(w, http.StatusOK, nil, obj{})
}

func oauthError(code, desc string) obj {
	return obj{}.add("error", code).add("error_description", desc)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
