package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/auth"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// fakeClock is a settable sandbox clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// browse plays the browser: it opens the URL and follows the redirect to
// the loopback listener. The test waits for the browser before it ends, and
// a failed request counts only when the login is expected to succeed (on a
// refused login the listener may close before the browser reads its answer).
func browse(t *testing.T, rewrite func(string) string, wantErr bool) func(string) error {
	return func(u string) error {
		done := make(chan error, 1)
		go func() {
			resp, err := http.Get(rewrite(u))
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		t.Cleanup(func() {
			if err := <-done; err != nil && !wantErr {
				t.Errorf("browser: %v", err)
			}
		})
		return nil
	}
}

func TestLoginPKCE(t *testing.T) {
	cases := []struct {
		name     string
		rewrite  func(string) string // what the "browser" does to the URL
		wantErr  bool
		errCheck func(error) bool
	}{
		{"approved", func(u string) string { return u }, false, nil},
		{"challenge tampered", func(u string) string {
			return strings.Replace(u, "code_challenge=", "code_challenge=AAAA", 1)
		}, true, nil},
		{"refused by the server", func(u string) string {
			return strings.Replace(u, "response_type=code", "response_type=token", 1)
		}, true, func(err error) bool { var le *auth.LoginError; return errors.As(err, &le) }},
		{"wrong state", func(u string) string { return strings.Replace(u, "state=", "state=x", 1) }, true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(sandbox.New())
			defer hs.Close()
			base := hs.URL + sandbox.APIPrefix
			var announced string
			tok, err := auth.Login(context.Background(), auth.LoginOptions{BaseURL: base, ClientID: "cli-app",
				Timeout: 10 * time.Second,
				Announce: func(u string) error {
					announced = u
					return browse(t, tc.rewrite, tc.wantErr)(u)
				}})
			if !strings.HasPrefix(announced, hs.URL+auth.AuthorisePath+"?") || !strings.Contains(announced, "code_challenge_method=S256") {
				t.Errorf("announced URL %q: want the sandbox's /oauth/authorise with an S256 challenge", announced)
			}
			if tc.wantErr {
				if err == nil || (tc.errCheck != nil && !tc.errCheck(err)) {
					t.Fatalf("err = %v, want a login failure", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			c, err := capsule.NewClient(capsule.WithBaseURL(base), capsule.WithToken(tok.AccessToken))
			if err != nil {
				t.Fatal(err)
			}
			u, _, err := c.Users.Current(context.Background())
			if err != nil {
				t.Fatalf("the issued token does not work: %v", err)
			}
			if u.ID == 0 || tok.RefreshToken == "" {
				t.Errorf("user %d, refresh token present %v", u.ID, tok.RefreshToken != "")
			}
		})
	}
}

func TestStoreFilePermissionsAndRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "capsule-etl")
	st := auth.NewStore(dir)
	cases := []struct {
		name string
		cred auth.Credential
	}{
		{"token", auth.Credential{BaseURL: "https://api.capsulecrm.com/api/v2/", Kind: auth.KindToken, AccessToken: "tok-one", User: "ann"}},
		{"oauth", auth.Credential{BaseURL: "http://127.0.0.1:9/api/v2", Kind: auth.KindOAuth, AccessToken: "acc-7f3e9b2d", RefreshToken: "ref-1c4a8e6f", ClientID: "cli-app"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := st.Put(tc.cred); err != nil {
				t.Fatal(err)
			}
			got, ok, err := st.Get(strings.TrimRight(tc.cred.BaseURL, "/") + "/")
			if err != nil || !ok || got.AccessToken != tc.cred.AccessToken || got.RefreshToken != tc.cred.RefreshToken {
				t.Fatalf("Get = %v %v %v", got, ok, err)
			}
			if strings.Contains(got.String(), tc.cred.AccessToken) {
				t.Errorf("String() shows the token")
			}
			fi, _ := os.Stat(st.Path())
			di, _ := os.Stat(dir)
			if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
				t.Errorf("modes file %v dir %v, want 0600 and 0700", fi.Mode().Perm(), di.Mode().Perm())
			}
		})
	}
	if err := os.Chmod(st.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	removed, err := st.Delete("https://api.capsulecrm.com/api/v2")
	if err != nil || !removed {
		t.Fatalf("Delete = %v %v", removed, err)
	}
	if _, ok, _ := st.Get("https://api.capsulecrm.com/api/v2"); ok {
		t.Error("deleted credential still there")
	}
	if _, ok, _ := st.Get("http://127.0.0.1:9/api/v2"); !ok {
		t.Error("Delete removed the other base URL's credential too")
	}
	if fi, _ := os.Stat(st.Path()); fi.Mode().Perm() != 0o600 {
		t.Errorf("a loosened file was not tightened: %v", fi.Mode().Perm())
	}
}

func TestTokenSourceRefreshesAndPersists(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	hs := httptest.NewServer(sandbox.New(sandbox.WithClock(clock.Now), sandbox.WithOAuthTokenLifetime(time.Hour)))
	defer hs.Close()
	base := hs.URL + sandbox.APIPrefix
	tok, err := auth.Login(context.Background(), auth.LoginOptions{BaseURL: base, ClientID: "cli-app",
		Timeout: 10 * time.Second, Announce: browse(t, func(u string) string { return u }, false)})
	if err != nil {
		t.Fatal(err)
	}
	st := auth.NewStore(t.TempDir())
	// Stored as already expired, so the first use must refresh.
	cred := auth.Credential{BaseURL: base, Kind: auth.KindOAuth, AccessToken: tok.AccessToken,
		RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute), ClientID: "cli-app"}
	if err := st.Put(cred); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour) // the sandbox expires the old access token too
	ts, err := st.TokenSource(context.Background(), cred)
	if err != nil {
		t.Fatal(err)
	}
	c, err := capsule.NewClient(capsule.WithBaseURL(base), capsule.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Users.Current(context.Background()); err != nil {
		t.Fatalf("call after refresh: %v", err)
	}
	saved, _, _ := st.Get(base)
	if saved.AccessToken == tok.AccessToken || saved.RefreshToken == tok.RefreshToken {
		t.Fatal("the refreshed (rotated) tokens were not saved")
	}
	// Revoke ends the grant: the saved access token stops working.
	if err := auth.Revoke(context.Background(), nil, saved); err != nil {
		t.Fatal(err)
	}
	c2, _ := capsule.NewClient(capsule.WithBaseURL(base), capsule.WithToken(saved.AccessToken))
	_, _, err = c2.Users.Current(context.Background())
	var er *capsule.ErrorResponse
	if !errors.As(err, &er) || er.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("after revoke: err = %v, want 401", err)
	}
}
