package journal

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// MarkSending records that the request is about to go out. It returns once
// the mark is on disk (synchronous=FULL): only then may the request be sent.
func (r *Run) MarkSending(ctx context.Context, id int64, req Request) error {
	sum := sha256.Sum256(req.Body)
	var prev any
	if len(req.Previous) > 0 {
		prev = string(req.Previous)
	}
	return r.j.write(ctx, func(tx *sql.Tx) error {
		if err := r.transition(ctx, tx, id, Sending, []State{Pending}, setSending,
			req.Method, req.Path, req.Body, hex.EncodeToString(sum[:]), prev); err != nil {
			return err
		}
		_, err := r.j.exec(ctx, tx, sqlCountRequest, r.ID)
		return err
	})
}

// MarkDone records Capsule's confirmation (or a reconciliation that found
// the record) and remembers source key → Capsule id for later runs.
func (r *Run) MarkDone(ctx context.Context, id int64, capsuleID string) error {
	return r.j.write(ctx, func(tx *sql.Tx) error { return r.markDone(ctx, tx, id, capsuleID) })
}

func (r *Run) markDone(ctx context.Context, tx *sql.Tx, id int64, capsuleID string) error {
	if capsuleID == "" {
		return fmt.Errorf("marking operation %d done: empty Capsule id", id)
	}
	if err := r.transition(ctx, tx, id, Done, []State{Sending}, setDone, capsuleID, r.ID); err != nil {
		return err
	}
	_, err := r.j.exec(ctx, tx, sqlRememberOp, r.accountID, id)
	return err
}

// MarkFailed records a refusal (4xx) with Capsule's message, or a pending
// operation that cannot be sent because a dependency failed.
func (r *Run) MarkFailed(ctx context.Context, id int64, msg string) error {
	return r.j.write(ctx, func(tx *sql.Tx) error { return r.markFailed(ctx, tx, id, msg) })
}

func (r *Run) markFailed(ctx context.Context, tx *sql.Tx, id int64, msg string) error {
	return r.transition(ctx, tx, id, Failed, []State{Sending, Pending}, setFailed, msg)
}

// MarkPending puts a sending operation back: after a 429, or when
// reconciliation proved nothing was stored.
func (r *Run) MarkPending(ctx context.Context, id int64) error {
	return r.j.write(ctx, func(tx *sql.Tx) error {
		return r.transition(ctx, tx, id, Pending, []State{Sending}, setPending)
	})
}

// The columns each transition sets besides state; fixed fragments so that
// their statements can be prepared at Open.
const (
	setSending = `method = ?, path = ?, body = ?, body_hash = ?, previous = ?, attempts = attempts + 1, message = ''`
	setDone    = `capsule_id = ?, message = '', seq = (SELECT coalesce(max(seq), 0) + 1 FROM ops WHERE run_id = ?)`
	setFailed  = `message = ?`
	setPending = `message = ''`

	sqlCountRequest = `UPDATE runs SET requests = requests + 1 WHERE id = ?`
	sqlRememberOp   = `INSERT INTO ids(account_id, entity, source_key, capsule_id, run_id)
		SELECT ?, entity, source_key, capsule_id, run_id FROM ops WHERE id = ? AND source_key != '' AND action != 'delete'
		ON CONFLICT(account_id, entity, source_key) DO UPDATE SET capsule_id = excluded.capsule_id, run_id = excluded.run_id`
)

func transitionSQL(set string) string {
	return `UPDATE ops SET state = ?, updated = ?, ` + set + ` WHERE id = ? AND run_id = ? AND state IN (?, ?)
		AND EXISTS (SELECT 1 FROM runs WHERE runs.id = ops.run_id AND runs.status = 'running')`
}

// hotWrites are the statements of the marks, prepared at Open.
func hotWrites() []string {
	return []string{transitionSQL(setSending), transitionSQL(setDone), transitionSQL(setFailed),
		transitionSQL(setPending), sqlCountRequest, sqlRememberOp}
}

// transition moves op id to state to if it is in one of from (at most two),
// setting the extra columns in set with args.
func (r *Run) transition(ctx context.Context, tx *sql.Tx, id int64, to State, from []State, set string, args ...any) error {
	all := append([]any{to, r.j.stamp()}, args...)
	all = append(all, id, r.ID, from[0], from[len(from)-1])
	res, err := r.j.exec(ctx, tx, transitionSQL(set), all...)
	if err != nil {
		return fmt.Errorf("marking operation %d %s: %w", id, to, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if err := r.checkRunning(ctx, tx); err != nil {
		return fmt.Errorf("marking operation %d %s: %w", id, to, err)
	}
	var cur State
	err = tx.QueryRowContext(ctx, `SELECT state FROM ops WHERE id = ? AND run_id = ?`, id, r.ID).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("marking operation %d %s: %w in run %d", id, to, ErrNotFound, r.ID)
	}
	if err != nil {
		return err
	}
	return &TransitionError{OpID: id, From: cur, To: to}
}

// checkRunning refuses changes to a finished or abandoned run.
func (r *Run) checkRunning(ctx context.Context, tx *sql.Tx) error {
	var st Status
	if err := tx.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, r.ID).Scan(&st); err != nil {
		return fmt.Errorf("run %d: %w", r.ID, err)
	}
	if st != StatusRunning {
		return fmt.Errorf("run %d is %s: %w", r.ID, st, ErrRunClosed)
	}
	return nil
}
