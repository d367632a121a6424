package rollback

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// Outcome of one step.
type Outcome string

const (
	Deleted     Outcome = "deleted"      // the record was deleted (or its deletion queued, 202)
	AlreadyGone Outcome = "already gone" // 404: deleted before, by us or someone else
	Restored    Outcome = "restored"     // the previous values were put back
	Unchanged   Outcome = "unchanged"    // the record already had its previous values
	Gone        Outcome = "gone"         // restore target no longer exists
	Failed      Outcome = "failed"       // Capsule refused (4xx); see Failure
)

// Failure is a step Capsule refused.
type Failure struct {
	Step    Step
	Message string
}

// Result summarises Execute.
type Result struct {
	RunID         int64 // the run rolled back
	RollbackRunID int64 // the journal run recording this rollback (0 when nothing was to do)
	AlreadyDone   bool  // an earlier rollback had undone everything: nothing was sent
	Counts        map[Outcome]int
	Failures      []Failure
	InDoubt       []journal.ManifestItem // import writes left in doubt: not rolled back
	Unknown       []journal.ManifestItem
}

// AccountError refuses a rollback through a client of another account.
type AccountError struct {
	RunID               int64
	RunBaseURL, BaseURL string
	RunUserID, UserID   string
}

func (e *AccountError) Error() string {
	if e.RunBaseURL != e.BaseURL {
		return fmt.Sprintf("run %d wrote to %s, not %s: use --base-url %s and that account's token",
			e.RunID, e.RunBaseURL, e.BaseURL, e.RunBaseURL)
	}
	return fmt.Sprintf("run %d wrote as Capsule user %s, but the token is user %s's: use the token of the account the run wrote to",
		e.RunID, e.RunUserID, e.UserID)
}

// Option configures Execute.
type Option func(*config)

type config struct {
	userID   string
	args     []string
	progress func(Step, Outcome)
}

// WithUserID is the Capsule user id of the client's token, checked against
// the run's account and recorded with the rollback run.
func WithUserID(id string) Option { return func(c *config) { c.userID = id } }

// WithArgs records the command line with the rollback run.
func WithArgs(args []string) Option { return func(c *config) { c.args = args } }

// WithProgress is called after each step.
func WithProgress(f func(Step, Outcome)) Option { return func(c *config) { c.progress = f } }

// Execute rolls back run runID through c and records progress in j (opened
// with the lock). See the package documentation for order and refusals.
func Execute(ctx context.Context, j *journal.Journal, c *capsule.Client, runID int64, opts ...Option) (*Result, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	plan, err := NewPlan(ctx, j, runID)
	if err != nil {
		return nil, err
	}
	if plan.Run.Status == journal.StatusRunning {
		return nil, &UnfinishedError{RunID: runID}
	}
	base := strings.TrimRight(c.BaseURL().String(), "/")
	if ae := checkAccount(plan.Run, base, cfg.userID); ae != nil {
		return nil, ae
	}
	res := &Result{RunID: runID, Counts: map[Outcome]int{}, InDoubt: plan.InDoubt, Unknown: plan.Unknown}
	steps := plan.Steps()
	if len(steps) == 0 {
		res.AlreadyDone = plan.Done > 0
		return res, nil
	}
	input, mapping := rollbackSpec(runID)
	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: input, MappingHash: mapping,
		Account: journal.Account{BaseURL: base, UserID: cfg.userID}, Args: cfg.args})
	if err != nil {
		return nil, err
	}
	res.RollbackRunID = run.ID
	ops, err := run.AddOps(ctx, opSpecs(runID, steps)...)
	if err != nil {
		return res, err
	}
	w := &worker{run: run, c: c, res: res, progress: cfg.progress}
	for i, s := range steps {
		c.Pacer().SetPending(len(steps) - i)
		if err := w.do(ctx, s, ops[i]); err != nil {
			return res, err
		}
	}
	if err := run.Finish(ctx); err != nil {
		return res, err
	}
	return res, nil
}

func checkAccount(ri journal.RunInfo, base, userID string) *AccountError {
	e := &AccountError{RunID: ri.ID, RunBaseURL: strings.TrimRight(ri.BaseURL, "/"), BaseURL: base,
		RunUserID: ri.UserID, UserID: userID}
	if e.RunBaseURL != base {
		return e
	}
	// A run without a user id stored a token hash instead: the base URL is
	// all that can be compared.
	if userID != "" && ri.UserID != "" && !strings.HasPrefix(ri.UserID, "token-sha256:") && ri.UserID != userID {
		return e
	}
	return nil
}

// opSpecs keys each undo op by the import op it undoes (Row = its op id),
// which is how undoneItems recognises it later.
func opSpecs(runID int64, steps []Step) []journal.OpSpec {
	out := make([]journal.OpSpec, len(steps))
	for i, s := range steps {
		out[i] = journal.OpSpec{
			Key:    journal.Key{File: fmt.Sprintf("run %d", runID), Row: s.OpID, Record: s.Key.Record},
			Entity: s.Entity, Action: s.Action,
		}
	}
	return out
}

type worker struct {
	run      *journal.Run
	c        *capsule.Client
	res      *Result
	progress func(Step, Outcome)
}

func (w *worker) do(ctx context.Context, s Step, op journal.Op) error {
	switch op.State {
	case journal.Done, journal.Failed:
		return nil // settled by an interrupted earlier attempt of this rollback
	case journal.Sending:
		// Deletes and restores are idempotent: sending again is safe.
		if err := w.run.MarkPending(ctx, op.ID); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	method := http.MethodDelete
	if s.Action == journal.Update {
		method = http.MethodPut
	}
	if err := w.run.MarkSending(ctx, op.ID, journal.Request{Method: method, Path: s.Path}); err != nil {
		return err
	}
	var out Outcome
	var err error
	if s.Action == journal.Update {
		out, err = restore(ctx, w.c, s)
	} else {
		out, err = remove(ctx, w.c, s)
	}
	var er *capsule.ErrorResponse
	var rl *capsule.RateLimitError
	// Capsule answered: record it even if the user pressed Ctrl-C meanwhile,
	// so the resumed rollback does not send it again.
	mctx := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if err := w.run.MarkDone(mctx, op.ID, s.CapsuleID); err != nil {
			return err
		}
		if s.Action == journal.DeleteItem {
			if err := w.forget(mctx, s); err != nil {
				return err
			}
		}
	case ctx.Err() != nil:
		return ctx.Err() // left in sending: the next attempt sends it again
	case errors.As(err, &rl):
		if perr := w.run.MarkPending(ctx, op.ID); perr != nil {
			return perr
		}
		return fmt.Errorf("%s: %w (run the rollback again after the reset)", s, err)
	case errors.As(err, &er) && er.StatusCode() >= 400 && er.StatusCode() < 500:
		msg := er.Error()
		if ferr := w.run.MarkFailed(ctx, op.ID, msg); ferr != nil {
			return ferr
		}
		out = Failed
		w.res.Failures = append(w.res.Failures, Failure{Step: s, Message: msg})
	default:
		return fmt.Errorf("%s: %w (run the rollback again to retry)", s, err)
	}
	w.res.Counts[out]++
	if w.progress != nil {
		w.progress(s, out)
	}
	return nil
}

// forget drops the source key → id memory of a deleted record, so a later
// import creates it again instead of updating an id that is gone.
func (w *worker) forget(ctx context.Context, s Step) error {
	if s.Key.SourceKey == "" {
		return nil
	}
	m := w.run.Memory()
	id, ok, err := m.Lookup(ctx, s.Entity, s.Key.SourceKey)
	if err != nil || !ok || id != s.CapsuleID {
		return err
	}
	return m.Forget(ctx, s.Entity, s.Key.SourceKey)
}

func remove(ctx context.Context, c *capsule.Client, s Step) (Outcome, error) {
	req, err := c.NewRequest(ctx, http.MethodDelete, s.Path, nil)
	if err != nil {
		return "", err
	}
	_, err = c.Do(ctx, req, nil)
	var er *capsule.ErrorResponse
	var ae *capsule.AcceptedError
	switch {
	case err == nil, errors.As(err, &ae):
		return Deleted, nil
	case errors.As(err, &er) && er.StatusCode() == http.StatusNotFound:
		return AlreadyGone, nil
	}
	return "", err
}
