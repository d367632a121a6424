package journal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Account identifies the Capsule account a run writes to. Only BaseURL and
// UserID are stored. Token is accepted so callers can pass what they hold,
// but it is never written: when UserID is empty its SHA-256 stands in for
// the identity, and any argument containing it is redacted.
type Account struct {
	BaseURL string
	UserID  string
	Token   string
}

// key is the stored identity of the account: a hash, never the token.
func (a Account) key() string {
	return hashParts("account", strings.TrimRight(a.BaseURL, "/"), a.storedUser())
}

func (a Account) storedUser() string {
	if a.UserID != "" || a.Token == "" {
		return a.UserID
	}
	return "token-sha256:" + hashParts("token", a.Token)[:16]
}

// RunSpec describes the run a caller is about to start or resume.
// InputHash and MappingHash are content hashes (see HashFiles, HashBytes):
// the same files and mapping against the same account resume the same run.
type RunSpec struct {
	InputHash   string
	MappingHash string
	Account     Account
	Args        []string // command line, for `runs show`; secrets are redacted
}

// Status of a run.
type Status string

const (
	StatusRunning   Status = "running"
	StatusFinished  Status = "finished"
	StatusAbandoned Status = "abandoned"
)

// RunInfo is a stored run as `runs list|show` prints it.
type RunInfo struct {
	ID          int64
	Fingerprint string
	InputHash   string
	MappingHash string
	BaseURL     string
	UserID      string
	Args        []string
	Status      Status
	Marker      string // unique per run; Op.Marker derives from it
	Started     time.Time
	Finished    time.Time // zero while running
	Requests    int64     // Capsule requests spent, reads included
}

// Run is a handle on the running run; its methods record operations.
type Run struct {
	RunInfo
	Resumed   bool // true when BeginRun picked up an unfinished run
	j         *Journal
	accountID int64
}

// UnfinishedRunError refuses a run while another one, with a different
// input, mapping or account, is unfinished in the same journal: resuming it
// with different data would lose track of what it already wrote.
type UnfinishedRunError struct {
	RunID          int64
	Started        time.Time
	InputChanged   bool
	MappingChanged bool
	AccountChanged bool
	Hint           string
}

func (e *UnfinishedRunError) Error() string {
	var what []string
	if e.InputChanged {
		what = append(what, "input files")
	}
	if e.MappingChanged {
		what = append(what, "mapping")
	}
	if e.AccountChanged {
		what = append(what, "account")
	}
	return fmt.Sprintf("run %d (started %s) is unfinished and the %s changed since: %s",
		e.RunID, e.Started.Format(time.RFC3339), strings.Join(what, " and "), e.Hint)
}

// IncompleteRunError refuses FinishRun while operations are not settled.
type IncompleteRunError struct {
	RunID   int64
	Pending int
	InDoubt int
}

func (e *IncompleteRunError) Error() string {
	return fmt.Sprintf("run %d cannot finish: %d operations pending and %d in doubt (sending); "+
		"reconcile and send them first", e.RunID, e.Pending, e.InDoubt)
}

// ErrNotFound is returned for an unknown run or operation.
var ErrNotFound = errors.New("not found")

// ErrRunClosed refuses changes to a finished or abandoned run.
var ErrRunClosed = errors.New("run is closed")

// BeginRun resumes the unfinished run with the same fingerprint, or starts a
// new one. An unfinished run with another fingerprint is refused with
// *UnfinishedRunError; AbandonRun is the way past it.
func (j *Journal) BeginRun(ctx context.Context, spec RunSpec) (*Run, error) {
	if spec.InputHash == "" {
		return nil, errors.New("beginning run: RunSpec.InputHash is empty")
	}
	fp := Fingerprint(spec)
	args, err := json.Marshal(redact(spec.Args, spec.Account.Token))
	if err != nil {
		return nil, err
	}
	var run *Run
	err = j.write(ctx, func(tx *sql.Tx) error {
		accID, err := ensureAccount(ctx, tx, spec.Account)
		if err != nil {
			return err
		}
		open, err := scanRuns(tx.QueryContext(ctx, runSelect+` WHERE r.status = ? ORDER BY r.id`, StatusRunning))
		if err != nil {
			return err
		}
		for _, o := range open {
			if o.Fingerprint == fp {
				run = &Run{RunInfo: o, Resumed: true, j: j, accountID: accID}
				return nil
			}
		}
		if len(open) > 0 {
			o := open[0]
			return &UnfinishedRunError{
				RunID: o.ID, Started: o.Started,
				InputChanged:   o.InputHash != spec.InputHash,
				MappingChanged: o.MappingHash != spec.MappingHash,
				AccountChanged: o.BaseURL != strings.TrimRight(spec.Account.BaseURL, "/") || o.UserID != spec.Account.storedUser(),
				Hint: fmt.Sprintf("finish it by running the same command with the original input and mapping, "+
					"or start fresh with --abandon (what run %d already wrote stays listed in "+
					"`capsule-etl runs show %d` and can be rolled back)", o.ID, o.ID),
			}
		}
		marker, err := newMarker()
		if err != nil {
			return err
		}
		now := j.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO runs(fingerprint, input_hash, mapping_hash, account_id, args,
			status, marker, started) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			fp, spec.InputHash, spec.MappingHash, accID, string(args), StatusRunning, marker, now)
		if err != nil {
			return fmt.Errorf("beginning run: %w", err)
		}
		id, _ := res.LastInsertId()
		run = &Run{j: j, accountID: accID, RunInfo: RunInfo{
			ID: id, Fingerprint: fp, InputHash: spec.InputHash, MappingHash: spec.MappingHash,
			BaseURL: strings.TrimRight(spec.Account.BaseURL, "/"), UserID: spec.Account.storedUser(),
			Args: redact(spec.Args, spec.Account.Token), Status: StatusRunning, Marker: marker,
			Started: fromStamp(now),
		}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// Fingerprint identifies a run: input and mapping content and the account.
func Fingerprint(spec RunSpec) string {
	return hashParts("run", spec.InputHash, spec.MappingHash, spec.Account.key())
}

func ensureAccount(ctx context.Context, tx *sql.Tx, a Account) (int64, error) {
	key := a.key()
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts(key, base_url, user_id) VALUES (?, ?, ?)
		ON CONFLICT(key) DO NOTHING`, key, strings.TrimRight(a.BaseURL, "/"), a.storedUser())
	if err != nil {
		return 0, fmt.Errorf("recording account: %w", err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE key = ?`, key).Scan(&id)
	return id, err
}

// Finish marks the run finished. It refuses with *IncompleteRunError
// while operations are pending or in doubt; failed ones are final for a run.
func (r *Run) Finish(ctx context.Context) error {
	return r.j.write(ctx, func(tx *sql.Tx) error {
		var pending, sending int
		err := tx.QueryRowContext(ctx, `SELECT
			coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'sending'), 0)
			FROM ops WHERE run_id = ?`, r.ID).Scan(&pending, &sending)
		if err != nil {
			return err
		}
		if pending+sending > 0 {
			return &IncompleteRunError{RunID: r.ID, Pending: pending, InDoubt: sending}
		}
		now := r.j.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, finished = ? WHERE id = ?`,
			StatusFinished, now, r.ID); err != nil {
			return err
		}
		r.Status, r.Finished = StatusFinished, fromStamp(now)
		return nil
	})
}

// AbandonRun gives up an unfinished run so that another can start. Its
// operations stay recorded: in-doubt ones may exist in Capsule, and
// Manifest still lists what it created for a rollback.
func (j *Journal) AbandonRun(ctx context.Context, id int64) error {
	return j.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, finished = ? WHERE id = ? AND status = ?`,
			StatusAbandoned, j.stamp(), id, StatusRunning)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("abandoning run %d: no unfinished run with that id: %w", id, ErrNotFound)
		}
		return nil
	})
}

// ListRuns returns every run, newest first.
func (j *Journal) ListRuns(ctx context.Context) ([]RunInfo, error) {
	return scanRuns(j.r.QueryContext(ctx, runSelect+` ORDER BY r.id DESC`))
}

// GetRun returns one run, or an error wrapping ErrNotFound.
func (j *Journal) GetRun(ctx context.Context, id int64) (RunInfo, error) {
	runs, err := scanRuns(j.r.QueryContext(ctx, runSelect+` WHERE r.id = ?`, id))
	if err != nil {
		return RunInfo{}, err
	}
	if len(runs) == 0 {
		return RunInfo{}, fmt.Errorf("run %d: %w (see `capsule-etl runs list`)", id, ErrNotFound)
	}
	return runs[0], nil
}

// AddRequests counts n Capsule requests (reads, reconciliation lookups)
// against the run; MarkSending counts writes itself.
func (r *Run) AddRequests(ctx context.Context, n int) error {
	return r.j.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE runs SET requests = requests + ? WHERE id = ?`, n, r.ID)
		return err
	})
}

const runSelect = `SELECT r.id, r.fingerprint, r.input_hash, r.mapping_hash, a.base_url, a.user_id, r.args,
	r.status, r.marker, r.started, r.finished, r.requests FROM runs r JOIN accounts a ON a.id = r.account_id`

func scanRuns(rows *sql.Rows, err error) ([]RunInfo, error) {
	if err != nil {
		return nil, fmt.Errorf("reading runs: %w", err)
	}
	defer rows.Close()
	var out []RunInfo
	for rows.Next() {
		var ri RunInfo
		var args string
		var started, finished int64
		if err := rows.Scan(&ri.ID, &ri.Fingerprint, &ri.InputHash, &ri.MappingHash, &ri.BaseURL, &ri.UserID,
			&args, &ri.Status, &ri.Marker, &started, &finished, &ri.Requests); err != nil {
			return nil, fmt.Errorf("reading runs: %w", err)
		}
		if err := json.Unmarshal([]byte(args), &ri.Args); err != nil {
			return nil, fmt.Errorf("reading run %d arguments: %w", ri.ID, err)
		}
		ri.Started, ri.Finished = fromStamp(started), fromStamp(finished)
		out = append(out, ri)
	}
	return out, rows.Err()
}

func newMarker() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("making run marker: %w", err)
	}
	return "cetl-" + hex.EncodeToString(b[:]), nil
}

func hashParts(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// redact blanks the token wherever it appears and the value of any flag
// whose name suggests a secret, so `runs show` can print arguments safely.
func redact(args []string, token string) []string {
	out := make([]string, len(args))
	secretNext := false
	for i, a := range args {
		switch {
		case secretNext:
			a = "[redacted]"
			secretNext = false
		case strings.HasPrefix(a, "-") && secretFlag(a):
			if k, _, ok := strings.Cut(a, "="); ok {
				a = k + "=[redacted]"
			} else {
				secretNext = true
			}
		}
		if token != "" {
			a = strings.ReplaceAll(a, token, "[redacted]")
		}
		out[i] = a
	}
	return out
}

func secretFlag(a string) bool {
	name, _, _ := strings.Cut(strings.ToLower(strings.TrimLeft(a, "-")), "=")
	for _, s := range []string{"token", "secret", "password", "key"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}
