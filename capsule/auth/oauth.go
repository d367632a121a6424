package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Paths of Capsule's OAuth endpoints on the API host.
const (
	AuthorisePath = "/oauth/authorise"
	TokenPath     = "/oauth/token"
	RevokePath    = "/oauth/token/revoke"
	// DefaultLoginTimeout bounds the wait for the browser.
	DefaultLoginTimeout = 5 * time.Minute
)

// Scopes capsule-etl asks for: it reads and writes.
var defaultScopes = []string{"read", "write"}

// hostRoot is scheme://host of an API base URL.
func hostRoot(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("base URL %q: want an absolute http(s) URL", baseURL)
	}
	return u.Scheme + "://" + u.Host, nil
}

// Endpoints derives the OAuth endpoints from the base URL's scheme and
// host, so a sandbox's own endpoints are used for a sandbox base URL.
func Endpoints(baseURL string) (oauth2.Endpoint, error) {
	root, err := hostRoot(baseURL)
	if err != nil {
		return oauth2.Endpoint{}, err
	}
	// Capsule takes the client credentials as form fields (doc 2.2).
	return oauth2.Endpoint{AuthURL: root + AuthorisePath, TokenURL: root + TokenPath,
		AuthStyle: oauth2.AuthStyleInParams}, nil
}

func oauthConfig(baseURL, clientID, secret, redirect string) (*oauth2.Config, error) {
	ep, err := Endpoints(baseURL)
	if err != nil {
		return nil, err
	}
	return &oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: ep,
		RedirectURL: redirect, Scopes: defaultScopes}, nil
}

// LoginOptions configure Login.
type LoginOptions struct {
	BaseURL      string
	ClientID     string
	ClientSecret string // optional: installed apps have none
	// Announce is given the authorisation URL to open in a browser.
	Announce   func(authURL string) error
	HTTPClient *http.Client  // for the code exchange; nil for the default
	Timeout    time.Duration // wait for the browser; DefaultLoginTimeout when 0
}

// LoginError is a refusal reported on the redirect (error=...).
type LoginError struct{ Code, Description string }

func (e *LoginError) Error() string {
	if e.Description != "" {
		return "authorisation refused: " + e.Code + ": " + e.Description
	}
	return "authorisation refused: " + e.Code
}

type callback struct {
	code string
	err  error
}

// Login runs the authorisation-code flow with PKCE and returns the tokens.
func Login(ctx context.Context, o LoginOptions) (*oauth2.Token, error) {
	if o.ClientID == "" {
		return nil, errors.New("OAuth login needs the client id of an app registered at https://developer.capsulecrm.com")
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultLoginTimeout
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the OAuth redirect: %w", err)
	}
	defer ln.Close()
	redirect := "http://" + ln.Addr().String() + "/callback"
	cfg, err := oauthConfig(o.BaseURL, o.ClientID, o.ClientSecret, redirect)
	if err != nil {
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()
	state := oauth2.GenerateVerifier() // 32 random bytes, URL-safe: a fine state
	results := make(chan callback, 1)
	srv := &http.Server{Handler: callbackHandler(state, results), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
	if err := o.Announce(authURL); err != nil {
		return nil, err
	}
	wait, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	var cb callback
	select {
	case cb = <-results:
	case <-wait.Done():
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("no answer from the browser within %s: run the login again", o.Timeout)
	}
	if cb.err != nil {
		return nil, cb.err
	}
	if o.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, o.HTTPClient)
	}
	tok, err := cfg.Exchange(ctx, cb.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchanging the authorisation code: %w", err)
	}
	return tok, nil
}

// callbackHandler answers the browser's redirect once and reports it.
func callbackHandler(state string, results chan<- callback) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var cb callback
		switch {
		case q.Get("state") != state:
			cb.err = errors.New("the OAuth redirect carried a wrong state: the login was not started here; run it again")
		case q.Get("error") != "":
			cb.err = &LoginError{Code: q.Get("error"), Description: q.Get("error_description")}
		case q.Get("code") == "":
			cb.err = errors.New("the OAuth redirect carried no code")
		default:
			cb.code = q.Get("code")
		}
		msg := "capsule-etl is signed in. You can close this window."
		status := http.StatusOK
		if cb.err != nil {
			msg, status = "capsule-etl could not sign in: "+cb.err.Error(), http.StatusBadRequest
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<!doctype html><title>capsule-etl</title><p>%s</p>\n", html.EscapeString(msg))
		select {
		case results <- cb:
		default: // a second visit: the first answer stands
		}
	})
	return mux
}

// Revoke asks Capsule to revoke an OAuth credential's tokens (refresh
// token first: revoking it ends the grant). Personal tokens cannot be
// revoked through the API; Revoke does nothing for them.
func Revoke(ctx context.Context, hc *http.Client, c Credential) error {
	if c.Kind != KindOAuth {
		return nil
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	root, err := hostRoot(c.BaseURL)
	if err != nil {
		return err
	}
	tok, hint := c.RefreshToken, "refresh_token"
	if tok == "" {
		tok, hint = c.AccessToken, "access_token"
	}
	form := url.Values{"token": {tok}, "token_type_hint": {hint}, "client_id": {c.ClientID}}
	if c.ClientSecret != "" {
		form.Set("client_secret", c.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, root+RevokePath, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("revoking the token: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("revoking the token: %s answered %s", root+RevokePath, resp.Status)
	}
	return nil
}
