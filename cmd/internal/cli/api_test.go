package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const apiTestToken = "cli_5e1d0c9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a29180f7e6d5c"

// capsuleStub is a loopback HTTP server answering like Capsule for the api
// command: bearer auth, rate headers, paginated parties, error bodies.
type capsuleStub struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newCapsuleStub(t *testing.T) *capsuleStub {
	s := &capsuleStub{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, r.Method+" "+r.URL.Path+" "+string(b))
		s.mu.Unlock()
		w.Header().Set("X-RateLimit-Limit", "4000")
		w.Header().Set("X-RateLimit-Remaining", "3990")
		w.Header().Set("X-RateLimit-Reset", "4102444800")
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+apiTestToken {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(401)
			io.WriteString(w, `{"message":"invalid token"}`)
			return
		}
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v2/users/current":
			io.WriteString(w, `{"user":{"id":1,"username":"ann"}}`)
		case "GET /api/v2/parties":
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			page = max(page, 1)
			var items []string
			for i := 1; i <= 2; i++ {
				items = append(items, fmt.Sprintf(`{"id":%d}`, (page-1)*2+i))
			}
			if page < 3 {
				w.Header().Set("Link", fmt.Sprintf(`<%s/api/v2/parties?page=%d&perPage=2&embed=tags,fields>; rel="next"`, s.srv.URL, page+1))
			}
			fmt.Fprintf(w, `{"parties":[%s]}`, strings.Join(items, ","))
		case "POST /api/v2/parties":
			w.WriteHeader(201)
			io.WriteString(w, `{"party":{"id":99,"type":"organisation","name":"Acme"}}`)
		case "POST /api/v2/tasks":
			w.WriteHeader(422)
			io.WriteString(w, `{"message":"Validation Failed","errors":[{"message":"dueOn is required","resource":"task","field":"dueOn"}]}`)
		case "DELETE /api/v2/parties/5":
			w.Header().Set("Location", s.srv.URL+"/api/v2/jobs/abc")
			w.WriteHeader(202)
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"Could not find resource"}`)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func TestAPICommand(t *testing.T) {
	s := newCapsuleStub(t)
	base := s.srv.URL + "/api/v2"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/api/v2" // nothing listens there once closed
	ln.Close()
	tests := []struct {
		name      string
		args      []string
		stdin     string
		env       map[string]string
		wantCode  int
		wantOut   []string
		wantErr   []string
		checkBody string // a request the server must have seen
		check     func(t *testing.T, out string)
	}{
		{name: "GET prints JSON", args: []string{"api", "users/current", "--base-url", base},
			wantCode: ExitOK, wantOut: []string{`"username": "ann"`}},
		{name: "base URL from environment", args: []string{"api", "/users/current"},
			env: map[string]string{"CAPSULE_BASE_URL": base}, wantCode: ExitOK, wantOut: []string{`"id": 1`}},
		{name: "paginate prints one array of every item", args: []string{"api", "--paginate", "parties?perPage=2", "--base-url", base},
			wantCode: ExitOK, check: func(t *testing.T, out string) {
				var items []struct{ ID int }
				if err := json.Unmarshal([]byte(out), &items); err != nil {
					t.Fatalf("output is not one JSON array: %v\n%s", err, out)
				}
				if len(items) != 6 || items[5].ID != 6 {
					t.Errorf("items = %v, want ids 1..6", items)
				}
				if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 8 || lines[1] != `{"id":1},` {
					t.Errorf("want one item per line:\n%s", out)
				}
			}},
		{name: "include prints status and headers", args: []string{"api", "-i", "users/current", "--base-url", base},
			wantCode: ExitOK, wantOut: []string{"HTTP/1.1 200 OK", "X-Ratelimit-Remaining: 3990", `"username": "ann"`}},
		{name: "POST with input from stdin", args: []string{"api", "-X", "POST", "parties", "--input", "-", "--base-url", base},
			stdin: `{"party":{"type":"organisation","name":"Acme"}}`, wantCode: ExitOK, wantOut: []string{`"id": 99`},
			checkBody: `POST /api/v2/parties {"party":{"type":"organisation","name":"Acme"}}`},
		{name: "422 shows message and field errors", args: []string{"api", "--input", "-", "tasks", "--base-url", base},
			stdin: `{"task":{"description":"x"}}`, wantCode: ExitFatal, wantErr: []string{"422 Validation Failed", "task.dueOn: dueOn is required"}},
		{name: "404", args: []string{"api", "nope", "--base-url", base},
			wantCode: ExitFatal, wantErr: []string{"404 Could not find resource"}},
		{name: "401 says how to get a token", args: []string{"api", "site", "--base-url", base},
			env: map[string]string{"CAPSULE_TOKEN": "bad"}, wantCode: ExitFatal, wantErr: []string{"401", "API Authentication Tokens"}},
		{name: "202 is success", args: []string{"api", "-X", "DELETE", "parties/5", "--base-url", base},
			wantCode: ExitOK, wantErr: []string{"job queued at " + base + "/jobs/abc"}},
		{name: "missing token is a usage error", args: []string{"api", "site", "--base-url", base},
			env: map[string]string{"CAPSULE_TOKEN": ""}, wantCode: ExitUsage, wantErr: []string{"CAPSULE_TOKEN is not set", "API Authentication Tokens"}},
		{name: "no path", args: []string{"api"}, wantCode: ExitUsage, wantErr: []string{"exactly one PATH"}},
		{name: "invalid input JSON", args: []string{"api", "parties", "--input", "-", "--base-url", base},
			stdin: `{nope`, wantCode: ExitUsage, wantErr: []string{"not valid JSON"}},
		{name: "base URL without scheme gets an example", args: []string{"api", "site", "--base-url", "127.0.0.1:8080"},
			wantCode: ExitUsage, wantErr: []string{"write it whole, e.g. http://127.0.0.1:8080/api/v2"}},
		{name: "mistyped method refused before sending", args: []string{"api", "-X", "DELET", "parties/5", "--base-url", base},
			wantCode: ExitUsage, wantErr: []string{"-X DELET: not an HTTP method", "DELETE"}},
		{name: "unreachable API says what to check", args: []string{"api", "site", "--base-url", dead},
			wantCode: ExitFatal, wantErr: []string{"connection refused", "hint: " + dead + " cannot be reached: check --base-url"}},
		{name: "other host refused", args: []string{"api", "https://example.com/x", "--base-url", base},
			wantCode: ExitUsage, wantErr: []string{"refusing URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CAPSULE_TOKEN", apiTestToken)
			t.Setenv("CAPSULE_BASE_URL", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			code := Run(context.Background(), tt.args, &IOStreams{In: strings.NewReader(tt.stdin), Out: &out, ErrOut: &errOut})
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.wantCode, errOut.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut.String())
				}
			}
			if tt.check != nil {
				tt.check(t, out.String())
			}
			if strings.Contains(out.String()+errOut.String(), apiTestToken) || strings.Contains(out.String(), "Authorization") {
				t.Errorf("token or Authorization header printed")
			}
			if tt.checkBody != "" {
				s.mu.Lock()
				defer s.mu.Unlock()
				found := false
				for _, b := range s.bodies {
					found = found || b == tt.checkBody
				}
				if !found {
					t.Errorf("server never saw %q; saw %q", tt.checkBody, s.bodies)
				}
			}
		})
	}
}
