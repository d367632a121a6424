package listen

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
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

// initTables adds what a table output keeps: the keys written, and the
// Parquet changes waiting for their part.
func (s *store) initTables(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS written (output TEXT NOT NULL, k TEXT NOT NULL, PRIMARY KEY (output, k)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, output TEXT NOT NULL, entity TEXT NOT NULL, change BLOB NOT NULL)`)
	return err
}

func (s *store) seenKeys(ctx context.Context, output string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT k FROM written WHERE output = ?`, output)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func insertKeys(ctx context.Context, tx *sql.Tx, output string, keys []string) error {
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO written (output, k) VALUES (?, ?)`, output, k); err != nil {
			return err
		}
	}
	return nil
}

// addWritten records CSV rows made durable: their keys and the file's new
// length, together.
func (s *store) addWritten(ctx context.Context, output string, keys []string, path string, size int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertKeys(ctx, tx, output, keys); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, "size:"+path, strconv.FormatInt(size, 10))
		return err
	})
}

func (s *store) size(ctx context.Context, path string) (int64, bool, error) {
	v, ok, err := s.get(ctx, "size:"+path)
	if err != nil || !ok {
		return 0, false, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil, err
}

func (s *store) setSize(ctx context.Context, path string, size int64) error {
	return s.set(ctx, "size:"+path, strconv.FormatInt(size, 10))
}

// addPending keeps Parquet changes (and their keys) until their part is
// written.
func (s *store) addPending(ctx context.Context, output string, keys []string, byEntity map[string][]Change) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertKeys(ctx, tx, output, keys); err != nil {
			return err
		}
		for e, cs := range byEntity {
			for i := range cs {
				b, err := json.Marshal(&cs[i])
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO pending (output, entity, change) VALUES (?, ?, ?)`, output, e, b); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (s *store) pendingCounts(ctx context.Context, output string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT entity, count(*) FROM pending WHERE output = ? GROUP BY entity`, output)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var e string
		var n int
		if err := rows.Scan(&e, &n); err != nil {
			return nil, err
		}
		out[e] = n
	}
	return out, rows.Err()
}

func (s *store) pending(ctx context.Context, output, entity string) ([]int64, []Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, change FROM pending WHERE output = ? AND entity = ? ORDER BY seq`, output, entity)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var seqs []int64
	var cs []Change
	for rows.Next() {
		var seq int64
		var b []byte
		if err := rows.Scan(&seq, &b); err != nil {
			return nil, nil, err
		}
		var c Change
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, nil, fmt.Errorf("pending change %d: %w", seq, err)
		}
		seqs = append(seqs, seq)
		cs = append(cs, c)
	}
	return seqs, cs, rows.Err()
}

func (s *store) part(ctx context.Context, output, entity string) (int, error) {
	v, ok, err := s.get(ctx, "part:"+output+":"+entity)
	if err != nil || !ok {
		return 1, err
	}
	return strconv.Atoi(v)
}

// partDone drops the changes a written part holds and moves the part
// number on.
func (s *store) partDone(ctx context.Context, output, entity string, lastSeq int64, next int) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pending WHERE output = ? AND entity = ? AND seq <= ?`, output, entity, lastSeq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, "part:"+output+":"+entity, strconv.Itoa(next))
		return err
	})
}
