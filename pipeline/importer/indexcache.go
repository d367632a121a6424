package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// The account index (the existing records matching looks up) is kept once
// per account, not per input: in a file of its own under the user's cache
// directory, so every import into the account, from any file, refreshes
// the same index with since and the deleted feeds instead of listing the
// account again. The file holds CRM data: it is created 0600 (journal.Open)
// in a directory created 0700. It never holds the token: the account is
// named by its base URL and user id.

// DefaultIndexCacheDir is os.UserCacheDir()/capsule-etl.
func DefaultIndexCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory for the account index: %w (use --index FILE or --no-index-cache)", err)
	}
	return filepath.Join(dir, "capsule-etl"), nil
}

// IndexCachePath is the cached index file of an account under dir.
func IndexCachePath(dir, baseURL, userID string) string {
	sum := sha256.Sum256([]byte(strings.TrimRight(baseURL, "/") + "\x00" + userID))
	return filepath.Join(dir, "index", hex.EncodeToString(sum[:12])+".db")
}

// ClearIndexCache removes every cached account index under dir and returns
// the files removed.
func ClearIndexCache(dir string) ([]string, error) {
	idir := filepath.Join(dir, "index")
	ents, err := os.ReadDir(idir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("clearing the account index cache: %w", err)
	}
	var removed []string
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".db") || strings.HasSuffix(name, ".db-wal") || strings.HasSuffix(name, ".db-shm")) {
			continue
		}
		p := filepath.Join(idir, name)
		if err := os.Remove(p); err != nil {
			return removed, fmt.Errorf("clearing the account index cache: %w", err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// openIndex opens the store of the account index: the cache file, the file
// of --index, a throwaway file (NoIndexCache), or, when none is configured
// (library callers that set no IndexCacheDir), the run's journal itself.
// The returned close removes a throwaway file.
func openIndex(ctx context.Context, cfg *Config, j *journal.Journal, acct journal.Account) (*journal.Memory, func(), error) {
	noop := func() {}
	path := cfg.IndexPath
	var tmp string
	switch {
	case cfg.NoIndexCache:
		d, err := os.MkdirTemp("", "capsule-etl-index-")
		if err != nil {
			return nil, noop, fmt.Errorf("account index: %w", err)
		}
		tmp, path = d, filepath.Join(d, "index.db")
	case path == "" && cfg.IndexCacheDir != "":
		path = IndexCachePath(cfg.IndexCacheDir, acct.BaseURL, acct.UserID)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, noop, fmt.Errorf("account index cache: %w (use --index FILE or --no-index-cache)", err)
		}
	}
	if path == "" {
		m, err := j.Memory(ctx, acct)
		return m, noop, err
	}
	if abs, err := filepath.Abs(path); err == nil && abs == j.Path() {
		m, err := j.Memory(ctx, acct)
		return m, noop, err
	}
	opts := cfg.JournalOptions
	if tmp != "" {
		opts = append(opts[:len(opts):len(opts)], journal.WithUnsafeNoSync())
	}
	ij, err := journal.Open(ctx, path, opts...)
	if err != nil {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
		var le *journal.LockedError
		if errors.As(err, &le) {
			return nil, noop, fmt.Errorf("the account index %s is in use by another capsule-etl process: wait for it to finish, or run with --index FILE or --no-index-cache", le.Path)
		}
		return nil, noop, fmt.Errorf("account index: %w", err)
	}
	closeFn := func() {
		ij.Close()
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}
	m, err := ij.Memory(ctx, acct)
	if err != nil {
		closeFn()
		return nil, noop, err
	}
	return m, closeFn, nil
}
