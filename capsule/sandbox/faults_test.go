package sandbox

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultRateBeforeAndAfter(t *testing.T) {
	h := newHarness(t, WithFaultRate(0.5), WithRand(rand.New(rand.NewPCG(1, 2))))
	const n = 200
	var failed, created int
	for range n {
		r := h.do("POST", "/parties", map[string]any{"party": org("X")})
		switch r.status {
		case 201:
			created++
		case 500, 503:
			failed++
		default:
			t.Fatalf("unexpected status %d", r.status)
		}
	}
	st := h.srv.Stats()
	if st.FaultsInjected != failed || failed == 0 || created == 0 {
		t.Fatalf("faults_injected %d, failed %d, created %d", st.FaultsInjected, failed, created)
	}
	applied := st.Records["parties"] - created
	if applied <= 0 || applied >= failed {
		t.Errorf("of %d failed writes %d were applied; want some but not all (half after applying)", failed, applied)
	}
	// Reads are never faulted.
	for range 20 {
		h.must(200, "GET", "/parties", nil)
	}
}

func TestFaultsDeterministicWithSeededRand(t *testing.T) {
	run := func() string {
		h := newHarness(t, WithFaultRate(0.3), WithRand(rand.New(rand.NewPCG(7, 7))))
		var b strings.Builder
		for range 30 {
			b.WriteString(http.StatusText(h.do("POST", "/parties", map[string]any{"party": org("X")}).status))
		}
		return b.String()
	}
	if a, b := run(), run(); a != b {
		t.Error("same seed gave different fault sequences")
	}
}

func TestDropRateClosesConnectionAfterApplying(t *testing.T) {
	h := newHarness(t, WithDropRate(1))
	req, _ := http.NewRequest("POST", h.base+"/parties", strings.NewReader(`{"party":{"type":"organisation","name":"D"}}`))
	req.Header.Set("Authorization", "Bearer "+DefaultToken)
	resp, err := h.hs.Client().Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Fatalf("got a response %d, want the connection dropped", resp.StatusCode)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") {
		t.Logf("drop error: %v", err)
	}
	if n := h.srv.Stats().Records["parties"]; n != 1 {
		t.Errorf("dropped write applied %d times, want 1", n)
	}
	h.must(200, "GET", "/parties", nil)
}

func TestLatency(t *testing.T) {
	// Latency is checked through behaviour, not timing: a cancelled request
	// during the delay never reaches the handler.
	h := newHarness(t, WithLatency(1<<40))
	ctxReq, _ := http.NewRequest("GET", h.base+"/parties", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := h.hs.Client().Do(ctxReq.WithContext(ctx))
	if err == nil {
		t.Fatal("request finished despite the latency and a cancelled context")
	}
	if st := h.srv.Stats(); st.Requests["GET"] != 0 {
		t.Errorf("request reached the API during latency: %v", st.Requests)
	}
}
