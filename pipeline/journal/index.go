package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Entry is one existing Capsule record in the matching index.
type Entry struct {
	ID        string
	UpdatedAt time.Time
	Keys      []MatchKey      // normalised by the matcher: emails, E.164 phones, lower-cased names, external ids
	Fields    json.RawMessage // compact JSON of the fields the planner diffs against
}

// UpsertIndex adds or replaces entries of entity (their keys are replaced as
// a whole) in one transaction. It does not move the cursor: set it with
// SetCursor once a listing is complete, or an interrupted full listing
// would leave a cursor past records never fetched.
func (m *Memory) UpsertIndex(ctx context.Context, entity string, entries ...Entry) error {
	return m.j.write(ctx, func(tx *sql.Tx) error {
		up, err := tx.PrepareContext(ctx, `INSERT INTO index_entries(account_id, entity, id, updated_at, fields)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id, entity, id)
			DO UPDATE SET updated_at = excluded.updated_at, fields = excluded.fields`)
		if err != nil {
			return err
		}
		defer up.Close()
		del, err := tx.PrepareContext(ctx, `DELETE FROM index_keys WHERE account_id = ? AND entity = ? AND id = ?`)
		if err != nil {
			return err
		}
		defer del.Close()
		key, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO index_keys(account_id, entity, kind, value, id)
			VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer key.Close()
		for _, e := range entries {
			if e.ID == "" {
				return fmt.Errorf("indexing %s: entry without id", entity)
			}
			fields := string(e.Fields)
			if fields == "" {
				fields = "{}"
			}
			if _, err := up.ExecContext(ctx, m.accountID, entity, e.ID, toStamp(e.UpdatedAt), fields); err != nil {
				return fmt.Errorf("indexing %s %s: %w", entity, e.ID, err)
			}
			if _, err := del.ExecContext(ctx, m.accountID, entity, e.ID); err != nil {
				return fmt.Errorf("indexing %s %s: %w", entity, e.ID, err)
			}
			for _, k := range e.Keys {
				if _, err := key.ExecContext(ctx, m.accountID, entity, k.Kind, k.Value, e.ID); err != nil {
					return fmt.Errorf("indexing %s %s: %w", entity, e.ID, err)
				}
			}
		}
		return nil
	})
}

// DeleteIndex removes records (e.g. from Capsule's deleted feeds).
func (m *Memory) DeleteIndex(ctx context.Context, entity string, ids ...string) error {
	return m.j.write(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			for _, q := range []string{
				`DELETE FROM index_entries WHERE account_id = ? AND entity = ? AND id = ?`,
				`DELETE FROM index_keys WHERE account_id = ? AND entity = ? AND id = ?`,
			} {
				if _, err := tx.ExecContext(ctx, q, m.accountID, entity, id); err != nil {
					return fmt.Errorf("removing %s %s from the index: %w", entity, id, err)
				}
			}
		}
		return nil
	})
}

// ClearIndex drops every entry of entity and its cursor, before a full
// re-listing.
func (m *Memory) ClearIndex(ctx context.Context, entity string) error {
	return m.j.write(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"index_entries", "index_keys", "cursors"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE account_id = ? AND entity = ?`,
				m.accountID, entity); err != nil {
				return fmt.Errorf("clearing the %s index: %w", entity, err)
			}
		}
		return nil
	})
}

// FindIDs returns the ids of every record of entity with the key, sorted;
// more than one is an ambiguous match for the caller to report.
func (m *Memory) FindIDs(ctx context.Context, entity string, k MatchKey) ([]string, error) {
	rows, err := m.j.query(ctx, `SELECT id FROM index_keys
		WHERE account_id = ? AND entity = ? AND kind = ? AND value = ? ORDER BY id`,
		m.accountID, entity, k.Kind, k.Value)
	if err != nil {
		return nil, fmt.Errorf("finding %s by %s: %w", entity, k.Kind, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// IndexEntry returns one indexed record.
func (m *Memory) IndexEntry(ctx context.Context, entity, id string) (Entry, bool, error) {
	var e Entry
	var ts int64
	var fields string
	err := m.j.queryRow(ctx, `SELECT id, updated_at, fields FROM index_entries
		WHERE account_id = ? AND entity = ? AND id = ?`, m.accountID, entity, id).Scan(&e.ID, &ts, &fields)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("reading %s %s from the index: %w", entity, id, err)
	}
	e.UpdatedAt, e.Fields = fromStamp(ts), json.RawMessage(fields)
	e.Keys, err = m.keysOf(ctx, entity, id)
	return e, true, err
}

func (m *Memory) keysOf(ctx context.Context, entity, id string) ([]MatchKey, error) {
	rows, err := m.j.query(ctx, `SELECT kind, value FROM index_keys
		WHERE account_id = ? AND entity = ? AND id = ? ORDER BY kind, value`, m.accountID, entity, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ks []MatchKey
	for rows.Next() {
		var k MatchKey
		if err := rows.Scan(&k.Kind, &k.Value); err != nil {
			return nil, err
		}
		ks = append(ks, k)
	}
	return ks, rows.Err()
}

// IndexEntries streams every entry of entity (without keys), for a matcher
// that prefers to hold the index in memory.
func (m *Memory) IndexEntries(ctx context.Context, entity string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		rows, err := m.j.query(ctx, `SELECT id, updated_at, fields FROM index_entries
			WHERE account_id = ? AND entity = ? ORDER BY id`, m.accountID, entity)
		if err != nil {
			yield(Entry{}, fmt.Errorf("reading the %s index: %w", entity, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var e Entry
			var ts int64
			var fields string
			if err := rows.Scan(&e.ID, &ts, &fields); err != nil {
				yield(Entry{}, err)
				return
			}
			e.UpdatedAt, e.Fields = fromStamp(ts), json.RawMessage(fields)
			if !yield(e, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(Entry{}, err)
		}
	}
}

// Cursor returns the `since` value for the next refresh of entity; ok is
// false when the index was never completed (list everything).
func (m *Memory) Cursor(ctx context.Context, entity string) (since time.Time, ok bool, err error) {
	var ts int64
	err = m.j.queryRow(ctx, `SELECT since FROM cursors WHERE account_id = ? AND entity = ?`,
		m.accountID, entity).Scan(&ts)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("reading the %s cursor: %w", entity, err)
	}
	return fromStamp(ts), true, nil
}

// SetCursor stores since for entity. Call it after a listing completed,
// typically with MaxUpdatedAt, minus an overlap window if the caller wants
// one.
func (m *Memory) SetCursor(ctx context.Context, entity string, since time.Time) error {
	return m.j.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO cursors(account_id, entity, since) VALUES (?, ?, ?)
			ON CONFLICT(account_id, entity) DO UPDATE SET since = excluded.since`,
			m.accountID, entity, toStamp(since))
		return err
	})
}

// MaxUpdatedAt is the newest updatedAt in the index of entity (zero if empty).
func (m *Memory) MaxUpdatedAt(ctx context.Context, entity string) (time.Time, error) {
	var ts sql.NullInt64
	err := m.j.queryRow(ctx, `SELECT max(updated_at) FROM index_entries WHERE account_id = ? AND entity = ?`,
		m.accountID, entity).Scan(&ts)
	if err != nil {
		return time.Time{}, err
	}
	return fromStamp(ts.Int64), nil
}
