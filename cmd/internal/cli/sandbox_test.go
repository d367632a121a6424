package cli

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var baseLine = regexp.MustCompile(`export CAPSULE_BASE_URL=(\S+)`)

func TestSandboxCommandServesUntilCancelled(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		token     string
		wantToken string
	}{
		{"default token is printed", nil, "sandbox-token", "export CAPSULE_TOKEN=sandbox-token"},
		{"own token is not printed", []string{"--token", "s3cret-token-value"}, "s3cret-token-value", "use the token you passed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errOut syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- Run(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--rate-limit", "100/5s"}, tc.args...), &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
			}()
			var base string
			for i := 0; i < 500 && base == ""; i++ {
				if m := baseLine.FindStringSubmatch(out.String()); m != nil {
					base = m[1]
				} else {
					time.Sleep(10 * time.Millisecond)
				}
			}
			if base == "" {
				t.Fatalf("no base URL printed; stdout %q stderr %q", out.String(), errOut.String())
			}
			if !strings.HasSuffix(base, "/api/v2") || !strings.Contains(out.String(), tc.wantToken) {
				t.Errorf("output %q", out.String())
			}
			if tc.token != "sandbox-token" && strings.Contains(out.String()+errOut.String(), tc.token) {
				t.Error("the token passed by the user was printed")
			}
			req, _ := http.NewRequest("GET", base+"/site", nil)
			req.Header.Set("Authorization", "Bearer "+tc.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Limit") != "100" {
				t.Errorf("GET /site = %d, limit %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"))
			}
			cancel()
			if code := <-done; code != ExitOK {
				t.Errorf("exit code %d, stderr %q", code, errOut.String())
			}
		})
	}
}

func TestSandboxCommandUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad rate limit", []string{"--rate-limit", "lots"}, "N/DURATION"},
		{"zero rate", []string{"--rate-limit", "0/1h"}, "N/DURATION"},
		{"bad fault rate", []string{"--fault-rate", "2"}, "between 0 and 1"},
		{"rates over one", []string{"--fault-rate", "0.6", "--drop-rate", "0.6"}, "must not exceed 1"},
		{"negative latency", []string{"--latency", "-5ms"}, "want a delay of 0 or more"},
		{"missing seed file", []string{"--seed", "/nonexistent/seed.json"}, "seed file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, tc.args...)...)
			if code != ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("code %d stderr %q, want %d containing %q", code, errOut, ExitUsage, tc.want)
			}
		})
	}
}

func TestParseRateLimit(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		per  time.Duration
		fail bool
	}{
		{"4000/1h", 4000, time.Hour, false},
		{"100/5s", 100, 5 * time.Second, false},
		{"100", 0, 0, true},
		{"x/1h", 0, 0, true},
		{"10/1ms", 0, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			n, per, err := parseRateLimit(tc.in)
			if (err != nil) != tc.fail || n != tc.n || per != tc.per {
				t.Errorf("parseRateLimit(%q) = %d, %v, %v", tc.in, n, per, err)
			}
		})
	}
}
