package capsule

import (
	"context"
	"sync"
	"time"
)

// Clock is the time source of the pacer and the retry backoff. Tests inject
// a SimClock so an hour of rate limiting runs in milliseconds.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// SimClock is a simulated clock: Sleep advances it at once. It is safe for
// concurrent use; concurrent sleepers each advance the shared time, so it
// suits sequential callers best. Share one SimClock between a client and a
// test server to simulate rate windows.
type SimClock struct {
	mu  sync.Mutex
	now time.Time
}

var _ Clock = (*SimClock)(nil)

// NewSimClock returns a simulated clock starting at start.
func NewSimClock(start time.Time) *SimClock { return &SimClock{now: start} }

// Now returns the simulated time.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep advances the simulated time by d (unless ctx is already done).
func (c *SimClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the simulated time forward by d.
func (c *SimClock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
