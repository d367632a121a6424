package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// index holds the account's existing records and the input's planned
// creates, so matching costs no request per row. Keys are
// label + "\x00" + kind + "\x00" + value.
type index struct {
	byKey map[string][]*entry
	byID  map[string]*entry // label + "\x00" + id
}

type entry struct {
	kind    *kind
	id      string
	raw     []byte         // the record as Capsule returned it
	view    map[string]any // decoded raw, or the planned body
	planned *planOp        // set for a create planned by this run
}

func newIndex() *index {
	return &index{byKey: map[string][]*entry{}, byID: map[string]*entry{}}
}

func ikey(k *kind, mk journal.MatchKey) string {
	return k.label + "\x00" + mk.Kind + "\x00" + mk.Value
}

// add indexes e under keys, replacing an earlier entry with the same id.
func (ix *index) add(e *entry, keys []journal.MatchKey) {
	if e.id != "" {
		idk := e.kind.label + "\x00" + e.id
		if old := ix.byID[idk]; old != nil {
			ix.remove(old)
		}
		ix.byID[idk] = e
	}
	for _, mk := range keys {
		k := ikey(e.kind, mk)
		if l := ix.byKey[k]; len(l) == 0 || l[len(l)-1] != e {
			ix.byKey[k] = append(l, e)
		}
	}
}

func (ix *index) remove(e *entry) {
	for k, l := range ix.byKey {
		for i, x := range l {
			if x == e {
				ix.byKey[k] = append(l[:i:i], l[i+1:]...)
				break
			}
		}
	}
	delete(ix.byID, e.kind.label+"\x00"+e.id)
}

func (ix *index) find(k *kind, mk journal.MatchKey) []*entry { return ix.byKey[ikey(k, mk)] }

func (ix *index) get(k *kind, id string) *entry { return ix.byID[k.label+"\x00"+id] }

// record decodes an existing record's JSON on first use.
func (e *entry) record() map[string]any {
	if e.view == nil && e.raw != nil {
		d := json.NewDecoder(bytes.NewReader(e.raw))
		d.UseNumber()
		_ = d.Decode(&e.view)
	}
	return e.view
}

// kindOfRecord tells organisations from people in the parties collection.
func kindOfRecord(path string, rec map[string]any) *kind {
	switch path {
	case capsule.PathParties:
		if str(rec["type"]) == capsule.PartyOrganisation {
			return kindOrg
		}
		return kindPers
	case capsule.PathOpportunities:
		return kindOpp
	}
	return kindKase
}

// indexer keeps the journal's cached index of one collection up to date
// and loads it into memory.
type indexer struct {
	api *api
	mem *journal.Memory
	// overlap is subtracted from the newest updatedAt for the next since:
	// Capsule's timestamps have second precision.
	overlap time.Duration
	// busy marks collections in which the listing saw changes made about
	// the time it ran (by Capsule's clock against ours, give or take
	// deletedSkew): another user or integration is at work there.
	busy map[string]bool
}

// listingAttempts bounds how often a listing is repeated because records
// were deleted while it was paged through.
const listingAttempts = 3

// deletedSkew widens the deleted-feed window of a full listing beyond the
// overlap: the window starts from our clock, deletedAt is Capsule's, and a
// wider window costs nothing since only deletions of records the listing
// saw count.
const deletedSkew = time.Minute

// ListingShiftedError means records kept being deleted while the index was
// listed, so a complete listing could not be had; running again fixes it.
type ListingShiftedError struct {
	Path     string // parties, opportunities or kases
	Attempts int
}

func (e *ListingShiftedError) Error() string {
	return fmt.Sprintf("listing %s: records were deleted in Capsule during each of %d listings, so the index may miss records; run the import again", e.Path, e.Attempts)
}

// refresh brings the cached index of path (parties, opportunities, kases) up
// to date: a full listing the first time, then changes since the cursor
// and the deleted feed.
//
// Capsule pages by offset, so a record deleted while the listing runs
// shifts every later record one place back and one of them is never
// served. Such a deletion is of a record already served (a deletion further
// on shifts nothing unseen), so after the listing the deleted feed is read
// and, if it names a record this listing saw, the listing is repeated. The
// since refresh reads that feed anyway; a full listing pays one request.
func (ir *indexer) refresh(ctx context.Context, path string) error {
	for attempt := 1; ; attempt++ {
		shifted, err := ir.refreshOnce(ctx, path)
		if err != nil || !shifted {
			return err
		}
		if attempt == listingAttempts {
			return &ListingShiftedError{Path: path, Attempts: attempt}
		}
	}
}

// refreshOnce lists once; shifted reports a deletion during the listing,
// in which case the cursor is left as it was.
func (ir *indexer) refreshOnce(ctx context.Context, path string) (shifted bool, err error) {
	since, ok, err := ir.mem.Cursor(ctx, path)
	if err != nil {
		return false, err
	}
	start := time.Now()
	q := url.Values{"perPage": {"100"}, "embed": {indexEmbed}}
	if ok {
		q.Set("since", since.UTC().Format(time.RFC3339))
	} else if err := ir.mem.ClearIndex(ctx, path); err != nil {
		return false, err
	}
	seen := map[string]bool{}
	var batch []journal.Entry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := ir.mem.UpsertIndex(ctx, path, batch...)
		batch = batch[:0]
		return err
	}
	err = ir.api.getPages(ctx, path, q, path, func(raw json.RawMessage) error {
		e, err := entryOf(path, raw)
		if err != nil {
			return err
		}
		seen[e.ID] = true
		batch = append(batch, e)
		if len(batch) >= 500 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if err := flush(); err != nil {
		return false, err
	}
	from := since
	if !ok {
		from = start.Add(-ir.overlap - deletedSkew)
	}
	gone, err := ir.deleted(ctx, path, from)
	if err != nil {
		return false, err
	}
	for _, id := range gone {
		if seen[id] {
			return true, nil
		}
	}
	newest, err := ir.mem.MaxUpdatedAt(ctx, path)
	if err != nil {
		return false, err
	}
	// A record changed during the listing on a page already served keeps
	// its old copy here, and its updatedAt may be older than the newest
	// one seen: the next since starts no later than this listing did.
	// Someone else changed records of path around this listing: changes
	// of theirs on pages already served, or made while the run writes, are
	// seen only by a refresh from this cursor, so absorb leaves it here.
	if !newest.IsZero() && newest.After(start.Add(-deletedSkew)) {
		if ir.busy == nil {
			ir.busy = map[string]bool{}
		}
		ir.busy[path] = true
	}
	cursor := newest
	if newest.IsZero() {
		cursor = time.Unix(0, 0)
	} else if start.Before(newest) {
		cursor = start
	}
	return false, ir.mem.SetCursor(ctx, path, cursor.Add(-ir.overlap))
}

// indexEmbed is what the cached index holds of a record beyond its
// default shape; writes ask for the same, so their answers can enter it.
const indexEmbed = "fields,tags"

// entryOf is the cached index entry of a record as Capsule returned it.
func entryOf(path string, raw json.RawMessage) (journal.Entry, error) {
	var rec map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&rec); err != nil {
		return journal.Entry{}, fmt.Errorf("reading %s: %w", path, err)
	}
	id := scalar(rec["id"])
	upd, _ := time.Parse(time.RFC3339, str(rec["updatedAt"]))
	k := kindOfRecord(path, rec)
	keys := recordKeys(k, id, rec)
	for i := range keys {
		keys[i].Kind = k.label + ":" + keys[i].Kind
	}
	return journal.Entry{ID: id, UpdatedAt: upd, Keys: keys, Fields: raw}, nil
}

// absorb puts the records a run wrote into the cached index, so the next
// run need not list them again, and moves each collection's cursor to the
// newest updatedAt written (less the overlap) when that is later than the
// cursor. The cursor stays where the listing left it when a write of the
// run was in doubt (advance false: a record stored without an answer is
// known only to a listing) or when the listing saw others changing the
// collection as it ran (busy): their changes are found by the next refresh.
//
// Records others change only after the listing, while the run writes, are
// seen by a later refresh only if they change again after the cursor: the
// price of not listing a run's own writes again on every run.
func (ir *indexer) absorb(ctx context.Context, written map[string][]journal.Entry, advance bool) error {
	for _, path := range sortedKeys(written) {
		es := written[path]
		var newest time.Time
		for s := 0; s < len(es); s += 500 {
			part := es[s:min(len(es), s+500)]
			if err := ir.mem.UpsertIndex(ctx, path, part...); err != nil {
				return err
			}
		}
		for _, e := range es {
			if e.UpdatedAt.After(newest) {
				newest = e.UpdatedAt
			}
		}
		if !advance || newest.IsZero() || ir.busy[path] {
			continue
		}
		cur, ok, err := ir.mem.Cursor(ctx, path)
		if err != nil {
			return err
		}
		if next := newest.Add(-ir.overlap); ok && next.After(cur) {
			if err := ir.mem.SetCursor(ctx, path, next); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleted reads the deleted feed of path since since, drops those records
// from the cached index and returns their ids.
func (ir *indexer) deleted(ctx context.Context, path string, since time.Time) ([]string, error) {
	q := url.Values{"since": {since.UTC().Format(time.RFC3339)}, "perPage": {"100"}}
	var ids []string
	err := ir.api.getPages(ctx, path+"/deleted", q, path, func(raw json.RawMessage) error {
		var d struct {
			ID json.Number `json:"id"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return err
		}
		ids = append(ids, d.ID.String())
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		return ids, ir.mem.DeleteIndex(ctx, path, ids...)
	}
	return nil, nil
}

// load puts the cached index of path into ix.
func (ir *indexer) load(ctx context.Context, path string, ix *index) error {
	for e, err := range ir.mem.IndexEntries(ctx, path) {
		if err != nil {
			return err
		}
		en := &entry{id: e.ID, raw: e.Fields}
		rec := en.record()
		en.kind = kindOfRecord(path, rec)
		ix.add(en, recordKeys(en.kind, e.ID, rec))
	}
	return nil
}
