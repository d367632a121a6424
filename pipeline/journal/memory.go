package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Memory is what the journal keeps about one Capsule account across runs:
// source key → Capsule id, and the index of existing records used for
// matching (index.go). Get one with Journal.Memory or Run.Memory.
type Memory struct {
	j         *Journal
	accountID int64
}

// Memory returns the store for an account, creating its entry if needed.
// Only the base URL and user id (or a token hash) are stored.
func (j *Journal) Memory(ctx context.Context, a Account) (*Memory, error) {
	var id int64
	err := j.write(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = ensureAccount(ctx, tx, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Memory{j: j, accountID: id}, nil
}

// Memory returns the store for the run's account.
func (r *Run) Memory() *Memory { return &Memory{j: r.j, accountID: r.accountID} }

// Lookup returns the Capsule id a source key of entity was written to by an
// earlier operation (MarkDone remembers it), so later runs update rather
// than create a duplicate.
func (m *Memory) Lookup(ctx context.Context, entity, sourceKey string) (string, bool, error) {
	var id string
	err := m.j.queryRow(ctx, `SELECT capsule_id FROM ids
		WHERE account_id = ? AND entity = ? AND source_key = ?`, m.accountID, entity, sourceKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("looking up %s %q: %w", entity, sourceKey, err)
	}
	return id, true, nil
}

// Remember records source key → Capsule id outside an operation, e.g. when
// matching linked a source row to an existing record.
func (m *Memory) Remember(ctx context.Context, entity, sourceKey, capsuleID string) error {
	return m.j.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO ids(account_id, entity, source_key, capsule_id, run_id)
			VALUES (?, ?, ?, ?, 0) ON CONFLICT(account_id, entity, source_key)
			DO UPDATE SET capsule_id = excluded.capsule_id`, m.accountID, entity, sourceKey, capsuleID)
		return err
	})
}

// Forget drops a remembered id, e.g. after Capsule answered 404 for it or
// the deleted feed listed it.
func (m *Memory) Forget(ctx context.Context, entity, sourceKey string) error {
	return m.j.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM ids WHERE account_id = ? AND entity = ? AND source_key = ?`,
			m.accountID, entity, sourceKey)
		return err
	})
}

// OwnedByOther reports whether the Capsule id of entity was written or
// matched for a source key other than sourceKey: that record is another
// row's, so a lost create of sourceKey can never have made it.
func (m *Memory) OwnedByOther(ctx context.Context, entity, capsuleID, sourceKey string) (bool, error) {
	var n int
	err := m.j.queryRow(ctx, `SELECT count(*) FROM ids
		WHERE account_id = ? AND entity = ? AND capsule_id = ? AND source_key != ?`,
		m.accountID, entity, capsuleID, sourceKey).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking up who owns %s %s: %w", entity, capsuleID, err)
	}
	return n > 0, nil
}

// Owners returns, for entity, which source key each remembered Capsule id
// was written for (Capsule id → source key): a record an earlier run made
// for one source row is that row's, and is never matched to another.
func (m *Memory) Owners(ctx context.Context, entity string) (map[string]string, error) {
	rows, err := m.j.query(ctx, `SELECT capsule_id, source_key FROM ids
		WHERE account_id = ? AND entity = ?`, m.accountID, entity)
	if err != nil {
		return nil, fmt.Errorf("listing remembered %s: %w", entity, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, fmt.Errorf("listing remembered %s: %w", entity, err)
		}
		out[id] = key
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing remembered %s: %w", entity, err)
	}
	return out, nil
}
