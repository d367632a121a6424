package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// SchemaVersion is the journal layout this build writes. Bump it and append
// a step to migrations when the layout changes; never edit a past step.
const SchemaVersion = 1

// migration returns the SQL that upgrades a file from version v to v+1.
func migration(v int) string {
	switch v {
	case 0:
		return schemaV1
	}
	return ""
}

const schemaV1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE accounts (
	id       INTEGER PRIMARY KEY,
	key      TEXT NOT NULL UNIQUE,  -- sha256(base URL, user id): never a token
	base_url TEXT NOT NULL,
	user_id  TEXT NOT NULL
);
CREATE TABLE runs (
	id           INTEGER PRIMARY KEY,
	fingerprint  TEXT NOT NULL,
	input_hash   TEXT NOT NULL,
	mapping_hash TEXT NOT NULL,
	account_id   INTEGER NOT NULL REFERENCES accounts(id),
	args         TEXT NOT NULL DEFAULT '[]',
	status       TEXT NOT NULL,
	marker       TEXT NOT NULL,
	started      INTEGER NOT NULL,
	finished     INTEGER NOT NULL DEFAULT 0,
	requests     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_status ON runs(status);
CREATE TABLE ops (
	id          INTEGER PRIMARY KEY,
	run_id      INTEGER NOT NULL REFERENCES runs(id),
	file        TEXT NOT NULL,
	row         INTEGER NOT NULL,
	source_key  TEXT NOT NULL,
	record      TEXT NOT NULL,
	entity      TEXT NOT NULL,
	action      TEXT NOT NULL,
	state       TEXT NOT NULL,
	natural_key TEXT NOT NULL DEFAULT '[]',
	method      TEXT NOT NULL DEFAULT '',
	path        TEXT NOT NULL DEFAULT '',
	body        BLOB,
	body_hash   TEXT NOT NULL DEFAULT '',
	previous    TEXT,
	capsule_id  TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	seq         INTEGER NOT NULL DEFAULT 0,  -- order of completion, for the manifest
	updated     INTEGER NOT NULL,
	UNIQUE (run_id, file, row, source_key, record)
);
CREATE INDEX ops_state ON ops(run_id, state);
CREATE INDEX ops_seq ON ops(run_id, seq);
CREATE TABLE ids (
	account_id INTEGER NOT NULL,
	entity     TEXT NOT NULL,
	source_key TEXT NOT NULL,
	capsule_id TEXT NOT NULL,
	run_id     INTEGER NOT NULL,
	PRIMARY KEY (account_id, entity, source_key)
) WITHOUT ROWID;
CREATE TABLE index_entries (
	account_id INTEGER NOT NULL,
	entity     TEXT NOT NULL,
	id         TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	fields     TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (account_id, entity, id)
) WITHOUT ROWID;
CREATE TABLE index_keys (
	account_id INTEGER NOT NULL,
	entity     TEXT NOT NULL,
	kind       TEXT NOT NULL,
	value      TEXT NOT NULL,
	id         TEXT NOT NULL,
	PRIMARY KEY (account_id, entity, kind, value, id)
) WITHOUT ROWID;
CREATE INDEX index_keys_id ON index_keys(account_id, entity, id);
CREATE TABLE cursors (
	account_id INTEGER NOT NULL,
	entity     TEXT NOT NULL,
	since      INTEGER NOT NULL,
	PRIMARY KEY (account_id, entity)
) WITHOUT ROWID;
`

// SchemaVersionError reports a journal written by a newer capsule-etl.
type SchemaVersionError struct {
	Path      string
	Found     int
	Supported int
}

func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("journal %s has schema version %d but this capsule-etl understands up to %d: "+
		"upgrade capsule-etl, or use a different --journal file", e.Path, e.Found, e.Supported)
}

// migrate brings the file to SchemaVersion in one transaction, or refuses it.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("opening journal %s: %w", path, err)
	}
	defer tx.Rollback()
	v, err := readVersion(ctx, tx)
	if err != nil {
		return fmt.Errorf("opening journal %s (is it a capsule-etl journal?): %w", path, err)
	}
	if v > SchemaVersion {
		return &SchemaVersionError{Path: path, Found: v, Supported: SchemaVersion}
	}
	if v == SchemaVersion {
		return nil
	}
	for ; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migration(v)); err != nil {
			return fmt.Errorf("upgrading journal %s to schema %d: %w", path, v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO meta(key, value) VALUES ('schema_version', ?)
		 ON CONFLICT(key) DO UPDATE SET value = excluded.value`, strconv.Itoa(SchemaVersion)); err != nil {
		return fmt.Errorf("upgrading journal %s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrading journal %s: %w", path, err)
	}
	return nil
}

func readVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, errors.New("the file is a SQLite database without capsule-etl's meta table")
		}
		return 0, nil
	}
	var s string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&s)
	if err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("schema version %q is not a number", s)
	}
	return v, nil
}
