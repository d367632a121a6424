package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver: keeps the binary static (CGO_ENABLED=0)
)

// DefaultBusyTimeout is how long a statement waits for another connection's
// lock before failing with SQLITE_BUSY. Long enough to ride out a checkpoint
// or a reader on a slow disk, short enough that a second capsule-etl process
// on the same file fails visibly instead of hanging.
const DefaultBusyTimeout = 5 * time.Second

// DefaultReaders is the size of the read-only connection pool.
const DefaultReaders = 4

// Journal is an open journal file. It is safe for concurrent use: every
// write goes through one connection (SQLite allows one writer; serialising
// in the pool avoids SQLITE_BUSY between our own goroutines), reads use a
// separate read-only pool and see the last committed state (WAL).
type Journal struct {
	path   string
	w      *sql.DB  // exactly one connection, BEGIN IMMEDIATE
	r      *sql.DB  // read-only connections
	ws, rs *stmts   // prepared statements of w and r
	lock   *os.File // holds the process lock; nil WithoutLock
	now    func() time.Time
}

// Option configures Open.
type Option func(*config)

type config struct {
	busy    time.Duration
	readers int
	now     func() time.Time
	sync    string
	nolock  bool
}

// LockedError reports a journal already opened by another process (or
// another Open in this one). Two writers on one journal would both resume
// the same run and send the same writes.
type LockedError struct{ Path string }

func (e *LockedError) Error() string {
	return "journal " + e.Path + " is in use by another capsule-etl process: wait for it to finish, " +
		"or choose another file with --journal"
}

var errLocked = errors.New("locked")

// WithoutLock opens the journal without taking the process lock, for
// read-only inspection (`runs list`, `runs show`) while an import runs.
// Never write through such a Journal.
func WithoutLock() Option { return func(c *config) { c.nolock = true } }

// WithClock injects the clock used for timestamps (tests).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithUnsafeNoSync sets synchronous=NORMAL instead of FULL. With WAL and
// NORMAL a commit survives a process crash but not a power cut or kernel
// panic, which breaks the no-duplicate guarantee (a lost `sending` mark
// means a blind resend). Only benchmarks and throwaway dry runs may use it.
func WithUnsafeNoSync() Option { return func(c *config) { c.sync = "NORMAL" } }

// Open opens or creates the journal at path (created 0600; an existing file
// is tightened to 0600 because it holds account data). A file written by a
// newer capsule-etl is refused with *SchemaVersionError.
func Open(ctx context.Context, path string, opts ...Option) (*Journal, error) {
	cfg := config{busy: DefaultBusyTimeout, readers: DefaultReaders, now: time.Now, sync: "FULL"}
	for _, o := range opts {
		o(&cfg)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	lock, err := createPrivate(abs)
	if err != nil {
		return nil, err
	}
	if cfg.nolock {
		lock.Close()
		lock = nil
	} else if err := lockFile(lock); err != nil {
		lock.Close()
		if errors.Is(err, errLocked) {
			return nil, &LockedError{Path: abs}
		}
		return nil, fmt.Errorf("locking journal %s: %w", abs, err)
	}
	j := &Journal{path: abs, now: cfg.now, lock: lock}
	// SQLite creates the -wal and -shm files with the database file's mode,
	// so creating the main file 0600 first keeps all three private.
	j.w, err = sql.Open("sqlite", dsn(abs, cfg, false))
	if err != nil {
		j.unlock()
		return nil, fmt.Errorf("journal %s: %w", abs, err)
	}
	j.w.SetMaxOpenConns(1)
	j.w.SetConnMaxIdleTime(0)
	j.w.SetConnMaxLifetime(0)
	if err := migrate(ctx, j.w, abs); err != nil {
		j.w.Close()
		j.unlock()
		return nil, err
	}
	// Reconciliation asks whether a Capsule id is already another create's
	// (Run.CreatedByOther); without this index that is a scan of every op.
	// An extra index changes nothing for older readers, so it needs no new
	// schema version.
	if _, err := j.w.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS ops_done_capsule_id
		ON ops(entity, capsule_id) WHERE state = 'done'`); err != nil {
		j.w.Close()
		j.unlock()
		return nil, fmt.Errorf("journal %s: %w", abs, err)
	}
	j.r, err = sql.Open("sqlite", dsn(abs, cfg, true))
	if err != nil {
		j.w.Close()
		j.unlock()
		return nil, fmt.Errorf("journal %s: %w", abs, err)
	}
	j.r.SetMaxOpenConns(cfg.readers)
	j.r.SetMaxIdleConns(cfg.readers)
	j.ws, j.rs = newStmts(j.w), newStmts(j.r)
	if err := j.ws.warm(ctx, hotWrites()...); err != nil {
		j.Close()
		return nil, fmt.Errorf("journal %s: %w", abs, err)
	}
	return j, nil
}

// createPrivate creates the file 0600 (or tightens it) and returns it open:
// the handle carries the process lock.
func createPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		if st, serr := os.Stat(path); serr == nil && st.IsDir() {
			return nil, fmt.Errorf("journal %s is a directory: give a file name", path)
		}
		return nil, fmt.Errorf("creating journal %s: %w (choose another place with --journal)", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("restricting journal %s to 0600: %w", path, err)
		}
	}
	return f, nil
}

func (j *Journal) unlock() {
	if j.lock != nil {
		j.lock.Close()
		j.lock = nil
	}
}

func dsn(path string, cfg config, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(cfg.busy.Milliseconds()))
	q.Set("_foreign_keys", "1")
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		// WAL: readers never block the writer and a commit is one append
		// (plus one fsync with synchronous=FULL) instead of a rollback
		// journal's several. IMMEDIATE takes the write lock at BEGIN so a
		// transaction never fails half-way on a lock upgrade.
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", cfg.sync)
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	return u.String()
}

// Path is the absolute path of the journal file.
func (j *Journal) Path() string { return j.path }

// Close checkpoints the WAL into the main file and closes the journal.
func (j *Journal) Close() error {
	j.ws.close()
	j.rs.close()
	// A failed checkpoint loses nothing (the WAL is replayed on the next
	// open), so its error is not the caller's concern.
	j.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	err := errors.Join(j.r.Close(), j.w.Close())
	j.unlock()
	return err
}

// Check runs SQLite's integrity check and returns an error describing the
// first problems if the file is damaged.
func (j *Journal) Check(ctx context.Context) error {
	rows, err := j.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("checking journal %s: %w", j.path, err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			msgs = append(msgs, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(msgs) > 0 {
		return fmt.Errorf("journal %s is damaged: %v", j.path, msgs)
	}
	return nil
}

// write runs fn in one write transaction (BEGIN IMMEDIATE). With
// synchronous=FULL the commit is on disk when write returns.
func (j *Journal) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := j.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("journal %s: commit: %w", j.path, err)
	}
	return nil
}

func (j *Journal) stamp() int64 { return j.now().UnixNano() }

// toStamp stores times as Unix nanoseconds (sortable integers); the zero
// time is stored as 0.
func toStamp(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromStamp(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
