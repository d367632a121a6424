package capsule

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

// TestWriteCancelledAfterSendingIsInDoubt: a write whose context ends while
// the server holds it may still be stored, so it must be in doubt, and still
// recognisable as a cancellation.
func TestWriteCancelledAfterSendingIsInDoubt(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(bg)
	f.handle("POST /tasks", func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done() // the client hangs up
	})
	_, _, err := f.client().Tasks.Create(ctx, &Task{Description: Some("x")})
	if !errors.Is(err, ErrInDoubt) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want in doubt and context.Canceled", err)
	}
	if len(f.seen()) != 1 {
		t.Errorf("%d requests, want 1", len(f.seen()))
	}
}

type failingSource struct{ calls atomic.Int32 }

func (s *failingSource) Token() (*oauth2.Token, error) {
	s.calls.Add(1)
	return nil, errors.New("refresh token revoked")
}

func TestTokenSourceFailureNotInDoubtNotRetried(t *testing.T) {
	tests := []struct {
		name string
		call func(c *Client) error
	}{
		{"read", func(c *Client) error { _, _, err := c.Site.Get(bg); return err }},
		{"write", func(c *Client) error { _, _, err := c.Tasks.Create(bg, &Task{Description: Some("x")}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			src := &failingSource{}
			c := f.client(WithTokenSource(src))
			err := tt.call(c)
			if err == nil || errors.Is(err, ErrInDoubt) {
				t.Fatalf("err = %v, want a token error that is not in doubt", err)
			}
			if src.calls.Load() != 1 || len(f.seen()) != 0 {
				t.Errorf("token asked %d times, %d requests sent; want 1 and 0", src.calls.Load(), len(f.seen()))
			}
		})
	}
}
