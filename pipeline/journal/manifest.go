package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
)

// ManifestItem is one write of a run, for rollback: delete what Action
// Create made, restore Previous for an Update.
type ManifestItem struct {
	OpID      int64
	Key       Key
	Entity    string
	Action    Action
	CapsuleID string          // empty when InDoubt
	Previous  json.RawMessage // previous values of the changed fields (updates)
	// InDoubt marks a write left in sending: it may or may not exist in
	// Capsule. Reconcile it before rolling back.
	InDoubt bool
}

// Manifest lists what run id wrote, newest first, so undoing the items in
// order undoes the run (a person goes before the organisation it was linked
// to). In-doubt writes come first.
func (j *Journal) Manifest(ctx context.Context, runID int64) ([]ManifestItem, error) {
	rows, err := j.r.QueryContext(ctx, `SELECT id, file, row, source_key, record, entity, action, capsule_id,
		previous, state FROM ops WHERE run_id = ? AND action IN ('create', 'update', 'delete')
		AND state IN ('done', 'sending') ORDER BY state = 'done', seq DESC, id DESC`, runID)
	if err != nil {
		return nil, fmt.Errorf("reading the manifest of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []ManifestItem
	for rows.Next() {
		var it ManifestItem
		var prev sql.NullString
		var st State
		if err := rows.Scan(&it.OpID, &it.Key.File, &it.Key.Row, &it.Key.SourceKey, &it.Key.Record, &it.Entity,
			&it.Action, &it.CapsuleID, &prev, &st); err != nil {
			return nil, fmt.Errorf("reading the manifest of run %d: %w", runID, err)
		}
		if prev.Valid {
			it.Previous = json.RawMessage(prev.String)
		}
		it.InDoubt = st == Sending
		out = append(out, it)
	}
	return out, rows.Err()
}

// Counts are the outcomes of a run's operations.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Deleted   int `json:"deleted"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
	Rejected  int `json:"rejected"`
	Failed    int `json:"failed"`
	Pending   int `json:"pending"`
	InDoubt   int `json:"inDoubt"`
}

func (c *Counts) add(a Action, s State, n int) {
	switch s {
	case Done:
		switch a {
		case Create:
			c.Created += n
		case Update:
			c.Updated += n
		case DeleteItem:
			c.Deleted += n
		}
	case Unchanged:
		c.Unchanged += n
	case Skipped:
		c.Skipped += n
	case Rejected:
		c.Rejected += n
	case Failed:
		c.Failed += n
	case Pending:
		c.Pending += n
	case Sending:
		c.InDoubt += n
	}
}

// EntityCounts are the counts of one entity.
type EntityCounts struct {
	Entity string `json:"entity"`
	Counts
}

// Summary is the end-of-run report.
type Summary struct {
	RunID    int64          `json:"runId"`
	Requests int64          `json:"requests"`
	Entities []EntityCounts `json:"entities"` // sorted by entity name
	Total    Counts         `json:"total"`
}

// Summary counts the outcomes of run id per entity.
func (j *Journal) Summary(ctx context.Context, runID int64) (Summary, error) {
	ri, err := j.GetRun(ctx, runID)
	if err != nil {
		return Summary{}, err
	}
	rows, err := j.r.QueryContext(ctx, `SELECT entity, action, state, count(*) FROM ops
		WHERE run_id = ? GROUP BY entity, action, state`, runID)
	if err != nil {
		return Summary{}, fmt.Errorf("summarising run %d: %w", runID, err)
	}
	defer rows.Close()
	s := Summary{RunID: runID, Requests: ri.Requests}
	byEntity := map[string]*Counts{}
	for rows.Next() {
		var e string
		var a Action
		var st State
		var n int
		if err := rows.Scan(&e, &a, &st, &n); err != nil {
			return Summary{}, err
		}
		c := byEntity[e]
		if c == nil {
			c = &Counts{}
			byEntity[e] = c
		}
		c.add(a, st, n)
		s.Total.add(a, st, n)
	}
	if err := rows.Err(); err != nil {
		return Summary{}, err
	}
	for e, c := range byEntity {
		s.Entities = append(s.Entities, EntityCounts{Entity: e, Counts: *c})
	}
	sort.Slice(s.Entities, func(a, b int) bool { return s.Entities[a].Entity < s.Entities[b].Entity })
	return s, nil
}
