package listen

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the same pure-Go driver as pipeline/journal
)

// store is the listener's journal: the secret path, the subscriptions and
// the catch-up cursor. Changes themselves are deduplicated against the
// output file, which is the durable record of what was written.
type store struct{ db *sql.DB }

func openStore(path string) (*store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(5000)")
	db, err := sql.Open("sqlite", "file:"+abs+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hooks (id INTEGER PRIMARY KEY, event TEXT NOT NULL, target_url TEXT NOT NULL)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal %s: %w (is it a capsule-etl listen journal?)", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) Close() error { return s.db.Close() }

func (s *store) get(ctx context.Context, k string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = ?`, k).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (s *store) set(ctx context.Context, k, v string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, k, v)
	return err
}

// secret returns the unguessable path segment, made once per journal.
func (s *store) secret(ctx context.Context) (string, error) {
	v, ok, err := s.get(ctx, "secret")
	if err != nil || ok {
		return v, err
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	v = hex.EncodeToString(b[:])
	return v, s.set(ctx, "secret", v)
}

// cursor is the last instant the listener knew it had every change.
func (s *store) cursor(ctx context.Context) (time.Time, bool, error) {
	v, ok, err := s.get(ctx, "cursor")
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil, err
}

func (s *store) setCursor(ctx context.Context, t time.Time) error {
	return s.set(ctx, "cursor", t.UTC().Format(time.RFC3339Nano))
}

type hookRow struct {
	ID        int64
	Event     string
	TargetURL string
}

func (s *store) hooks(ctx context.Context) ([]hookRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, event, target_url FROM hooks ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hookRow
	for rows.Next() {
		var h hookRow
		if err := rows.Scan(&h.ID, &h.Event, &h.TargetURL); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *store) addHook(ctx context.Context, h hookRow) error {
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO hooks (id, event, target_url) VALUES (?, ?, ?)`, h.ID, h.Event, h.TargetURL)
	return err
}

func (s *store) dropHook(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM hooks WHERE id = ?`, id)
	return err
}
