package capsule

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// Pacer spends one token's request budget. It learns the budget from the
// X-RateLimit-* headers of every response, never lets a request out while
// the known budget (less the reserve) is spent and the window has not reset,
// and when the caller's declared remaining work does not fit the remaining
// budget it spreads the budget evenly over the time left in the window.
// While the budget is unknown (first call, or just after a reset) only one
// request is in flight, so concurrent callers cannot overrun a budget they
// have not seen yet. One Pacer belongs to one Client; it is safe for
// concurrent use.
type Pacer struct {
	clock   Clock
	reserve float64 // percent of Limit kept for other integrations

	mu        sync.Mutex
	known     bool
	limit     int
	remaining int // after deducting requests sent since the last answer
	reset     time.Time
	inflight  int
	pending   int // declared remaining requests; <0 unknown
	next      time.Time
	changed   chan struct{} // closed when an answer arrives
}

// The reserve is the share of the hourly budget (percent) a client leaves
// unused for other integrations of the same user. DefaultReserve applies
// without WithReserve; WithReserve and NewPacer accept 0 to MaxReserve.
const (
	DefaultReserve = 10.0
	MaxReserve     = 50.0
)

// assumedLimit is Capsule's documented budget (requests per hour), used by
// estimates until an answer tells the account's own.
const assumedLimit = 4000

// CheckReserve returns an error unless percent is a reserve from 0 to
// MaxReserve. Its message says what to give, for callers to prefix with
// their own name for the setting (a flag, a config key).
func CheckReserve(percent float64) error {
	if !(percent >= 0 && percent <= MaxReserve) { // also refuses NaN
		return fmt.Errorf("give a percentage from 0 to %g of the hourly request budget", MaxReserve)
	}
	return nil
}

// NewPacer returns a pacer keeping reserve percent of the budget unused,
// for callers that plan without a client (an offline estimate). A nil clock
// is the real time. Clients make their own (Client.Pacer).
func NewPacer(clock Clock, reserve float64) (*Pacer, error) {
	if err := CheckReserve(reserve); err != nil {
		return nil, errorf("reserve %g%%: %w", reserve, err)
	}
	if clock == nil {
		clock = realClock{}
	}
	return newPacer(clock, reserve), nil
}

func newPacer(clock Clock, reserve float64) *Pacer {
	return &Pacer{clock: clock, reserve: reserve, pending: -1, changed: make(chan struct{})}
}

// Reserve returns the percent of the budget the pacer leaves unused.
func (p *Pacer) Reserve() float64 { return p.reserve }

// SetPending declares how many requests the caller still plans to send
// (n < 0: unknown). When they fit the remaining budget less the reserve, the
// pacer lets them go at full speed; otherwise it spreads them out.
func (p *Pacer) SetPending(n int) {
	p.mu.Lock()
	p.pending = n
	p.mu.Unlock()
}

// Budget returns the last known budget, with requests sent since deducted.
func (p *Pacer) Budget() Rate {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Rate{Limit: p.limit, Remaining: p.remaining, Reset: p.reset}
}

// Wait blocks until one request may be sent and takes it from the budget.
// Every successful Wait must be followed by one finish.
func (p *Pacer) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		p.mu.Lock()
		now := p.clock.Now()
		d, probing := p.delayLocked(now)
		if d <= 0 && !probing {
			p.takeLocked(now)
			p.mu.Unlock()
			return nil
		}
		changed := p.changed
		p.mu.Unlock()
		if probing {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-changed:
			}
			continue
		}
		if err := p.clock.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (p *Pacer) reserveN() int { return reserveOf(p.limit, p.reserve) }

// reserveOf is the number of requests of limit that reserve percent keeps
// back, rounded up (the reserve is a floor, not a target).
func reserveOf(limit int, reserve float64) int {
	// The epsilon keeps float noise (4000*0.1 = 400.00000000000006) from
	// rounding a whole number up.
	return int(math.Ceil(float64(limit)*reserve/100 - 1e-9))
}

// Usable returns the requests per window the pacer lets out: the window's
// limit (Capsule's 4,000 per hour until an answer tells the account's)
// less the reserve, at least 1.
func (p *Pacer) Usable() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.usableLocked()
}

func (p *Pacer) usableLocked() int {
	limit := p.limit
	if limit <= 0 {
		limit = assumedLimit
	}
	return max(limit-reserveOf(limit, p.reserve), 1)
}

// Estimate is how a number of requests fits the budget at the pacer's pace:
// what a plan summary tells before a run.
type Estimate struct {
	Requests  int           // the requests estimated
	Usable    int           // requests per window after the reserve (Pacer.Usable)
	Reserve   float64       // percent of the budget left unused
	Known     bool          // an answer has told the budget; else a fresh window is assumed
	Remaining int           // requests left in the current window, when Known
	Fits      bool          // the requests go without waiting for a window reset
	Resets    int           // window resets to wait for, when they do not fit
	Wait      time.Duration // time until the last of those resets (hour-long windows)
}

// Estimate tells how n requests, sent from now, fit the remaining budget
// less the reserve and how long they wait for window resets.
func (p *Pacer) Estimate(n int) Estimate {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	e := Estimate{Requests: n, Usable: p.usableLocked(), Reserve: p.reserve,
		Known: p.limit > 0 || !p.reset.IsZero(), Remaining: p.remaining}
	left := e.Usable
	if e.Known {
		left = max(p.remaining-reserveOf(p.limit, p.reserve), 0)
	} else {
		e.Remaining = 0
	}
	if n <= left {
		e.Fits = true
		return e
	}
	e.Resets = (n - left + e.Usable - 1) / e.Usable
	e.Wait = time.Duration(e.Resets) * time.Hour
	if e.Known && p.reset.After(now) {
		e.Wait = p.reset.Sub(now) + time.Duration(e.Resets-1)*time.Hour
	}
	return e
}

// delayLocked returns how long to wait before sending, or probing=true when
// the budget is unknown and a probe request is already out.
func (p *Pacer) delayLocked(now time.Time) (d time.Duration, probing bool) {
	if p.known && !now.Before(p.reset) {
		// The window has reset; the next answer tells the new budget. The
		// old reset is kept so late answers from the old window are ignored.
		p.known, p.remaining, p.next = false, p.limit, time.Time{}
	}
	if !p.known {
		return 0, p.inflight > 0
	}
	usable := p.remaining - p.reserveN()
	if usable <= 0 {
		return p.reset.Sub(now), false
	}
	if p.pending >= 0 && p.pending <= usable {
		return 0, false
	}
	return p.next.Sub(now), false
}

func (p *Pacer) takeLocked(now time.Time) {
	p.inflight++
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

// finish records the end of a request sent after Wait: r is the budget its
// answer reported (zero Rate when there was no answer).
func (p *Pacer) finish(r Rate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight = max(p.inflight-1, 0)
	p.observeLocked(r)
	close(p.changed)
	p.changed = make(chan struct{})
}

// Observe records a budget reported outside the client's own requests.
func (p *Pacer) Observe(r Rate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.observeLocked(r)
}

// observeLocked merges an answer's budget. Requests still in flight may not
// be counted in it yet, so they are deducted: the estimate errs low.
func (p *Pacer) observeLocked(r Rate) {
	if r.Reset.IsZero() || r.Limit <= 0 {
		return
	}
	switch {
	case r.Reset.After(p.reset): // first answer of a new window
		p.limit, p.reset, p.known = r.Limit, r.Reset, true
		p.remaining = r.Remaining - p.inflight
	case r.Reset.Equal(p.reset) && p.known:
		p.limit = r.Limit
		p.remaining = min(p.remaining, r.Remaining-p.inflight)
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
	p.remaining, p.known = 0, true
	if reset.After(p.reset) {
		p.reset = reset
	}
}
