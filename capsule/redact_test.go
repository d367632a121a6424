package capsule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestTokenNeverShown drives every path that produces text (debug logs,
// retries, errors of each kind, formatting the client) and checks that the
// token appears nowhere, while the server did receive it.
func TestTokenNeverShown(t *testing.T) {
	f := newFake(t)
	f.handle("GET /parties/1", sequence(jsonRoute(503, `{}`), hangUp, jsonRoute(200, `{"party":{"id":1}}`)))
	f.handle("POST /parties", jsonRoute(500, `{"message":"boom"}`))
	f.handle("GET /tasks/2", jsonRoute(422, `{"message":"Validation Failed","errors":[{"message":"bad","resource":"task","field":"x"}]}`))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := f.client(WithLogger(logger))

	var texts []string
	add := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	}
	_, _, err := c.Parties.Get(bg, 1, nil)
	add(err)
	_, _, err = c.Parties.Create(bg, &Party{Type: Some(PartyPerson), FirstName: Some("A")})
	if !errors.Is(err, ErrInDoubt) {
		t.Errorf("POST 500: %v", err)
	}
	add(err)
	_, _, err = c.Tasks.Get(bg, 2, nil)
	add(err)
	_, _, err = c.Users.Current(bg) // 404 route
	add(err)
	bad, _ := NewClient(WithBaseURL(f.baseURL()), WithToken(testToken+"x"), WithClock(f.clock), WithLogger(logger))
	_, _, err = bad.Site.Get(bg)
	add(err)
	ctx, cancel := context.WithTimeout(bg, time.Nanosecond)
	defer cancel()
	_, _, err = c.Site.Get(ctx)
	add(err)
	logger.Info("client", "c", c)
	texts = append(texts, logs.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c))

	if !strings.Contains(logs.String(), "capsule request") {
		t.Fatalf("debug log is empty; the test would prove nothing:\n%s", logs.String())
	}
	for _, s := range texts {
		if strings.Contains(s, testToken) || strings.Contains(s, testToken[:16]) {
			t.Errorf("token leaked in: %s", s)
		}
	}
	for _, r := range f.seen() {
		if r.Auth == "Bearer "+testToken {
			return
		}
	}
	t.Errorf("the server never received the bearer token")
}

func TestTokenSource(t *testing.T) {
	f := newFake(t)
	f.handle("GET /site", jsonRoute(200, `{"site":{"name":"Example Co."}}`))
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken})
	c, err := NewClient(WithBaseURL(f.baseURL()), WithTokenSource(ts), WithClock(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	site, _, err := c.Site.Get(bg)
	if err != nil || site.Name.Value() != "Example Co." {
		t.Fatalf("site %+v err %v", site, err)
	}
}

func TestNewClientErrors(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"no token", nil, "API Authentication Tokens"},
		{"empty token", []Option{WithToken("")}, "empty token"},
		{"relative base URL", []Option{WithToken("t"), WithBaseURL("api/v2")}, "absolute"},
		{"reserve too big", []Option{WithToken("t"), WithReserve(90)}, "reserve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
