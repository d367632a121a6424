package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
)

// State is the --state file of incremental exports (JSON). It is
// rewritten atomically, and only after the output files are complete and
// renamed into place, so a failed or killed run exports the same changes
// again next time.
type State struct {
	Version  int                `json:"version"`
	Entities map[string]*Cursor `json:"entities"`
}

// Cursor is where one entity's incremental export resumes.
type Cursor struct {
	// UpdatedAt is the highest updatedAt exported (entries: updatedAt, else
	// entryAt). The next run asks for records changed since it minus the
	// overlap window.
	UpdatedAt time.Time `json:"updatedAt"`
	// Recent holds the records already exported whose updatedAt falls in
	// the overlap window below UpdatedAt: fetched again, they are dropped
	// unless they changed, so runs do not repeat records.
	Recent map[int64]time.Time `json:"recent,omitempty"`
	// DeletedAt and RecentDeleted do the same for the deleted feed.
	DeletedAt     time.Time           `json:"deletedAt,omitzero"`
	RecentDeleted map[int64]time.Time `json:"recentDeleted,omitempty"`
}

const exportStateVersion = 1

// LoadState reads path; a missing file is an empty state (the first
// run exports everything).
func LoadState(path string) (*State, error) {
	st := &State{Version: exportStateVersion, Entities: map[string]*Cursor{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the state file: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("state file %s is not a capsule-etl export state (%v): fix it or delete it to export everything again", path, err)
	}
	if st.Version != exportStateVersion {
		return nil, fmt.Errorf("state file %s has version %d, this capsule-etl writes %d", path, st.Version, exportStateVersion)
	}
	if st.Entities == nil {
		st.Entities = map[string]*Cursor{}
	}
	return st, nil
}

// Save writes the state atomically (temporary file, fsync, rename).
func (s *State) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	f, err := formats.CreateAtomic(path, true)
	if err != nil {
		return fmt.Errorf("writing the state file: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Abort()
		return fmt.Errorf("writing the state file: %w", err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("writing the state file: %w", err)
	}
	return nil
}

// window decides which fetched records belong in this run and tracks the
// next cursor.
type window struct {
	since   time.Time // ask the API for changes after this (zero = all)
	cursor  time.Time // previous run's cursor (zero = no previous run)
	overlap time.Duration
	seen    map[int64]time.Time
	next    time.Time
	kept    map[int64]time.Time
}

func newWindow(prevCursor time.Time, prevSeen map[int64]time.Time, since time.Time, overlap time.Duration) *window {
	w := &window{cursor: prevCursor, overlap: overlap, seen: prevSeen, next: prevCursor, kept: map[int64]time.Time{}}
	switch {
	case !prevCursor.IsZero():
		w.since = prevCursor.Add(-overlap)
	case !since.IsZero():
		w.since = since.Add(-overlap)
	}
	return w
}

// keep reports whether a record changed at t belongs in the output and
// records it for the next cursor.
func (w *window) keep(id int64, t time.Time) bool {
	if !w.since.IsZero() && !t.IsZero() && !t.After(w.since) {
		return false
	}
	if !w.cursor.IsZero() && !t.After(w.cursor) {
		if prev, ok := w.seen[id]; ok && prev.Equal(t) {
			return false // exported by the previous run, unchanged since
		}
	}
	if t.After(w.next) {
		w.next = t
	}
	w.kept[id] = t
	return true
}

// advance returns the cursor after this run: the highest time seen and
// the records near it.
func (w *window) advance() (time.Time, map[int64]time.Time) {
	recent := map[int64]time.Time{}
	edge := w.next.Add(-w.overlap - time.Second)
	for _, m := range []map[int64]time.Time{w.seen, w.kept} {
		for id, t := range m {
			if !t.Before(edge) {
				recent[id] = t
			}
		}
	}
	return w.next, recent
}
