package capsule

import (
	"testing"
	"time"
)

// TestPacerHourOfBudget sends more work than or as much as one window allows
// against a 4,000/hour budget on a simulated clock: no request may hit a
// 429, and the run must take about as long as the budget dictates.
func TestPacerHourOfBudget(t *testing.T) {
	tests := []struct {
		name     string
		requests int
		reserve  float64
		pending  int // declared work; -1 = not declared
		min, max time.Duration
	}{
		// Work unknown: the budget is spread evenly over the window.
		{"4000 requests, work not declared", 4000, 0, -1, 55 * time.Minute, 61 * time.Minute},
		// A 5% reserve leaves 3,800 for this window; the last 200 go after the reset.
		{"4000 requests, 5% reserve", 4000, 5, -1, 60 * time.Minute, 66 * time.Minute},
		// More declared work than one window: spread, then finish after the reset.
		{"4500 declared, exceeds one window", 4500, 0, 4500, 60 * time.Minute, 70 * time.Minute},
		// Declared work that fits the budget goes at full speed.
		{"4000 declared, fits", 4000, 0, 4000, 0, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET /site", jsonRoute(200, `{"site":{"name":"x"}}`))
			c := f.client(WithReserve(tt.reserve))
			c.Pacer().SetPending(tt.pending)
			start := f.clock.Now()
			for i := range tt.requests {
				if _, _, err := c.Site.Get(bg); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
			}
			took := f.clock.Now().Sub(start)
			if n := f.count429(); n != 0 {
				t.Errorf("%d requests hit 429, want 0", n)
			}
			if got := len(f.seen()); got != tt.requests {
				t.Errorf("%d requests reached the server, want %d", got, tt.requests)
			}
			if took < tt.min || took > tt.max {
				t.Errorf("simulated run took %v, want between %v and %v", took, tt.min, tt.max)
			}
			t.Logf("simulated time %v for %d requests", took, tt.requests)
		})
	}
}

func TestPacerNeverSendsWhenSpent(t *testing.T) {
	tests := []struct {
		name      string
		remaining int
		reserve   float64
		wantWait  time.Duration
	}{
		{"spent: wait for reset", 0, 0, 20 * time.Minute},
		{"only the reserve left: wait for reset", 200, 5, 20 * time.Minute},
		{"budget left and work fits: no wait", 500, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := NewSimClock(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
			p := newPacer(clock, tt.reserve)
			p.SetPending(1)
			p.Observe(Rate{Limit: 4000, Remaining: tt.remaining, Reset: clock.Now().Add(20 * time.Minute)})
			start := clock.Now()
			if err := p.Wait(bg); err != nil {
				t.Fatal(err)
			}
			if got := clock.Now().Sub(start); got != tt.wantWait {
				t.Errorf("waited %v, want %v", got, tt.wantWait)
			}
		})
	}
}

func TestPacerOutOfOrderAnswers(t *testing.T) {
	clock := NewSimClock(time.Unix(1_800_000_000, 0))
	p := newPacer(clock, 0)
	reset := clock.Now().Add(time.Hour)
	p.Observe(Rate{Limit: 4000, Remaining: 10, Reset: reset})
	p.Observe(Rate{Limit: 4000, Remaining: 12, Reset: reset}) // older answer arriving late
	if got := p.Budget().Remaining; got != 10 {
		t.Errorf("remaining %d, want the lowest of one window (10)", got)
	}
	p.Observe(Rate{Limit: 4000, Remaining: 3999, Reset: reset.Add(time.Hour)})
	if got := p.Budget().Remaining; got != 3999 {
		t.Errorf("remaining %d after a new window, want 3999", got)
	}
}

// TestPacerConcurrentCallers shares one client between goroutines (as the
// paced writer will) with a budget smaller than the work: no 429, every
// call succeeds.
func TestPacerConcurrentCallers(t *testing.T) {
	f := newFake(t)
	f.limit = 100
	f.handle("GET /site", jsonRoute(200, `{"site":{"name":"x"}}`))
	c := f.client()
	c.Pacer().SetPending(240)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var err error
			for range 30 {
				if _, _, err = c.Site.Get(bg); err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := f.count429(); n != 0 {
		t.Errorf("%d requests hit 429, want 0", n)
	}
	if got := len(f.seen()); got != 240 {
		t.Errorf("%d requests, want 240", got)
	}
}
