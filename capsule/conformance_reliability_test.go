package capsule_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// With one simulated clock shared by sandbox and client, a few hundred
// calls against a 100-per-5s window never meet a 429.
func TestConformanceRateLimitSimulatedClock(t *testing.T) {
	clock := capsule.NewSimClock(time.Date(2026, 11, 27, 12, 0, 1, 0, time.UTC))
	cf := newConformance(t, []sandbox.Option{sandbox.WithRateLimit(100, 5*time.Second), sandbox.WithClock(clock.Now)},
		capsule.WithClock(clock))
	ctx, c := cf.ctx, cf.c
	const n = 400
	c.Pacer().SetPending(n)
	start := clock.Now()
	var id int64
	for i := range n {
		var err error
		switch {
		case i%4 == 0:
			var p *capsule.Party
			p, _, err = c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyOrganisation), Name: capsule.Some(fmt.Sprint("Org ", i))})
			if err == nil {
				id = p.ID
			}
		case i%4 == 1:
			_, _, err = c.Parties.Update(ctx, id, &capsule.Party{About: capsule.Some("x")})
		default:
			_, _, err = c.Parties.Get(ctx, id, nil)
		}
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		c.Pacer().SetPending(n - i - 1)
	}
	st := cf.srv.Stats()
	if st.RateLimited != 0 {
		t.Errorf("%d requests were rate limited", st.RateLimited)
	}
	if got := st.Requests["GET"] + st.Requests["POST"] + st.Requests["PUT"]; got != n {
		t.Errorf("sandbox saw %d requests, want %d", got, n)
	}
	// 400 requests need at least 4 windows of 100.
	if el := clock.Now().Sub(start); el < 15*time.Second {
		t.Errorf("simulated time %v: the budget cannot have been respected", el)
	}
}

// In real time, three goroutines share one client: 150 requests against
// 100 per 2s and no 429.
func TestConformanceRateLimitRealTime(t *testing.T) {
	cf := newConformance(t, []sandbox.Option{sandbox.WithRateLimit(100, 2*time.Second)})
	ctx, c := cf.ctx, cf.c
	p := newOrg(t, cf, "Paced")
	const workers, each = 3, 50
	c.Pacer().SetPending(workers * each)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Go(func() {
			for range each {
				if _, _, err := c.Parties.Get(ctx, p.ID, nil); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := cf.srv.Stats(); st.RateLimited != 0 {
		t.Errorf("%d requests were rate limited", st.RateLimited)
	}
}

// With faults injected, reads always succeed and every failed write is
// reported in doubt (or as a 5xx) and never resent.
func TestConformanceFaults(t *testing.T) {
	cf := newConformance(t, []sandbox.Option{
		sandbox.WithFaultRate(0.3), sandbox.WithDropRate(0.1), sandbox.WithRand(rand.New(rand.NewPCG(1, 2))),
	})
	ctx, c := cf.ctx, cf.c
	const n = 60
	var ok, inDoubt, failed5xx int
	for i := range n {
		p, _, err := c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyOrganisation), Name: capsule.Some(fmt.Sprint("F", i))})
		switch {
		case err == nil:
			ok++
			if got := must[*capsule.Party](t)(c.Parties.Get(ctx, p.ID, nil)); got.ID != p.ID {
				t.Errorf("read back %d = %d", p.ID, got.ID)
			}
		case errors.Is(err, capsule.ErrInDoubt):
			inDoubt++
		case statusOf(err) >= 500:
			failed5xx++
		default:
			t.Errorf("create %d: unexpected error %v", i, err)
		}
		if err != nil && strings.Contains(err.Error(), sandbox.DefaultToken) {
			t.Errorf("error text leaks the token: %v", err)
		}
	}
	st := cf.srv.Stats()
	if st.Routes["POST /parties"] != n {
		t.Errorf("sandbox saw %d POSTs for %d creates: a write was resent", st.Routes["POST /parties"], n)
	}
	if inDoubt+failed5xx != st.FaultsInjected || st.FaultsInjected == 0 {
		t.Errorf("%d in doubt + %d 5xx, sandbox injected %d faults", inDoubt, failed5xx, st.FaultsInjected)
	}
	if inDoubt == 0 {
		t.Errorf("no write came back in doubt")
	}
	if r := st.Records["parties"]; r < ok || r > ok+inDoubt+failed5xx {
		t.Errorf("%d parties stored, %d created ok, %d failed", r, ok, inDoubt+failed5xx)
	}
	// reads through the faulty sandbox all succeed
	all := collect(t, c.Parties.ListAll(ctx, nil))
	if len(all) != st.Records["parties"] {
		t.Errorf("ListAll = %d, stored %d", len(all), st.Records["parties"])
	}
}

// A second client on the same token meets a spent window: it gets 429,
// waits until X-RateLimit-Reset on the shared simulated clock and succeeds.
func TestConformance429WaitsForReset(t *testing.T) {
	clock := capsule.NewSimClock(time.Date(2026, 11, 27, 12, 0, 1, 0, time.UTC))
	cf := newConformance(t, []sandbox.Option{sandbox.WithRateLimit(5, 10*time.Second), sandbox.WithClock(clock.Now)},
		capsule.WithClock(clock), capsule.WithReserve(0))
	ctx := cf.ctx
	other, err := capsule.NewClient(capsule.WithBaseURL(cf.base), capsule.WithToken(sandbox.DefaultToken),
		capsule.WithClock(clock), capsule.WithReserve(0))
	if err != nil {
		t.Fatal(err)
	}
	other.Pacer().SetPending(5)
	for range 5 {
		if _, _, err := other.Site.Get(ctx); err != nil {
			t.Fatal(err)
		}
	}
	start := clock.Now()
	_, resp, err := cf.c.Site.Get(ctx)
	if err != nil {
		t.Fatalf("after a 429: %v", err)
	}
	st := cf.srv.Stats()
	if st.RateLimited != 1 {
		t.Errorf("rate limited %d times, want exactly the one 429", st.RateLimited)
	}
	if clock.Now().Before(start.Add(9 * time.Second)) {
		t.Errorf("client resent at %v, before the reset at %v", clock.Now(), start.Truncate(10*time.Second).Add(10*time.Second))
	}
	// A call that keeps meeting 429 comes back as *RateLimitError, without the token.
	blocked, err := capsule.NewClient(capsule.WithBaseURL(cf.base), capsule.WithToken(sandbox.DefaultToken),
		capsule.WithClock(capsule.NewSimClock(clock.Now())))
	if err != nil {
		t.Fatal(err)
	}
	left := resp.Rate.Remaining
	other.Pacer().SetPending(left)
	for range left {
		if _, _, err := other.Site.Get(ctx); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = blocked.Site.Get(ctx)
	var rl *capsule.RateLimitError
	if !errors.As(err, &rl) || rl.Reset.IsZero() || strings.Contains(err.Error(), sandbox.DefaultToken) {
		t.Errorf("err = %v, want *RateLimitError with reset", err)
	}
}
