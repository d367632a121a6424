package export

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
)

// pendingHint is what the export declares to the pacer as still to come
// after each page: an export's length is unknown until the last page, and
// a modest number that fits the budget lets reads go at full speed until
// the budget is nearly spent (then the pacer waits for the window).
const pendingHint = 20

// fetched is one entity's records, spooled, with what its layout needs.
type fetched struct {
	entity    string
	sp        *spool
	counts    layout.Counts
	fields    []layout.Field
	pipelines map[int64]string
	win       *window
	deleted   []DeletedRow
	delWin    *window
	delSince  time.Time
	scale     int // most digits after the point of a Decimal cell (Parquet)
}

// noteScale records the digits after the point of the decimal cells of a
// record (opportunity values, number custom fields), so a Parquet
// decimal column holds every value exactly.
func (f *fetched) noteScale(amount capsule.Opt[float64], fields []capsule.CustomField) {
	if a, ok := amount.Get(); ok {
		f.scale = max(f.scale, decimals(strconv.FormatFloat(a, 'f', -1, 64)))
	}
	for _, cf := range fields {
		if cf.Value.IsZero() || cf.Value.IsNull() || cf.Value.IsBool() {
			continue
		}
		if _, err := cf.Value.Float(); err == nil {
			f.scale = max(f.scale, decimals(cf.Value.String()))
		}
	}
}

func decimals(s string) int {
	if i := strings.IndexByte(s, '.'); i >= 0 && !strings.ContainsAny(s, "eE") {
		return len(s) - i - 1
	}
	return 0
}

// DeletedRow is one record reported by a deleted feed.
type DeletedRow struct {
	Entity    string
	ID        int64
	DeletedAt time.Time
}

var recordEmbeds = []string{"fields", "tags"}

// Spool tags: parties are written organisations first, so they are
// spooled apart; other entities have one tag.
const (
	tagAny          = '-'
	tagOrganisation = 'o'
	tagPerson       = 'p'
)

func partyTag(p *capsule.Party) byte {
	if p.Type.Value() == capsule.PartyOrganisation {
		return tagOrganisation
	}
	return tagPerson
}

func (x *exporter) fetch(ctx context.Context, entity string) (*fetched, error) {
	f := &fetched{entity: entity}
	cur := x.cursor(entity)
	f.win = newWindow(cur.UpdatedAt, cur.Recent, x.opt.Since, x.opt.Overlap)
	sp, err := newSpool(x.opt.TempDir)
	if err != nil {
		return nil, err
	}
	f.sp = sp
	x.c.Pacer().SetPending(pendingHint)
	opts := &capsule.ListOptions{PerPage: capsule.MaxPerPage, Since: f.win.since}
	switch entity {
	case layout.Parties:
		if f.fields, err = x.fieldDefs(ctx, capsule.EntityParties); err != nil {
			return f, err
		}
		opts.Embed = recordEmbeds
		err = collect(ctx, x, f, x.c.Parties.ListAll(ctx, opts), func(p *capsule.Party) (int64, time.Time, byte) {
			f.counts = f.counts.Max(layout.CountsOf(p))
			f.noteScale(capsule.Opt[float64]{}, p.Fields)
			return p.ID, p.UpdatedAt.Value().Time, partyTag(p)
		})
	case layout.Opportunities:
		if f.fields, err = x.fieldDefs(ctx, capsule.EntityOpportunities); err != nil {
			return f, err
		}
		if f.pipelines, err = x.pipelines(ctx); err != nil {
			return f, err
		}
		opts.Embed = recordEmbeds
		err = collect(ctx, x, f, x.c.Opportunities.ListAll(ctx, opts), func(o *capsule.Opportunity) (int64, time.Time, byte) {
			f.noteScale(o.Value.Value().Amount, o.Fields)
			return o.ID, o.UpdatedAt.Value().Time, tagAny
		})
	case layout.Kases:
		if f.fields, err = x.fieldDefs(ctx, capsule.EntityKases); err != nil {
			return f, err
		}
		opts.Embed = recordEmbeds
		err = collect(ctx, x, f, x.c.Projects.ListAll(ctx, opts), func(k *capsule.Kase) (int64, time.Time, byte) {
			f.noteScale(capsule.Opt[float64]{}, k.Fields)
			return k.ID, k.UpdatedAt.Value().Time, tagAny
		})
	case layout.Tasks:
		opts.Query = map[string][]string{"status": {"open,completed,pending"}}
		err = collect(ctx, x, f, x.c.Tasks.ListAll(ctx, opts), func(t *capsule.Task) (int64, time.Time, byte) {
			return t.ID, t.UpdatedAt.Value().Time, tagAny
		})
	case layout.Entries:
		// /entries has no since: it lists newest entryAt first, so an
		// incremental run filters client-side and stops at the first entry
		// dated before the window (see Options).
		opts.Since = time.Time{}
		err = collectEntries(ctx, x, f, x.c.Entries.ListAll(ctx, opts))
	default:
		return f, fmt.Errorf("unknown entity %q", entity)
	}
	if err != nil {
		return f, err
	}
	if x.reportDeleted() {
		err = x.fetchDeleted(ctx, f, cur)
	}
	return f, err
}

// collect spools every record of seq that the window keeps.
func collect[T any](ctx context.Context, x *exporter, f *fetched, seq iter.Seq2[T, error], key func(*T) (int64, time.Time, byte)) error {
	n := 0
	for rec, err := range seq {
		if err != nil {
			return fmt.Errorf("listing %s: %w", f.entity, err)
		}
		n++
		if n%capsule.MaxPerPage == 0 {
			x.c.Pacer().SetPending(pendingHint)
		}
		id, t, tag := key(&rec)
		if !f.win.keep(id, t) {
			continue
		}
		if err := f.sp.add(id, tag, &rec); err != nil {
			return err
		}
		x.progress(f.entity, f.sp.len())
	}
	return ctx.Err()
}

func collectEntries(ctx context.Context, x *exporter, f *fetched, seq iter.Seq2[capsule.Entry, error]) error {
	n := 0
	for e, err := range seq {
		if err != nil {
			return fmt.Errorf("listing entries: %w", err)
		}
		n++
		if n%capsule.MaxPerPage == 0 {
			x.c.Pacer().SetPending(pendingHint)
		}
		at := e.EntryAt.Value().Time
		if !f.win.since.IsZero() && !at.IsZero() && !at.After(f.win.since) {
			// Newest first: everything after this is dated before the
			// window; edits of such old entries are not seen (documented).
			break
		}
		// The cursor follows updatedAt (server time), never a later
		// entryAt: a note dated ahead would move it into the future and the
		// newest-first paging would then stop before every note written
		// until that date.
		t := e.UpdatedAt.Value().Time
		if t.IsZero() {
			t = at
		}
		if !f.win.keep(e.ID, t) {
			continue
		}
		if err := f.sp.add(e.ID, tagAny, &e); err != nil {
			return err
		}
		x.progress(f.entity, f.sp.len())
	}
	return ctx.Err()
}

// fetchDeleted reads the deleted feed of parties, opportunities and kases
// (the API has none for entries and tasks). The feed needs a since: the
// cursor of the previous run, --since, or the start of the export's window.
func (x *exporter) fetchDeleted(ctx context.Context, f *fetched, cur *Cursor) error {
	f.delWin = newWindow(cur.DeletedAt, cur.RecentDeleted, x.opt.Since, x.opt.Overlap)
	since := f.delWin.since
	firstRun := false
	if since.IsZero() {
		if cur.UpdatedAt.IsZero() && x.opt.StatePath != "" {
			// First incremental run: a full export has nothing to report
			// as deleted. The feed is still read from the newest change
			// seen (server time, else the start of the run) less the
			// overlap, and what it holds becomes the deleted cursor, so
			// the next run does not report records deleted before this
			// one, which its export never held.
			firstRun = true
			f.delWin.next = f.win.next
			if f.delWin.next.IsZero() {
				f.delWin.next = x.start.Add(-time.Second)
			}
			since = f.delWin.next.Add(-x.opt.Overlap)
		} else {
			since = time.Unix(0, 0).UTC()
		}
	}
	f.delSince = since
	var ids []capsule.DeletedRecord
	for page := 1; ; page++ {
		opts := &capsule.ListOptions{Page: page, PerPage: capsule.MaxPerPage}
		var got []capsule.DeletedRecord
		var err error
		switch f.entity {
		case layout.Parties:
			var d *capsule.DeletedParties
			d, _, err = x.c.Parties.ListDeleted(ctx, since, opts)
			if d != nil {
				got = d.Parties
			}
		case layout.Opportunities:
			var d *capsule.DeletedOpportunities
			d, _, err = x.c.Opportunities.ListDeleted(ctx, since, opts)
			if d != nil {
				got = d.Opportunities
			}
		case layout.Kases:
			var d *capsule.DeletedKases
			d, _, err = x.c.Projects.ListDeleted(ctx, since, opts)
			if d != nil {
				got = d.Kases
			}
		default:
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing deleted %s: %w", f.entity, err)
		}
		ids = append(ids, got...)
		if len(got) < capsule.MaxPerPage {
			break
		}
	}
	seen := map[int64]bool{}
	for i := len(ids) - 1; i >= 0; i-- { // de-duplicate, keeping the latest
		d := ids[i]
		at := d.DeletedAt.Value().Time
		if seen[d.ID] || !f.delWin.keep(d.ID, at) {
			continue
		}
		seen[d.ID] = true
		if firstRun {
			continue // remembered by delWin, not reported
		}
		f.deleted = append(f.deleted, DeletedRow{Entity: f.entity, ID: d.ID, DeletedAt: at})
	}
	return nil
}

// fieldDefs fetches the custom field definitions of an entity once.
func (x *exporter) fieldDefs(ctx context.Context, e capsule.Entity) ([]layout.Field, error) {
	var out []layout.Field
	for d, err := range x.c.Fields.ListAll(ctx, e, &capsule.ListOptions{PerPage: capsule.MaxPerPage}) {
		if err != nil {
			return nil, fmt.Errorf("listing %s custom fields: %w", e, err)
		}
		if n := d.Name.Value(); n != "" {
			out = append(out, layout.Field{Name: n, Type: d.Type.Value()})
		}
	}
	return out, nil
}

// pipelines maps milestone ids to their pipeline's name (one request per
// pipeline: an opportunity names its milestone, not the pipeline).
func (x *exporter) pipelines(ctx context.Context) (map[int64]string, error) {
	out := map[int64]string{}
	var ps []capsule.Pipeline
	for p, err := range x.c.Pipelines.ListAll(ctx, &capsule.ListOptions{PerPage: capsule.MaxPerPage}) {
		if err != nil {
			return nil, fmt.Errorf("listing pipelines: %w", err)
		}
		ps = append(ps, p)
	}
	x.c.Pacer().SetPending(len(ps) + pendingHint)
	for _, p := range ps {
		for m, err := range x.c.Milestones.ListAllForPipeline(ctx, p.ID) {
			if err != nil {
				return nil, fmt.Errorf("listing milestones of pipeline %q: %w", p.Name.Value(), err)
			}
			out[m.ID] = p.Name.Value()
		}
	}
	return out, nil
}
