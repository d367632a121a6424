package capsule_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// requestLogClient starts a sandbox on loopback that accepts token and
// returns a client logging at level into the returned buffer.
func requestLogClient(t *testing.T, token string, level capsule.RequestLogLevel) (*capsule.Client, *lockedBuffer) {
	t.Helper()
	srv := sandbox.New(sandbox.WithToken(token), sandbox.WithRateLimit(500, time.Hour))
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	var log lockedBuffer
	c, err := capsule.NewClient(capsule.WithBaseURL(hs.URL+sandbox.APIPrefix), capsule.WithToken(token),
		capsule.WithRequestLog(&log, level))
	if err != nil {
		t.Fatal(err)
	}
	return c, &log
}

var requestLine = regexp.MustCompile(`(?m)^http: (GET|POST|PUT|DELETE) (/api/v2/\S+) (\d{3}) \d+\.\dms budget (\d+)/500$`)

func TestRequestLogLines(t *testing.T) {
	const token = "pat-4f9b2c71d8e3a6b5c0d1e2f3a4b5c6d7"
	c, log := requestLogClient(t, token, capsule.RequestLogLines)
	ctx := context.Background()
	p, _, err := c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyOrganisation), Name: capsule.Some("Brennan & Søn ApS")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Parties.Get(ctx, p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Parties.Get(ctx, p.ID+1000, nil); err == nil {
		t.Fatal("GET of a missing party succeeded")
	}
	got := requestLine.FindAllStringSubmatch(log.String(), -1)
	if len(got) != 3 || strings.Count(log.String(), "\n") != 3 {
		t.Fatalf("want 3 request lines, got:\n%s", log)
	}
	want := [][2]string{{"POST", "201"}, {"GET", "200"}, {"GET", "404"}}
	prevLeft := 500
	for i, m := range got {
		if m[1] != want[i][0] || m[3] != want[i][1] || !strings.HasPrefix(m[2], "/api/v2/parties") {
			t.Errorf("line %d = %q, want %s /api/v2/parties... %s", i+1, m[0], want[i][0], want[i][1])
		}
		left, _ := strconv.Atoi(m[4])
		if left >= prevLeft {
			t.Errorf("line %d: budget %d/500 did not go down from %d", i+1, left, prevLeft)
		}
		prevLeft = left
	}
	if strings.Contains(log.String(), token) {
		t.Error("the token appears in the request log")
	}
}

func TestRequestLogHTTPRedactsToken(t *testing.T) {
	const token = "pat-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	c, log := requestLogClient(t, token, capsule.RequestLogHTTP)
	ctx := context.Background()
	p, _, err := c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyPerson),
		FirstName: capsule.Some("Maëlle"), LastName: capsule.Some("O'Connor-Nguyen"),
		About: capsule.Some("token in a note: " + token)})
	if err != nil {
		t.Fatal(err)
	}
	if p.FirstName.Value() != "Maëlle" {
		t.Errorf("the response was not decoded through the log: %+v", p)
	}
	out := log.String()
	for _, want := range []string{
		"http: POST /api/v2/parties 201 ",
		"> POST /api/v2/parties HTTP/1.1",
		"> Authorization: Bearer " + capsule.Redacted,
		`"firstName":"Maëlle"`,
		"< HTTP/1.1 201 Created",
		"< X-Ratelimit-Remaining: ",
		"token in a note: " + capsule.Redacted,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("debug log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, token) || strings.Contains(out, token[4:20]) {
		t.Errorf("the token appears in the debug log:\n%s", out)
	}
}

func TestRequestLogRefusesBadOptions(t *testing.T) {
	for _, opt := range []capsule.Option{capsule.WithRequestLog(nil, capsule.RequestLogLines), capsule.WithRequestLog(&bytes.Buffer{}, 0)} {
		if _, err := capsule.NewClient(capsule.WithToken("x"), opt); err == nil {
			t.Error("NewClient accepted a bad request log option")
		}
	}
}
