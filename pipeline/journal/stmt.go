package journal

import (
	"context"
	"database/sql"
	"sync"
)

// stmts caches prepared statements per pool. Parsing and planning a
// statement costs about as much as running it in the pure-Go SQLite, and
// the hot paths (marks, lookups) run the same few statements millions of
// times.
type stmts struct {
	mu sync.Mutex
	db *sql.DB
	m  map[string]*sql.Stmt
}

func newStmts(db *sql.DB) *stmts { return &stmts{db: db, m: map[string]*sql.Stmt{}} }

// get returns the prepared statement for q, preparing it on first use. The
// lock is not held while preparing: that needs a connection, which a
// caller holding another statement's rows may be waiting to give back.
func (s *stmts) get(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.cached(q); ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[q]; ok {
		st.Close()
		return old, nil
	}
	s.m[q] = st
	return st, nil
}

func (s *stmts) cached(q string) (*sql.Stmt, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[q]
	return st, ok
}

// warm prepares qs now. The write pool has a single connection, which a
// transaction holds: statements used inside one must be prepared before.
func (s *stmts) warm(ctx context.Context, qs ...string) error {
	for _, q := range qs {
		if _, err := s.get(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (s *stmts) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.m {
		st.Close()
	}
	clear(s.m)
}

// exec runs q inside the write transaction tx, prepared if it was warmed
// at Open (see hotWrites). It never prepares here: the transaction holds
// the only write connection.
func (j *Journal) exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st, ok := j.ws.cached(q); ok {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// query runs a cached read-only statement.
func (j *Journal) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := j.rs.get(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a cached read-only statement for one row.
func (j *Journal) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := j.rs.get(ctx, q)
	if err != nil {
		// Surface the preparation error through Row.Scan.
		return j.r.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
