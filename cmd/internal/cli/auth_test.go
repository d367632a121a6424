package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// authEnv is a sandbox on loopback and a private config directory.
func authEnv(t *testing.T) (base, credFile string) {
	t.Helper()
	hs := httptest.NewServer(sandbox.New())
	t.Cleanup(hs.Close)
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv(envToken, "")
	t.Setenv(envBaseURL, "")
	return hs.URL + sandbox.APIPrefix, filepath.Join(cfg, "capsule-etl", "credentials.json")
}

func runAuthCLI(t *testing.T, stdin string, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(context.Background(), args, &IOStreams{In: strings.NewReader(stdin), Out: &o, ErrOut: &e})
	return code, o.String(), e.String()
}

func TestAuthTokenLoginStatusLogout(t *testing.T) {
	base, credFile := authEnv(t)
	steps := []struct {
		name     string
		stdin    string
		env      string // CAPSULE_TOKEN during the step
		args     []string
		wantCode int
		want     []string
		stored   bool // credentials file holds the token afterwards
	}{
		{"status before login", "", "", []string{"auth", "status", "--base-url", base}, ExitFatal, []string{"not logged in"}, false},
		{"refused token", "wrong-token\n", "", []string{"auth", "login", "--with-token", "--base-url", base}, ExitFatal, []string{"refused the token"}, false},
		{"no --with-token off a terminal", sandbox.DefaultToken, "", []string{"auth", "login", "--base-url", base}, ExitUsage, []string{"--with-token"}, false},
		{"login", sandbox.DefaultToken + "\n", "", []string{"auth", "login", "--with-token", "--base-url", base}, ExitOK, []string{"Logged in", "as "}, true},
		{"status from store", "", "", []string{"auth", "status", "--base-url", base}, ExitOK, []string{"User:", "Site:", base, "from stored credentials"}, true},
		{"stored token used by api", "", "", []string{"api", "users/current", "--base-url", base}, ExitOK, []string{`"user"`}, true},
		{"env wins", "", "env-token-that-is-wrong", []string{"auth", "status", "--base-url", base}, ExitFatal, []string{"refused"}, true},
		{"logout", "", "", []string{"auth", "logout", "--base-url", base}, ExitOK, []string{"Logged out"}, false},
		{"logout again", "", "", []string{"auth", "logout", "--base-url", base}, ExitFatal, []string{"no stored credentials"}, false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			t.Setenv(envToken, s.env)
			code, out, errOut := runAuthCLI(t, s.stdin, s.args...)
			if code != s.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, s.wantCode, out, errOut)
			}
			for _, w := range s.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
			if strings.Contains(out+errOut, sandbox.DefaultToken) {
				t.Errorf("the token was printed:\n%s%s", out, errOut)
			}
			data, err := os.ReadFile(credFile)
			if got := err == nil && bytes.Contains(data, []byte(sandbox.DefaultToken)); got != s.stored {
				t.Errorf("token stored = %v, want %v", got, s.stored)
			}
			if err == nil {
				if fi, _ := os.Stat(credFile); fi.Mode().Perm() != 0o600 {
					t.Errorf("credentials mode %v, want 0600", fi.Mode().Perm())
				}
			}
		})
	}
}

// lineWatcher is a stderr that hands the authorisation URL to the test,
// which plays the browser.
type lineWatcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	urls chan string
	sent bool
}

var authURLRe = regexp.MustCompile(`https?://\S+/oauth/authorise\?\S+`)

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if u := authURLRe.FindString(w.buf.String()); u != "" && !w.sent {
		w.sent = true
		w.urls <- u
	}
	return len(p), nil
}

func TestAuthOAuthLogin(t *testing.T) {
	base, credFile := authEnv(t)
	errOut := &lineWatcher{urls: make(chan string, 1)}
	go func() {
		u := <-errOut.urls
		resp, err := http.Get(u) // follows the redirect to the loopback listener
		if err != nil {
			t.Errorf("browser: %v", err)
			return
		}
		resp.Body.Close()
	}()
	var out bytes.Buffer
	code := Run(context.Background(), []string{"auth", "login", "--oauth", "--client-id", "cli-app", "--base-url", base},
		&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: errOut})
	if code != ExitOK {
		t.Fatalf("oauth login: exit %d\n%s%s", code, out.String(), errOut.buf.String())
	}
	data, err := os.ReadFile(credFile)
	if err != nil || !bytes.Contains(data, []byte(`"kind": "oauth"`)) || !bytes.Contains(data, []byte(`"refreshToken"`)) {
		t.Fatalf("stored credentials: %s %v", data, err)
	}
	cases := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"status", []string{"auth", "status", "--base-url", base}, ExitOK, "OAuth token (client cli-app) from stored credentials"},
		{"api call with the stored OAuth token", []string{"api", "users/current", "--base-url", base}, ExitOK, `"user"`},
		{"logout revokes", []string{"auth", "logout", "--base-url", base}, ExitOK, "Logged out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, o, e := runAuthCLI(t, "", tc.args...)
			if code != tc.wantCode || !strings.Contains(o+e, tc.want) {
				t.Fatalf("exit %d, want %d with %q\n%s%s", code, tc.wantCode, tc.want, o, e)
			}
		})
	}
	// The revoked token no longer works at the sandbox.
	var stored struct {
		Credentials map[string]struct{ AccessToken string }
	}
	if err := json.Unmarshal(data, &stored); err != nil {
		t.Fatal(err)
	}
	tok := stored.Credentials[base].AccessToken
	t.Setenv(envToken, tok)
	if code, o, e := runAuthCLI(t, "", "api", "users/current", "--base-url", base); code != ExitFatal || !strings.Contains(o+e, "401") {
		t.Errorf("revoked token: exit %d\n%s%s", code, o, e)
	}
}
