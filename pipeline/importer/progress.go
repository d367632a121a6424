package importer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// progress reports the writes while they run: on a terminal one redrawn
// line, otherwise a log line every few seconds; with log set, a structured
// record every few seconds wherever it goes.
type progress struct {
	w        io.Writer
	log      *slog.Logger
	terminal bool
	every    time.Duration
	now      func() time.Time
	total    int
	rows     int
	wr       *writer
	// eta is the dry run's estimate of the time the writes take (0 when
	// they fit the budget); rate the smoothed writes per second.
	eta     time.Duration
	rate    float64
	lastN   int
	lastT   time.Time
	started bool
}

// current is the phase being written: the first with writes left.
func (p *progress) current() *phase {
	for _, ph := range p.wr.phases {
		if int(ph.done.Load()) < ph.total {
			return ph
		}
	}
	if n := len(p.wr.phases); n > 0 {
		return p.wr.phases[n-1]
	}
	return nil
}

// smoothedETA is the time left at the smoothed rate: the dry run's
// estimate until writes are measured, then an exponential average of the
// rate between lines, so one slow answer does not swing it.
func (p *progress) smoothedETA(n int, now time.Time) (time.Duration, bool) {
	if !p.started {
		p.started, p.lastN, p.lastT = true, n, now
	} else if dt := now.Sub(p.lastT).Seconds(); dt > 0 && n > p.lastN {
		r := float64(n-p.lastN) / dt
		if p.rate == 0 {
			p.rate = r
		} else {
			p.rate = 0.3*r + 0.7*p.rate
		}
		p.lastN, p.lastT = n, now
	}
	if p.rate > 0 {
		return (time.Duration(float64(p.total-n)/p.rate) * time.Second).Round(time.Second), true
	}
	if p.eta > 0 {
		return p.eta, true
	}
	return 0, false
}

func (p *progress) run(ctx context.Context) (stop func()) {
	if (p.w == nil && p.log == nil) || p.total == 0 {
		return func() {}
	}
	redraw := p.terminal && p.log == nil
	every := p.every
	if every <= 0 {
		every = 5 * time.Second
		if redraw {
			every = 250 * time.Millisecond
		}
	}
	start := p.now()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				// The last state, always: logs end with the final count.
				p.line(start)
				if redraw {
					fmt.Fprintln(p.w)
				}
				return
			case <-ctx.Done():
				return
			case <-t.C:
				p.line(start)
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (p *progress) line(start time.Time) {
	n := int(p.wr.done.Load())
	rows := int(p.wr.rowsDone.Load())
	el := p.now().Sub(start)
	rate, rowRate := 0.0, 0.0
	if el > 0 {
		rate = float64(n) / el.Seconds()
		rowRate = float64(rows) / el.Seconds()
	}
	eta := "?"
	etaD, known := p.smoothedETA(n, p.now())
	if known {
		eta = etaD.String()
	}
	phaseText := ""
	ph := p.current()
	if ph != nil {
		phaseText = fmt.Sprintf("%s %d/%d, ", ph.label, ph.done.Load(), ph.total)
	}
	b := p.wr.api.c.Pacer().Budget()
	if p.log != nil {
		attrs := []any{"rows", rows, "rows_total", p.rows, "rows_per_s", round1(rowRate),
			"writes_done", n, "writes_total", p.total, "requests_left", b.Remaining, "writes_per_s", round1(rate)}
		if ph != nil {
			attrs = append(attrs, "phase", ph.label, "phase_done", ph.done.Load(), "phase_total", ph.total)
		}
		if known {
			// Left out while unknown rather than a made-up number.
			attrs = append(attrs, "eta_s", int64(etaD.Seconds()))
		}
		p.log.Info("progress", attrs...)
		return
	}
	s := fmt.Sprintf("%srows %d/%d, writes %d/%d (%.1f/s), %d requests left in this window, ETA %s",
		phaseText, rows, p.rows, n, p.total, rate, b.Remaining, eta)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K%s", s)
	} else {
		fmt.Fprintln(p.w, "capsule-etl:", s)
	}
}

// tally counts the outcome of every op per entity.
func tally(ops []*planOp, dry bool) ([]EntityCounts, Counts) {
	by := map[string]*Counts{}
	var total Counts
	for _, o := range ops {
		c := by[o.kind.label]
		if c == nil {
			c = &Counts{}
			by[o.kind.label] = c
		}
		for _, x := range []*Counts{c, &total} {
			x.add(o, dry)
		}
	}
	var out []EntityCounts
	for l, c := range by {
		out = append(out, EntityCounts{Entity: l, Counts: *c})
	}
	sort.Slice(out, func(a, b int) bool {
		ka, kb := kindByLabel(out[a].Entity), kindByLabel(out[b].Entity)
		if ka.rank != kb.rank {
			return ka.rank < kb.rank
		}
		return out[a].Entity < out[b].Entity
	})
	return out, total
}

func (c *Counts) add(o *planOp, dry bool) {
	switch {
	case o.action == journal.Reject || o.state == journal.Failed || o.failedDep() != nil:
		c.Rejected++
	case o.action == journal.Skip:
		c.Skipped++
	case o.action == journal.NoChange && o.targetOp != nil:
		c.Reused++
	case o.action == journal.NoChange:
		c.Unchanged++
	case dry || o.state == journal.Done:
		if o.action == journal.Create {
			c.Created++
		} else {
			c.Updated++
		}
	case o.state == journal.Sending:
		c.InDoubt++
	default:
		c.Pending++
	}
}

// WriteSummary prints the result per entity.
func WriteSummary(w io.Writer, r *Result) {
	verb := ""
	if r.DryRun {
		verb = " (dry run: planned, nothing written)"
	}
	fmt.Fprintf(w, "summary%s: %s\n", verb, plural(r.Rows, "row"))
	for _, e := range r.Entities {
		fmt.Fprintf(w, "  %-14s %s\n", e.Entity, e.Counts.String())
	}
	writeRejections(w, r.Rejections)
	writeWarnings(w, r.Warnings, r.WarnedRows)
	fmt.Fprintf(w, "  requests: %d, time: %s\n", r.Requests, r.Elapsed.Round(time.Millisecond))
	if r.ErrorsFile != "" {
		fmt.Fprintf(w, "  %s written to %s: fix them there and import that file with the same mapping\n", plural(r.RejectedRows, "rejected row"), r.ErrorsFile)
	}
}

func (c Counts) String() string {
	parts := []string{fmt.Sprintf("created %d", c.Created), fmt.Sprintf("updated %d", c.Updated),
		fmt.Sprintf("unchanged %d", c.Unchanged), fmt.Sprintf("skipped %d", c.Skipped), fmt.Sprintf("rejected %d", c.Rejected)}
	if c.Reused > 0 {
		parts = append(parts, fmt.Sprintf("reused %d", c.Reused))
	}
	if c.InDoubt > 0 {
		parts = append(parts, fmt.Sprintf("in doubt %d", c.InDoubt))
	}
	if c.Pending > 0 {
		parts = append(parts, fmt.Sprintf("not sent %d", c.Pending))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
