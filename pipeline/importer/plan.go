package importer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// planner decides, row by row in input order, what each op does. The dry
// run and the real run use the same planner; only what follows differs.
type planner struct {
	ix      *index
	rd      *refData // nil offline
	offline bool
	// remembered returns the Capsule id an earlier run wrote the source key
	// of label to (journal memory); nil when there is no journal.
	remembered func(label, srcKey string) string
	// owner returns the source key an earlier run wrote the Capsule id of
	// label for ("" when none did, or there is no journal).
	owner  func(label, id string) string
	ops    []*planOp
	rowBuf []*planOp
	rows   int // rows planned so far
	// claims are the records rows of this run resolved to (duplicates.go);
	// rowParents the records other records of the current row link to.
	claims     map[string]*claim
	rowParents map[string]bool
}

func newPlanner(ix *index, rd *refData, offline bool) *planner {
	return &planner{ix: ix, rd: rd, offline: offline}
}

// planRow plans the ops of one row; every op gets an action.
func (pl *planner) planRow(r *rowOps) []*planOp {
	row := pl.rowBuf[:0]
	clear(pl.rowParents)
	for i := range r.ops {
		for _, ref := range r.ops[i].Refs {
			if ref.Kind == mappings.RefRecord {
				if pl.rowParents == nil {
					pl.rowParents = map[string]bool{}
				}
				pl.rowParents[ref.Record] = true
			}
		}
	}
	for i := range r.ops {
		op := &r.ops[i]
		key := op.SourceKey
		if key == "" {
			key = r.srcKey
		}
		p := &planOp{seq: len(pl.ops), in: r.in, row: r.row, rowIdx: pl.rows, srcKey: op.Record + "/" + key, record: op.Record, kind: kindOf(op)}
		pl.ops = append(pl.ops, p)
		row = append(row, p)
		switch {
		case len(r.errs) > 0:
			// Any value that cannot be read rejects the whole row: every op
			// carries the same reasons, naming the columns.
			p.action, p.rowErr = journal.Reject, true
			p.field = r.errs[0].Column
			if p.field == "" {
				p.field = r.errs[0].Field
			}
			p.reason = rowReason(r.errs)
		case op.Skipped:
			p.action, p.reason = journal.Skip, "the record's `when` condition is false for this row"
			if op.SkipReason != "" {
				p.reason = op.SkipReason
			}
		default:
			p.takeWarnings(op.Warnings)
			pl.plan(p, op, row)
		}
		if p.action == journal.Reject && p.reason == "" {
			p.reason = "rejected"
		}
	}
	pl.rowBuf = row
	pl.rows++
	return row
}

func rowReason(errs []mappings.RowError) string {
	var b strings.Builder
	for i, e := range errs {
		if i > 0 {
			b.WriteString("; ")
		}
		if e.Column != "" {
			fmt.Fprintf(&b, "column %q: %s", e.Column, e.Message)
		} else {
			b.WriteString(e.Error())
		}
	}
	return b.String() + " (fix the value in the file)"
}

func (p *planOp) reject(field, format string, args ...any) {
	p.action, p.field, p.reason = journal.Reject, field, fmt.Sprintf(format, args...)
}

// plan decides one op that has a body.
func (pl *planner) plan(p *planOp, op *mappings.Op, row []*planOp) {
	if !pl.resolveRefs(p, op, row) {
		return
	}
	if pl.rd != nil && !pl.checkFields(p, op) {
		return
	}
	pl.derived(p, op)
	target := pl.match(p, op)
	if p.action == journal.Reject {
		return
	}
	if target != nil {
		if !pl.duplicate(p, op, target) {
			return
		}
		pl.matched(p, op, target)
	} else {
		pl.create(p, op)
	}
	pl.level(p)
}

// derived leaves out what Capsule derives and refuses to be sent: an
// opportunity on a closing milestone (Won, Lost) takes that milestone's
// probability, and a probability sent with it fails with 422 "probability
// can be updated only for open opportunity". A probability equal to the
// milestone's (an exported closed deal: 100 won, 0 lost) is left out, so
// the deal imports as closed; another one is sent, and Capsule's refusal
// tells the user (the value would not be kept).
func (pl *planner) derived(p *planOp, op *mappings.Op) {
	if pl.rd == nil || p.kind != kindOpp {
		return
	}
	v, ok := op.Body["probability"]
	if !ok {
		return
	}
	for _, r := range p.refs {
		if r.field != "milestone" || r.id == "" {
			continue
		}
		if prob, closing := pl.rd.closing[r.id]; closing && sameNumber(scalar(v), prob) {
			delete(op.Body, "probability")
		}
		return
	}
}

// sameNumber compares two numbers written as text ("100", "100.0").
func sameNumber(a, b string) bool {
	x, errA := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, errB := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return errA == nil && errB == nil && x == y
}

func (pl *planner) level(p *planOp) {
	lv := p.kind.rank
	for _, d := range p.deps {
		lv = max(lv, d.level+1)
	}
	p.level = lv
}

// checkFields checks custom field values against the account's definitions.
func (pl *planner) checkFields(p *planOp, op *mappings.Op) bool {
	defs := pl.rd.fields[p.kind.path]
	for _, f := range items(op.Body["fields"]) {
		d := defs[fieldName(f)]
		if d == nil {
			continue // reported by preflight
		}
		v, msg := d.coerce(f["value"])
		if msg != "" {
			p.reject("fields."+d.Name, "%s", msg)
			return false
		}
		f["value"] = v
	}
	return true
}

// match finds the record the op is about: the id an earlier run wrote its
// source key to, else the first match key that finds exactly one record.
// Two or more is ambiguous and rejected, never guessed.
func (pl *planner) match(p *planOp, op *mappings.Op) *entry {
	if pl.remembered != nil {
		// Without a source key in the mapping a row is known by its file
		// name and row number, which a file saved again with other rows
		// gives to another record: such a memory is trusted only while the
		// row still looks like what was written for it.
		positional := op.SourceKey == ""
		if id := pl.remembered(p.kind.label, p.srcKey); id != "" {
			e := pl.ix.get(p.kind, id)
			trusted := !positional
			if positional {
				if p.kind.indexed() {
					trusted = e != nil && sameRecord(p.kind, e, op)
				} else {
					trusted = !dependsOnCreate(p)
				}
			}
			if trusted && e != nil {
				// Read from Capsule (notes and tasks: when matched on id),
				// so it is diffed.
				p.matchKey = "source key"
				return e
			}
			if trusted && !p.kind.indexed() {
				return &entry{kind: p.kind, id: id}
			}
		}
	}
	for _, k := range op.Match {
		if !p.kind.indexed() && k.Kind != mappings.MatchID {
			// Notes and tasks are indexed by id only (loadByID).
			continue
		}
		mk := keyOf(k)
		found := pl.notOthers(p, op, pl.ix.find(p.kind, mk))
		switch {
		case len(found) == 1:
			p.matchKey = mk.Kind + "=" + mk.Value
			return found[0]
		case len(found) > 1:
			p.matchKey = mk.Kind + "=" + mk.Value
			for _, e := range found {
				if e.planned != nil {
					p.ambiguous = append(p.ambiguous, fmt.Sprintf("row %d", e.planned.row))
				} else {
					p.ambiguous = append(p.ambiguous, e.id)
				}
			}
			p.reject("match", "%s %q matches more than one record (%s); not guessing: make the key unique or match on another key",
				mk.Kind, mk.Value, describe(found))
			return nil
		}
	}
	return nil
}

// notOthers drops from found, for an op that carries a source id (an id
// match key with a value: the export layout's ID column), the records made
// for another source row: created for it by an earlier run (the journal
// remembers) or planned by this run for another row. A row that failed
// before is thus never matched, by name or by an id this account gave to
// another record, to what another row created; it is created itself.
func (pl *planner) notOthers(p *planOp, op *mappings.Op, found []*entry) []*entry {
	if len(found) == 0 || op.SourceKey == "" || !hasSourceID(op) {
		return found
	}
	out := found[:0:0]
	for _, e := range found {
		owner := ""
		if e.planned != nil {
			owner = e.planned.srcKey
		} else if pl.owner != nil {
			owner = pl.owner(e.kind.label, e.id)
		}
		if owner != p.srcKey && isSourceIDKey(owner) && strings.HasPrefix(owner, p.record+"/") {
			continue
		}
		out = append(out, e)
	}
	return out
}

func hasSourceID(op *mappings.Op) bool {
	for _, k := range op.Match {
		if k.Kind == mappings.MatchID && keyOf(k).Value != "" {
			return true
		}
	}
	return false
}

// dependsOnCreate reports whether p hangs on a record this run creates: a
// note or task an earlier run wrote cannot belong to it.
func dependsOnCreate(p *planOp) bool {
	for _, d := range p.deps {
		if d.action == journal.Create {
			return true
		}
	}
	return false
}

// sameRecord reports whether the existing record e shares a key (name,
// e-mail, phone, custom field, match key) with what op would write, or op
// brings no key to compare.
func sameRecord(k *kind, e *entry, op *mappings.Op) bool {
	mine := recordKeys(k, "", op.Body)
	for _, mk := range op.Match {
		if key := keyOf(mk); mk.Kind != mappings.MatchID && key.Value != "" {
			mine = append(mine, key)
		}
	}
	if len(mine) == 0 {
		return true
	}
	theirs := recordKeys(k, e.id, e.record())
	for _, a := range mine {
		for _, b := range theirs {
			if a == b {
				return true
			}
		}
	}
	return false
}

func (pl *planner) matched(p *planOp, op *mappings.Op, t *entry) {
	if t.planned != nil {
		p.targetOp = t.planned
		p.deps = append(p.deps, t.planned)
	}
	p.targetID = t.id
	switch op.OnMatch {
	case mappings.Fail:
		p.reject("match", "matches an existing record (%s, %s) and on_match is error", p.targetDesc(), p.matchKey)
		return
	case mappings.Skip:
		p.action, p.reason = journal.Skip, "matches an existing record and on_match is skip"
		return
	}
	if !p.kind.indexed() && t.raw == nil {
		// A note or task found by the journal's memory only (not read
		// from Capsule) is not diffed: written once, by an earlier run.
		p.action, p.reason = journal.NoChange, "written by an earlier run"
		return
	}
	rec := t.record()
	upd, changes, prev := diff(op.Body, op.Lists, rec, strings.HasPrefix(p.matchKey, "name="))
	// Refs: keep only those that change the record.
	var refs []refVal
	for _, r := range p.refs {
		cur := refID(rec[r.field])
		switch {
		case t.planned != nil && sameRef(t.planned.refs, r):
			// The planned record already gets this link.
		case r.dep != nil && (r.dep.resolvedID() == "" || r.dep.resolvedID() != cur):
			refs = append(refs, r)
			changes = append(changes, Change{Field: r.field, Old: rec[r.field], New: "row " + fmt.Sprint(r.dep.row) + " " + r.dep.record})
		case r.id != "" && r.id != cur:
			refs = append(refs, r)
			changes = append(changes, Change{Field: r.field, Old: rec[r.field], New: map[string]any{"id": r.id}})
		case r.name != "" && normText(r.name) != normText(str(asMap(rec[r.field])["name"])):
			refs = append(refs, r)
			changes = append(changes, Change{Field: r.field, Old: rec[r.field], New: map[string]any{"name": r.name}})
		}
		if r.dep != nil || r.id != cur {
			prev[r.field] = rec[r.field]
		}
	}
	p.refs = refs
	if len(upd) == 0 && len(refs) == 0 {
		p.action = journal.NoChange
		p.deps = nil
		if t.planned != nil {
			p.deps = []*planOp{t.planned}
		}
		return
	}
	p.action, p.diffs = journal.Update, changes
	p.fields = mustJSON(upd)
	p.previous = mustJSON(prev)
	if rec != nil {
		apply(rec, upd)
	}
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func (p *planOp) targetDesc() string {
	if p.targetOp != nil {
		return fmt.Sprintf("planned by row %d", p.targetOp.row)
	}
	return "id " + p.targetID
}

func (pl *planner) create(p *planOp, op *mappings.Op) {
	if op.OnNoMatch == mappings.SkipNew {
		p.action, p.reason = journal.Skip, "no existing record matches and on_no_match is skip"
		return
	}
	if len(op.Missing) > 0 {
		p.reject(op.Missing[0], "%s required to create the record but empty in this row", strings.Join(op.Missing, ", "))
		return
	}
	p.action = journal.Create
	p.fields = mustJSON(op.Body)
	for _, k := range op.Match {
		if k.Kind != mappings.MatchID {
			p.natural = append(p.natural, keyOf(k))
		}
	}
	if p.kind.indexed() {
		keys := recordKeys(p.kind, "", op.Body)
		p.view = op.Body
		p.natural = appendNew(p.natural, keys...)
		for _, k := range op.Match {
			keys = appendNew(keys, keyOf(k))
		}
		pl.ix.add(&entry{kind: p.kind, view: op.Body, planned: p}, keys)
	}
}

func appendNew(l []journal.MatchKey, ks ...journal.MatchKey) []journal.MatchKey {
	for _, k := range ks {
		dup := false
		for _, x := range l {
			if x == k {
				dup = true
				break
			}
		}
		if !dup {
			l = append(l, k)
		}
	}
	return l
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Bodies come from the mapping (strings, numbers, maps): a value
		// that cannot be encoded is a bug, reported in the request.
		b, _ = json.Marshal(map[string]string{"_error": err.Error()})
	}
	return b
}

// sameRef reports whether refs (of a planned create) set r's field to the
// same record.
func sameRef(refs []refVal, r refVal) bool {
	for _, x := range refs {
		if x.field == r.field {
			return (x.dep != nil && x.dep == r.dep) || (x.id != "" && x.id == r.id) || (x.name != "" && normText(x.name) == normText(r.name))
		}
	}
	return false
}
