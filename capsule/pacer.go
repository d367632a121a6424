package capsule

import (
	"context"
	"sync"
	"time"
)

// Pacer spends one token's request budget. It learns the budget from the
// X-RateLimit-* headers of every response, never lets a request out while
// the known budget (less the reserve) is spent and the window has not reset,
// and when the caller's declared remaining work does not fit the remaining
// budget it spreads the budget evenly over the time left in the window.
// One Pacer belongs to one Client; it is safe for concurrent use.
type Pacer struct {
	clock   Clock
	reserve float64 // percent of Limit kept for other integrations

	mu        sync.Mutex
	known     bool
	limit     int
	remaining int
	reset     time.Time
	pending   int // declared remaining requests; <0 unknown
	next      time.Time
}

// DefaultReserve is the share of the hourly budget (percent) left unused
// for other integrations of the same user.
const DefaultReserve = 5.0

func newPacer(clock Clock, reserve float64) *Pacer {
	return &Pacer{clock: clock, reserve: reserve, pending: -1}
}

// SetPending declares how many requests the caller still plans to send
// (n < 0: unknown). When they fit the remaining budget less the reserve, the
// pacer lets them go at full speed; otherwise it spreads them out.
func (p *Pacer) SetPending(n int) {
	p.mu.Lock()
	p.pending = n
	p.mu.Unlock()
}

// Budget returns the last known budget, with local sends already deducted.
func (p *Pacer) Budget() Rate {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Rate{Limit: p.limit, Remaining: p.remaining, Reset: p.reset}
}

// Wait blocks until one request may be sent, then takes it from the budget.
func (p *Pacer) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.mu.Lock()
		now := p.clock.Now()
		d := p.delayLocked(now)
		if d <= 0 {
			p.takeLocked(now)
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		if err := p.clock.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (p *Pacer) reserveN() int {
	return int(float64(p.limit)*p.reserve/100 + 0.999)
}

func (p *Pacer) delayLocked(now time.Time) time.Duration {
	if !p.known {
		return 0 // nothing learnt yet: the first answer tells the budget
	}
	if !now.Before(p.reset) {
		// The window has reset: assume a full budget until headers say more.
		p.remaining, p.next = p.limit, time.Time{}
		p.known = false
		return 0
	}
	usable := p.remaining - p.reserveN()
	if usable <= 0 {
		return p.reset.Sub(now)
	}
	if p.pending >= 0 && p.pending <= usable {
		return 0
	}
	return p.next.Sub(now)
}

func (p *Pacer) takeLocked(now time.Time) {
	if p.pending > 0 {
		p.pending--
	}
	if !p.known {
		return
	}
	if usable := p.remaining - p.reserveN(); usable > 0 {
		p.next = now.Add(p.reset.Sub(now) / time.Duration(usable))
	}
	p.remaining--
}

// Observe records the budget of a response. Answers may arrive out of order,
// so within one window the lowest remaining count wins.
func (p *Pacer) Observe(r Rate) {
	if r.Reset.IsZero() || r.Limit <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.known || r.Reset.After(p.reset):
		p.limit, p.remaining, p.reset, p.known = r.Limit, r.Remaining, r.Reset, true
	case r.Reset.Equal(p.reset):
		p.limit = r.Limit
		p.remaining = min(p.remaining, r.Remaining)
	}
}

// exhausted records a 429: the budget is spent until reset (or, when the
// answer carried no reset, for fallback), whatever the headers said before.
func (p *Pacer) exhausted(reset time.Time, fallback time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if !reset.After(now) {
		reset = now.Add(fallback)
	}
	if p.limit <= 0 {
		p.limit = 1
	}
	p.remaining, p.reset, p.known = 0, reset, true
}
