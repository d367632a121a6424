package rollback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// kind is how an entity of the journal maps to the Capsule API.
type kind struct {
	path    string // collection: parties, opportunities, kases, entries, tasks
	wrapper string // JSON wrapper of one record
	rank    int    // deletion order: lower goes first
}

// deleteRank is the deletion order of a kind (lower goes first): what
// links to a record is deleted before it.
var deleteRank = map[*capsule.Kind]int{
	capsule.Notes: 0, capsule.Tasks: 0,
	capsule.Opportunities: 1, capsule.Projects: 1,
	capsule.People: 2, capsule.Organisations: 3,
}

// kinds maps the journal's entity labels (capsule.Kind.Name) and the raw
// collection names, for journals written by hand or by older importers, to
// the API. A raw "parties" is deleted with the people.
var kinds = func() map[string]kind {
	m := map[string]kind{}
	for _, k := range capsule.Kinds {
		m[k.Name] = kind{k.Path, k.Wrapper, deleteRank[k]}
		if _, ok := m[k.Path]; !ok || k == capsule.People {
			m[k.Path] = kind{k.Path, k.Wrapper, deleteRank[k]}
		}
	}
	return m
}()

// Step is one undo write: delete a created record, or restore the
// previous values of an updated one.
type Step struct {
	OpID      int64           // the import's operation
	Key       journal.Key     // source file, row and record of the import
	Entity    string          // journal label, e.g. "people"
	Action    journal.Action  // journal.DeleteItem or journal.Update (a restore)
	CapsuleID string          // the record
	Path      string          // API path of the record, e.g. "parties/12"
	Wrapper   string          // JSON wrapper, e.g. "party"
	Previous  json.RawMessage // restores: the previous values
}

func (s Step) String() string {
	verb := "delete"
	if s.Action == journal.Update {
		verb = "restore"
	}
	return fmt.Sprintf("%s %s %s (%s)", verb, singular(s.Entity), s.CapsuleID, s.Key)
}

func singular(entity string) string { return capsule.SingularOf(entity) }

// Plan is what a rollback of one run will do.
type Plan struct {
	Run      journal.RunInfo
	Deletes  []Step                 // in deletion order
	Restores []Step                 // updates to put back
	Done     int                    // items already undone by an earlier rollback
	InDoubt  []journal.ManifestItem // import writes without a known id: not touched
	Unknown  []journal.ManifestItem // entities this build cannot undo
}

// Steps returns deletes then restores, the order Execute sends them.
func (p *Plan) Steps() []Step { return append(slices.Clone(p.Deletes), p.Restores...) }

// ErrIsRollback refuses to roll back a rollback run.
var ErrIsRollback = errors.New("that run is a rollback; rolling back a rollback is not supported (re-run the import instead)")

// UnfinishedError refuses a run that is still running.
type UnfinishedError struct{ RunID int64 }

func (e *UnfinishedError) Error() string {
	return fmt.Sprintf("run %d is unfinished: finish it by running the same import again (or abandon it with "+
		"`capsule-etl import --abandon`), then roll it back", e.RunID)
}

const rollbackPrefix = "rollback:"

// RollbackOf reports which run a rollback run undoes (ok false for imports).
func RollbackOf(ri journal.RunInfo) (int64, bool) {
	s, ok := strings.CutPrefix(ri.InputHash, rollbackPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

func rollbackSpec(runID int64) (input, mapping string) {
	return rollbackPrefix + strconv.FormatInt(runID, 10), "rollback"
}

// NewPlan reads run id's manifest and earlier rollbacks of it. It sends
// no request and works on a journal opened WithoutLock.
func NewPlan(ctx context.Context, j *journal.Journal, runID int64) (*Plan, error) {
	ri, err := j.GetRun(ctx, runID)
	if err != nil {
		return nil, err
	}
	if _, ok := RollbackOf(ri); ok {
		return nil, fmt.Errorf("run %d: %w", runID, ErrIsRollback)
	}
	items, err := j.Manifest(ctx, runID)
	if err != nil {
		return nil, err
	}
	undone, err := undoneItems(ctx, j, runID)
	if err != nil {
		return nil, err
	}
	p := &Plan{Run: ri}
	for _, it := range items {
		k, known := kinds[it.Entity]
		switch {
		case it.InDoubt:
			p.InDoubt = append(p.InDoubt, it)
			continue
		case !known:
			p.Unknown = append(p.Unknown, it)
			continue
		case undone[it.OpID]:
			p.Done++
			continue
		}
		s := Step{OpID: it.OpID, Key: it.Key, Entity: it.Entity, CapsuleID: it.CapsuleID,
			Path: k.path + "/" + it.CapsuleID, Wrapper: k.wrapper, Previous: it.Previous}
		switch it.Action {
		case journal.Create:
			s.Action = journal.DeleteItem
			p.Deletes = append(p.Deletes, s)
		case journal.Update:
			s.Action = journal.Update
			p.Restores = append(p.Restores, s)
		}
		// A delete done by the import cannot be undone: the record is gone.
	}
	// Stable: within one rank the manifest's newest-first order stays.
	slices.SortStableFunc(p.Deletes, func(a, b Step) int { return kinds[a.Entity].rank - kinds[b.Entity].rank })
	return p, nil
}

// undoneItems returns the import ops that earlier rollback runs settled.
func undoneItems(ctx context.Context, j *journal.Journal, runID int64) (map[int64]bool, error) {
	runs, err := j.ListRuns(ctx)
	if err != nil {
		return nil, err
	}
	done := map[int64]bool{}
	for _, r := range runs {
		if of, ok := RollbackOf(r); !ok || of != runID {
			continue
		}
		ops, err := j.RunOps(ctx, r.ID, journal.Done)
		if err != nil {
			return nil, err
		}
		for _, op := range ops {
			done[op.Key.Row] = true
		}
	}
	return done, nil
}
