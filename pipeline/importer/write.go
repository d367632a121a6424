package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// errTooManyErrors stops a run that exceeds --max-errors.
var errTooManyErrors = errors.New("too many rejected rows")

// writer sends the planned writes through the paced client, following the
// write protocol: sending (synced) -> request -> done | failed | in doubt.
type writer struct {
	api       *api
	run       *journal.Run
	batch     *journal.Batch
	rec       *reconciler
	workers   int
	maxErrors int
	// settleDelay is waited once before each in-run reconciliation.
	settleDelay time.Duration
	failed      atomic.Int64
	remaining   atomic.Int64
	done        atomic.Int64
	// rowLeft counts each row's writes not yet settled (by row ordinal);
	// rowsDone the rows with none left, for the progress line.
	rowLeft  []atomic.Int32
	rowsDone atomic.Int64
	mu       sync.Mutex // guards op state shared between workers
	// written holds the records the run wrote, as Capsule answered, by
	// collection (under mu), for the cached index; doubted is set once a
	// write was left in doubt.
	written map[string][]journal.Entry
	doubted atomic.Bool
	// phases are the entities being written, in the order they are
	// written, with their writes to send and settled (progress line).
	phases []*phase
	byKind map[string]*phase
}

// phase counts the writes of one entity.
type phase struct {
	label       string
	total       int
	done        atomic.Int64
	first, last int // levels its writes are on
}

// countRows prepares the per-row and per-entity progress counters.
func (w *writer) countRows(ops []*planOp, rows int) {
	w.rowLeft = make([]atomic.Int32, rows)
	w.byKind = map[string]*phase{}
	for _, o := range ops {
		if o.state == journal.Pending {
			w.rowLeft[o.rowIdx].Add(1)
			ph := w.byKind[o.kind.label]
			if ph == nil {
				ph = &phase{label: o.kind.label, first: o.level, last: o.level}
				w.byKind[o.kind.label] = ph
				w.phases = append(w.phases, ph)
			}
			ph.total++
			ph.first, ph.last = min(ph.first, o.level), max(ph.last, o.level)
		}
	}
	sort.SliceStable(w.phases, func(a, b int) bool {
		if w.phases[a].first != w.phases[b].first {
			return w.phases[a].first < w.phases[b].first
		}
		return w.phases[a].last < w.phases[b].last
	})
	for i := range w.rowLeft {
		if w.rowLeft[i].Load() == 0 {
			w.rowsDone.Add(1)
		}
	}
}

func (w *writer) pending(ops []*planOp) int {
	n := 0
	for _, o := range ops {
		if o.state == journal.Pending {
			n++
		}
	}
	return n
}

// DefaultSettleDelay is the wait before writes left in doubt are looked for
// within a run. On a later run the time since the crash serves instead.
const DefaultSettleDelay = 5 * time.Second

// sleepCtx waits d (nothing when d <= 0) unless ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeAll sends ops level by level. Writes left in doubt are reconciled
// within the level (a few rounds) so dependents can go on.
func (w *writer) writeAll(ctx context.Context, ops []*planOp) error {
	byLevel := map[int][]*planOp{}
	for _, o := range ops {
		if o.state == journal.Pending {
			byLevel[o.level] = append(byLevel[o.level], o)
		}
	}
	w.remaining.Store(int64(w.pending(ops)))
	w.api.c.Pacer().SetPending(int(w.remaining.Load()))
	levels := make([]int, 0, len(byLevel))
	for l := range byLevel {
		levels = append(levels, l)
	}
	sort.Ints(levels)
	for _, l := range levels {
		lvl := byLevel[l]
		for round := 0; ; round++ {
			if err := w.writeLevel(ctx, lvl); err != nil {
				return err
			}
			if err := w.batch.Flush(ctx); err != nil {
				return err
			}
			var doubt []*planOp
			for _, o := range lvl {
				if o.state == journal.Sending {
					doubt = append(doubt, o)
				}
			}
			if len(doubt) == 0 || round == 3 {
				break
			}
			if err := sleepCtx(ctx, w.settleDelay); err != nil {
				return err
			}
			if err := w.rec.settle(ctx, w.run, doubt); err != nil {
				return err
			}
			for _, o := range doubt {
				if o.state == journal.Done {
					w.settled(o)
				}
			}
		}
	}
	return nil
}

// writeLevel sends the pending ops of one level with a few workers; ops
// on the same target stay in order on one worker.
func (w *writer) writeLevel(ctx context.Context, lvl []*planOp) error {
	chains := map[string][]*planOp{}
	var order []string
	for _, o := range lvl {
		if o.state != journal.Pending {
			continue
		}
		k := fmt.Sprint("op", o.seq)
		if o.action == journal.Update {
			if o.targetOp != nil {
				k = fmt.Sprint("planned", o.targetOp.seq)
			} else {
				k = o.kind.label + o.targetID
			}
		}
		if _, ok := chains[k]; !ok {
			order = append(order, k)
		}
		chains[k] = append(chains[k], o)
	}
	work := make(chan []*planOp)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(work)
		for _, k := range order {
			select {
			case work <- chains[k]:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for range max(1, w.workers) {
		g.Go(func() error {
			for chain := range work {
				for _, o := range chain {
					if err := w.send(gctx, o); err != nil {
						return err
					}
					if w.stateOf(o) == journal.Sending {
						// In doubt: the rest of the chain waits for the
						// reconciliation, so updates never overtake it.
						break
					}
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// depState says whether o can be sent: "" yes, else why not.
func depBlocked(o *planOp) (failed *planOp, waiting bool) {
	for _, d := range o.deps {
		switch {
		case d.action == journal.Reject || d.state == journal.Failed:
			return d, false
		case d.resolvedID() == "":
			return nil, true
		}
	}
	return nil, false
}

func (w *writer) send(ctx context.Context, o *planOp) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	bad, waiting := depBlocked(o)
	w.mu.Unlock()
	if bad != nil {
		msg := fmt.Sprintf("depends on row %d (%s) which failed: %s", bad.row, bad.record, firstNonEmpty(bad.message, bad.reason))
		if err := w.batch.Failed(ctx, o.jid, msg); err != nil {
			return err
		}
		w.setState(o, journal.Failed, msg)
		w.settled(o)
		return w.countFailure()
	}
	if waiting {
		return nil // a dependency is in doubt: the next run sends this
	}
	method, path, body, ok := o.request()
	if !ok {
		return nil
	}
	if err := w.run.MarkSending(ctx, o.jid, journal.Request{Method: method, Path: path, Body: body, Previous: o.previous}); err != nil {
		return err
	}
	w.setState(o, journal.Sending, "")
	id, raw, err := w.api.write(ctx, method, path, body, o.kind.wrapper, o.kind.indexed())
	var er *capsule.ErrorResponse
	var rl *capsule.RateLimitError
	switch {
	case err == nil:
		w.mu.Lock()
		o.id = id
		if raw != nil {
			if e, err := entryOf(o.kind.path, raw); err == nil {
				if w.written == nil {
					w.written = map[string][]journal.Entry{}
				}
				w.written[o.kind.path] = append(w.written[o.kind.path], e)
			}
		}
		w.mu.Unlock()
		if err := w.batch.Done(ctx, o.jop, id); err != nil {
			return err
		}
		w.setState(o, journal.Done, "")
		w.settled(o)
		return nil
	case errors.Is(err, capsule.ErrInDoubt):
		// Stays sending: reconciled before it is ever sent again.
		w.doubted.Store(true)
		return ctx.Err()
	case ctx.Err() != nil:
		// Not sent (the client reports anything possibly sent as in doubt).
		w.unsend(o)
		return ctx.Err()
	case errors.As(err, &rl):
		w.unsend(o)
		return fmt.Errorf("Capsule's rate limit stayed exhausted: %w", err)
	case errors.As(err, &er) && er.StatusCode() >= 400 && er.StatusCode() < 500 && er.StatusCode() != 401 && er.StatusCode() != 403:
		msg := capsuleMessage(er, o)
		if err := w.batch.Failed(ctx, o.jid, msg); err != nil {
			return err
		}
		w.setState(o, journal.Failed, msg)
		w.settled(o)
		return w.countFailure()
	default:
		w.unsend(o)
		return fmt.Errorf("writing %s (%s): %w", o.where(), o.record, err)
	}
}

func (w *writer) unsend(o *planOp) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.run.MarkPending(ctx, o.jid); err == nil {
		w.setState(o, journal.Pending, "")
	}
}

func (w *writer) stateOf(o *planOp) journal.State {
	w.mu.Lock()
	defer w.mu.Unlock()
	return o.state
}

func (w *writer) setState(o *planOp, s journal.State, msg string) {
	w.mu.Lock()
	o.state = s
	if msg != "" {
		o.message = msg
	}
	w.mu.Unlock()
}

func (w *writer) settled(o *planOp) {
	w.done.Add(1)
	if ph := w.byKind[o.kind.label]; ph != nil {
		ph.done.Add(1)
	}
	if w.rowLeft != nil && w.rowLeft[o.rowIdx].Add(-1) == 0 {
		w.rowsDone.Add(1)
	}
	w.api.c.Pacer().SetPending(int(w.remaining.Add(-1)))
}

func (w *writer) countFailure() error {
	if n := w.failed.Add(1); w.maxErrors > 0 && n > int64(w.maxErrors) {
		return fmt.Errorf("%w: more than --max-errors %d; fix the rows in the errors file and run again", errTooManyErrors, w.maxErrors)
	}
	return nil
}

// capsuleMessage renders Capsule's refusal with its field errors.
func capsuleMessage(er *capsule.ErrorResponse, o *planOp) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Capsule refused the %s (%d %s)", o.action, er.StatusCode(), er.Message)
	for _, fe := range er.Errors {
		b.WriteString("; " + fe.String())
	}
	if er.StatusCode() == 404 && o.action == journal.Update {
		b.WriteString("; the record was deleted in Capsule: run again to create it afresh")
	}
	return b.String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
