package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const testRedirect = "http://127.0.0.1:1/callback"

func oauthCode(t *testing.T, hs *httptest.Server, verifier string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {"app"}, "redirect_uri": {testRedirect}, "state": {"st"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(hs.URL + "/oauth/authorise?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("state") != "st" || loc.Query().Get("code") == "" {
		t.Fatalf("authorise: %s Location %q", resp.Status, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func tokenCall(t *testing.T, hs *httptest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(hs.URL+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func apiStatus(t *testing.T, hs *httptest.Server, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+APIPrefix+"/users/current", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestOAuthCodeExchange(t *testing.T) {
	const verifier = "a-verifier-of-enough-length-0123456789abcdef"
	cases := []struct {
		name   string
		form   func(code string) url.Values
		status int
		reuse  bool // exchange the same code twice
	}{
		{"good", func(c string) url.Values { return exchange(c, verifier, testRedirect) }, 200, false},
		{"wrong verifier", func(c string) url.Values { return exchange(c, "another-verifier", testRedirect) }, 400, false},
		{"wrong redirect", func(c string) url.Values { return exchange(c, verifier, "http://127.0.0.1:2/x") }, 400, false},
		{"unknown grant", func(c string) url.Values { return url.Values{"grant_type": {"password"}} }, 400, false},
		{"code reused", func(c string) url.Values { return exchange(c, verifier, testRedirect) }, 400, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(New())
			defer hs.Close()
			code := oauthCode(t, hs, verifier)
			if tc.reuse {
				if st, _ := tokenCall(t, hs, tc.form(code)); st != 200 {
					t.Fatalf("first exchange: %d", st)
				}
			}
			st, out := tokenCall(t, hs, tc.form(code))
			if st != tc.status {
				t.Fatalf("status %d (%v), want %d", st, out, tc.status)
			}
			if st != 200 {
				return
			}
			access, _ := out["access_token"].(string)
			if apiStatus(t, hs, access) != 200 || out["token_type"] != "bearer" || out["refresh_token"] == "" {
				t.Fatalf("issued token does not authenticate: %v", out)
			}
			// Refresh rotates: the new pair works, the old refresh token is spent.
			refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {out["refresh_token"].(string)}, "client_id": {"app"}}
			st2, out2 := tokenCall(t, hs, refresh)
			if st2 != 200 || apiStatus(t, hs, out2["access_token"].(string)) != 200 {
				t.Fatalf("refresh: %d %v", st2, out2)
			}
			if st3, _ := tokenCall(t, hs, refresh); st3 != 400 {
				t.Errorf("old refresh token reused: %d, want 400", st3)
			}
			resp, err := http.PostForm(hs.URL+"/oauth/token/revoke", url.Values{"token": {out2["access_token"].(string)}})
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("revoke: %v %v", resp, err)
			}
			resp.Body.Close()
			if s := apiStatus(t, hs, out2["access_token"].(string)); s != 401 {
				t.Errorf("revoked token: %d, want 401", s)
			}
		})
	}
}

func exchange(code, verifier, redirect string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {"app"},
		"redirect_uri": {redirect}, "code_verifier": {verifier}}
}

func TestOAuthAuthoriseRefusesBadRedirect(t *testing.T) {
	hs := httptest.NewServer(New())
	defer hs.Close()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, bad := range []string{"", "/relative", "not a url"} {
		resp, err := hc.Get(hs.URL + "/oauth/authorise?response_type=code&client_id=a&redirect_uri=" + url.QueryEscape(bad))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || strings.Contains(resp.Header.Get("Location"), "code=") {
			t.Errorf("redirect_uri %q: %s, want 400 without redirect", bad, resp.Status)
		}
	}
}
