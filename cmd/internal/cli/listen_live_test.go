package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/pipeline/listen"
)

func TestLiveStatusShowsLag(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	st := listen.Stats{Written: 3, PerEvent: map[string]int{"party/updated": 2, "party/created": 1},
		Last: now.Add(-4 * time.Second), Lag: 2500 * time.Millisecond}
	got := liveStatus(st, now)
	for _, want := range []string{"party/created 1", "party/updated 2", "written 3", "last delivery 4s ago", "lag 3s"} {
		if !strings.Contains(got, want) {
			t.Errorf("live line %q lacks %q", got, want)
		}
	}
	if got := liveStatus(listen.Stats{PerEvent: map[string]int{}}, now); strings.Contains(got, "lag") || !strings.Contains(got, "no delivery yet") {
		t.Errorf("idle live line %q", got)
	}
}
