package capsule

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestCheckReserve(t *testing.T) {
	for _, ok := range []float64{0, 0.5, DefaultReserve, MaxReserve} {
		if err := CheckReserve(ok); err != nil {
			t.Errorf("CheckReserve(%v) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []float64{-1, MaxReserve + 0.1, 60, 99, math.NaN(), math.Inf(1)} {
		err := CheckReserve(bad)
		if err == nil || !strings.Contains(err.Error(), "from 0 to 50") {
			t.Errorf("CheckReserve(%v) = %v, want the range 0 to 50", bad, err)
		}
	}
	if _, err := NewPacer(nil, 60); err == nil || !strings.Contains(err.Error(), "reserve 60%") {
		t.Errorf("NewPacer(60) = %v, want a reserve error", err)
	}
	if _, err := NewClient(WithToken("t"), WithReserve(60)); err == nil || !strings.Contains(err.Error(), "reserve 60%: give a percentage from 0 to 50") {
		t.Errorf("WithReserve(60) = %v", err)
	}
}

// The client's default reserve is the one the CLI documents.
func TestDefaultReserveIsTheClients(t *testing.T) {
	c, err := NewClient(WithToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Pacer().Reserve(); got != DefaultReserve || DefaultReserve != 10 {
		t.Errorf("client reserve %v, DefaultReserve %v; want 10", got, DefaultReserve)
	}
}

func TestPacerUsableRounding(t *testing.T) {
	tests := []struct {
		limit   int
		reserve float64
		want    int
	}{
		{0, 10, 3600}, // budget not known yet: Capsule's 4,000 per hour
		{4000, 10, 3600},
		{4000, 0, 4000},
		{50, 10, 45},
		{50, 5, 47}, // 2.5 kept back rounds up to 3
		{4000, 2.5, 3900},
		{4000, 0.01, 3999}, // 0.4 requests kept back is one request
		{1, 50, 1},         // never less than one
	}
	for _, tc := range tests {
		p, err := NewPacer(NewSimClock(time.Unix(0, 0)), tc.reserve)
		if err != nil {
			t.Fatal(err)
		}
		if tc.limit > 0 {
			p.Observe(Rate{Limit: tc.limit, Remaining: tc.limit, Reset: time.Unix(3600, 0)})
		}
		if got := p.Usable(); got != tc.want {
			t.Errorf("limit %d, reserve %v: Usable() = %d, want %d", tc.limit, tc.reserve, got, tc.want)
		}
	}
}

func TestPacerEstimate(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		n      int
		budget Rate // zero: not known
		want   Estimate
	}{
		{"unknown, fits an hour", 3600, Rate{},
			Estimate{Requests: 3600, Usable: 3600, Reserve: 10, Fits: true}},
		{"unknown, two hours", 7200, Rate{},
			Estimate{Requests: 7200, Usable: 3600, Reserve: 10, Resets: 1, Wait: time.Hour}},
		{"fits what is left", 100, Rate{Limit: 4000, Remaining: 3000, Reset: now.Add(30 * time.Minute)},
			Estimate{Requests: 100, Usable: 3600, Reserve: 10, Known: true, Remaining: 3000, Fits: true}},
		{"the reserve is not spent", 3000, Rate{Limit: 4000, Remaining: 3000, Reset: now.Add(30 * time.Minute)},
			Estimate{Requests: 3000, Usable: 3600, Reserve: 10, Known: true, Remaining: 3000, Resets: 1, Wait: 30 * time.Minute}},
		{"several windows", 8000, Rate{Limit: 4000, Remaining: 400, Reset: now.Add(10 * time.Minute)},
			Estimate{Requests: 8000, Usable: 3600, Reserve: 10, Known: true, Remaining: 400, Resets: 3, Wait: 2*time.Hour + 10*time.Minute}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPacer(NewSimClock(now), 10)
			if err != nil {
				t.Fatal(err)
			}
			if tc.budget.Known() {
				p.Observe(tc.budget)
			}
			if got := p.Estimate(tc.n); got != tc.want {
				t.Errorf("Estimate(%d) =\n %+v, want\n %+v", tc.n, got, tc.want)
			}
		})
	}
}

// The estimate and the pacing agree: a run of exactly the usable budget
// on a fresh window waits for no reset.
func TestPacerEstimateMatchesPacing(t *testing.T) {
	f := newFake(t)
	f.handle("GET /site", jsonRoute(200, `{"site":{"name":"x"}}`))
	c := f.client(WithReserve(10))
	if _, _, err := c.Site.Get(bg); err != nil {
		t.Fatal(err)
	}
	e := c.Pacer().Estimate(c.Pacer().Budget().Remaining - 400)
	if !e.Fits || e.Usable != 3600 {
		t.Fatalf("estimate %+v, want the rest of the usable budget to fit", e)
	}
	if e := c.Pacer().Estimate(c.Pacer().Budget().Remaining - 399); e.Fits {
		t.Fatalf("estimate %+v: one request into the reserve must wait", e)
	}
}
