package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// State of an operation. pending → sending → done | failed | pending;
// skipped, unchanged and rejected are decided by the planner and final.
type State string

const (
	Pending   State = "pending"   // planned, nothing sent
	Sending   State = "sending"   // durably marked before the request: in doubt until settled
	Done      State = "done"      // Capsule confirmed; CapsuleID set
	Failed    State = "failed"    // Capsule refused (4xx) or a dependency failed; final for the run
	Skipped   State = "skipped"   // by a mapping rule
	Unchanged State = "unchanged" // matched and nothing to change
	Rejected  State = "rejected"  // invalid row, never sent
)

// Action is what the planner decided for an operation.
type Action string

const (
	Create     Action = "create"
	Update     Action = "update"
	NoChange   Action = "unchanged"
	Skip       Action = "skip"
	Reject     Action = "reject"
	DeleteItem Action = "delete" // e.g. rollback of a creation
)

// initialState is where a freshly planned operation starts.
func (a Action) initialState() (State, error) {
	switch a {
	case Create, Update, DeleteItem:
		return Pending, nil
	case NoChange:
		return Unchanged, nil
	case Skip:
		return Skipped, nil
	case Reject:
		return Rejected, nil
	}
	return "", fmt.Errorf("unknown action %q", a)
}

// Key identifies an operation inside a run: one record of the mapping made
// from one source row. Row is the 1-based row number in File (or sheet);
// SourceKey is the mapping's source key when it has one. Either may be
// zero, not both.
type Key struct {
	File      string
	Row       int64
	SourceKey string
	Record    string // the mapping's record name, e.g. "person" or "employer"
}

func (k Key) String() string {
	s := k.File
	if k.Row > 0 {
		s += ":" + strconv.FormatInt(k.Row, 10)
	}
	if k.SourceKey != "" {
		s += " key " + k.SourceKey
	}
	return s + " " + k.Record
}

// MatchKey is one normalised identifying value, such as {"email",
// "ann@example.com"}, {"phone", "+441234567890"}, {"name", "acme ltd"} or
// {"field:Legacy ID", "A-17"}. The journal compares values exactly: the
// matcher normalises them before they get here.
type MatchKey struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// OpSpec is a planned operation as the planner hands it over.
type OpSpec struct {
	Key        Key
	Entity     string // Capsule entity: "parties", "opportunities", "kases", "entries", ...
	Action     Action
	NaturalKey []MatchKey // how reconciliation finds the record if the response was lost
	Message    string     // reason for reject or skip
}

// Request is the write about to be sent, recorded with MarkSending.
type Request struct {
	Method string
	Path   string
	Body   []byte
	// Previous holds the previous values of the fields an update changes
	// (JSON object), kept for rollback. It is recorded before sending so a
	// crash after Capsule applied the update still leaves it in the manifest.
	Previous json.RawMessage
}

// Op is a stored operation.
type Op struct {
	ID         int64
	RunID      int64
	Key        Key
	Entity     string
	Action     Action
	State      State
	NaturalKey []MatchKey
	Marker     string // unique per operation, e.g. for a tag or note the reconciler can search
	Method     string
	Path       string
	Body       []byte
	BodyHash   string // hex SHA-256 of Body
	Previous   json.RawMessage
	CapsuleID  string
	Message    string // Capsule's message when failed, the reason when rejected/skipped
	Attempts   int    // times marked sending
	Updated    time.Time
}

// Reconcilable reports whether a lost response can be settled by looking the
// record up: updates and deletes are idempotent, creates need a natural key.
func (o Op) Reconcilable() bool {
	return o.Action != Create || len(o.NaturalKey) > 0
}

// TransitionError is a state change the protocol does not allow, such as
// MarkDone on an operation that was never marked sending.
type TransitionError struct {
	OpID int64
	From State
	To   State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("operation %d: cannot go from %s to %s", e.OpID, e.From, e.To)
}

// AddOps records planned operations in one transaction and returns them as
// stored, in the same order. On resume an operation that already exists is
// returned as it is, except that one for which nothing was ever sent
// (pending, or settled by the planner: skipped, unchanged, rejected) takes
// the new plan: re-planning it is safe, and keeping an old "unchanged" for
// a record edited in Capsule since would leave the new write unsent and
// the run unable to finish.
func (r *Run) AddOps(ctx context.Context, specs ...OpSpec) ([]Op, error) {
	out := make([]Op, 0, len(specs))
	err := r.j.write(ctx, func(tx *sql.Tx) error {
		if err := r.checkRunning(ctx, tx); err != nil {
			return fmt.Errorf("adding operations: %w", err)
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO ops(run_id, file, row, source_key, record, entity,
			action, state, natural_key, message, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(run_id, file, row, source_key, record) DO UPDATE SET
			entity = excluded.entity, action = excluded.action, state = excluded.state,
			natural_key = excluded.natural_key, message = excluded.message, updated = excluded.updated
			WHERE ops.state IN ('pending', 'skipped', 'unchanged', 'rejected')`)
		if err != nil {
			return err
		}
		defer ins.Close()
		sel, err := tx.PrepareContext(ctx, opSelect+` WHERE run_id = ? AND file = ? AND row = ?
			AND source_key = ? AND record = ?`)
		if err != nil {
			return err
		}
		defer sel.Close()
		now := r.j.stamp()
		for _, s := range specs {
			if s.Key.Row == 0 && s.Key.SourceKey == "" {
				return fmt.Errorf("adding operation %s: key needs a row number or a source key", s.Key)
			}
			st, err := s.Action.initialState()
			if err != nil {
				return fmt.Errorf("adding operation %s: %w", s.Key, err)
			}
			nk, err := json.Marshal(nonNil(s.NaturalKey))
			if err != nil {
				return err
			}
			if _, err := ins.ExecContext(ctx, r.ID, s.Key.File, s.Key.Row, s.Key.SourceKey, s.Key.Record,
				s.Entity, s.Action, st, string(nk), s.Message, now); err != nil {
				return fmt.Errorf("adding operation %s: %w", s.Key, err)
			}
			op, err := r.scanOp(sel.QueryRowContext(ctx, r.ID, s.Key.File, s.Key.Row, s.Key.SourceKey, s.Key.Record))
			if err != nil {
				return fmt.Errorf("adding operation %s: %w", s.Key, err)
			}
			out = append(out, op)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InDoubt lists the operations left in sending by a crash, kill, timeout or
// 5xx. On resume they must be reconciled before anything else is sent.
func (r *Run) InDoubt(ctx context.Context) ([]Op, error) { return r.Ops(ctx, Sending) }

// Ops lists the run's operations in the given states (all when none), in
// the order they were planned.
func (r *Run) Ops(ctx context.Context, states ...State) ([]Op, error) {
	q, args := opSelect+` WHERE run_id = ?`, []any{r.ID}
	if len(states) > 0 {
		b, _ := json.Marshal(states)
		q += ` AND state IN (SELECT value FROM json_each(?))`
		args = append(args, string(b))
	}
	rows, err := r.j.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing operations of run %d: %w", r.ID, err)
	}
	defer rows.Close()
	var out []Op
	for rows.Next() {
		op, err := r.scanOp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, op)
	}
	return out, rows.Err()
}

// Op returns one operation of the run.
func (r *Run) Op(ctx context.Context, id int64) (Op, error) {
	op, err := r.scanOp(r.j.queryRow(ctx, opSelect+` WHERE id = ? AND run_id = ?`, id, r.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return Op{}, fmt.Errorf("operation %d: %w in run %d", id, ErrNotFound, r.ID)
	}
	return op, err
}

const opSelect = `SELECT id, run_id, file, row, source_key, record, entity, action, state, natural_key,
	method, path, body, body_hash, previous, capsule_id, message, attempts, updated FROM ops`

type scanner interface{ Scan(dest ...any) error }

func (r *Run) scanOp(s scanner) (Op, error) {
	var op Op
	var nk string
	var prev sql.NullString
	var updated int64
	err := s.Scan(&op.ID, &op.RunID, &op.Key.File, &op.Key.Row, &op.Key.SourceKey, &op.Key.Record, &op.Entity,
		&op.Action, &op.State, &nk, &op.Method, &op.Path, &op.Body, &op.BodyHash, &prev, &op.CapsuleID,
		&op.Message, &op.Attempts, &updated)
	if err != nil {
		return Op{}, err
	}
	if err := json.Unmarshal([]byte(nk), &op.NaturalKey); err != nil {
		return Op{}, fmt.Errorf("operation %d natural key: %w", op.ID, err)
	}
	if prev.Valid {
		op.Previous = json.RawMessage(prev.String)
	}
	op.Marker = r.Marker + "-" + strconv.FormatInt(op.ID, 10)
	op.Updated = fromStamp(updated)
	return op, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CreatedByOther reports whether capsuleID (of entity) is the record another
// create of this account already made: done, in any run but not op except.
// Such a record can never be what a create left in doubt stored, however
// alike the two are (two notes with the same text on one person, two people
// of the same name without other keys).
func (r *Run) CreatedByOther(ctx context.Context, entity, capsuleID string, except int64) (bool, error) {
	var n int
	err := r.j.queryRow(ctx, `SELECT count(*) FROM ops JOIN runs ON runs.id = ops.run_id
		WHERE runs.account_id = ? AND ops.entity = ? AND ops.capsule_id = ? AND ops.state = 'done'
		AND ops.action = 'create' AND ops.id != ?`, r.accountID, entity, capsuleID, except).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking up %s %s in the journal: %w", entity, capsuleID, err)
	}
	return n > 0, nil
}
