package importer

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// Two rows that resolve to the same Capsule record (the same e-mail twice
// in a CRM export, one record found by the journal's memory for both) are
// written once, by a rule that gives the same result on every run, so a
// rerun of a finished input sends nothing:
//
//   - merge (the default): the earlier row comes first. A later row adds
//     only what no earlier row of the record sets: values of list fields
//     merged by value (emails, phones, tags...), fields and custom fields
//     the earlier rows leave empty. Its other values are left out, with a
//     warning naming them;
//   - skip: the later row is skipped;
//   - reject: the later row is rejected (it goes to the errors file).
//
// Each later row is reported ("rows 2 and 5 are the same person"), except
// for a record other records of the row link to (the organisation of many
// people): sharing it is what such a record is for.

// claim is what the rows so far set on one record.
type claim struct {
	first  *planOp
	body   map[string]any // earlier rows' fields, by body key
	owned  bool           // body is a copy (it is extended by later rows)
	custom map[string]any // custom field values by normalised name
	refs   []refVal
}

func (c *claim) own() {
	if c.owned {
		return
	}
	b := make(map[string]any, len(c.body))
	for k, v := range c.body {
		b[k] = v
	}
	c.body, c.owned = b, true
}

// claimKey identifies the record t across the rows of this run.
func claimKey(p *planOp, t *entry) string {
	if t.planned != nil {
		return fmt.Sprintf("planned\x00%d", t.planned.seq)
	}
	return p.kind.label + "\x00" + t.id
}

func newClaim(first *planOp, body map[string]any, refs []refVal) *claim {
	c := &claim{first: first, body: body, custom: map[string]any{}, refs: append([]refVal(nil), refs...)}
	for _, f := range items(body["fields"]) {
		c.custom[fieldName(f)] = f["value"]
	}
	return c
}

// duplicate applies the rule when p resolves to a record an earlier row of
// the run already resolved to. It reports whether p goes on to be diffed
// against the record (false: skipped or rejected).
func (pl *planner) duplicate(p *planOp, op *mappings.Op, t *entry) bool {
	if pl.claims == nil {
		pl.claims = map[string]*claim{}
	}
	key := claimKey(p, t)
	c := pl.claims[key]
	if c == nil {
		if t.planned != nil {
			c = newClaim(t.planned, t.planned.view, t.planned.refs)
		} else {
			// p is the first row of this record: later rows merge into it.
			pl.claims[key] = newClaim(p, op.Body, p.refs)
			return true
		}
		pl.claims[key] = c
	}
	first := c.first
	if first.in == p.in && first.row == p.row {
		return true
	}
	what := singular(p.kind.label)
	same := fmt.Sprintf("rows %d and %d are the same %s (%s)", first.row, p.row, what, p.matchKey)
	if first.in != p.in {
		same = fmt.Sprintf("%s row %d and this row are the same %s (%s)", first.in.name, first.row, what, p.matchKey)
	}
	switch op.Duplicates {
	case "skip":
		// Links of the row's other records still go to the record.
		if t.planned != nil {
			p.targetOp = t.planned
			p.deps = append(p.deps, t.planned)
		}
		p.targetID = t.id
		p.action, p.reason = journal.Skip, same+"; duplicates: skip"
		p.warn("", "duplicates", "%s: skipped, row %d is written", same, first.row)
		return false
	case "reject":
		p.reject("match", "%s; duplicates: reject (remove one of the rows, or set duplicates: merge)", same)
		return false
	}
	left := pl.mergeInto(c, p, op)
	switch {
	case len(left) > 0:
		p.warn("", "duplicates", "%s: merged, row %d comes first; left out of row %d: %s (set duplicates: skip or reject in the mapping to decide otherwise)",
			same, first.row, p.row, strings.Join(left, "; "))
	case !pl.rowParents[p.record]:
		p.warn("", "duplicates", "%s: merged into one, row %d comes first", same, first.row)
	}
	return true
}

// mergeInto drops from op what earlier rows of the record set and adds the
// rest to the claim; it returns the values left out that differ.
func (pl *planner) mergeInto(c *claim, p *planOp, op *mappings.Op) []string {
	var left []string
	keys := make([]string, 0, len(op.Body))
	for k := range op.Body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := op.Body[k]
		switch {
		case k == "type":
		case k == "fields":
			var keep []any
			for _, f := range items(v) {
				n := fieldName(f)
				if fv, ok := c.custom[n]; ok {
					if !sameJSON(fv, f["value"]) {
						left = append(left, fmt.Sprintf("%s %s (row %d: %s)", fieldLabel(f), jsonText(f["value"]), c.first.row, jsonText(fv)))
					}
					continue
				}
				c.custom[n] = f["value"]
				keep = append(keep, f)
			}
			if len(keep) == 0 {
				delete(op.Body, k)
			} else {
				op.Body[k] = keep
			}
		case isListField(k) && op.Lists[k] == mappings.ListMerge:
			// Merged by value: adding the later row's values is stable.
		default:
			if fv, ok := c.body[k]; ok {
				if !sameJSON(fv, v) {
					left = append(left, fmt.Sprintf("%s %s (row %d: %s)", k, jsonText(v), c.first.row, jsonText(fv)))
				}
				delete(op.Body, k)
				continue
			}
			c.own()
			c.body[k] = v
		}
	}
	var refs []refVal
	for _, r := range p.refs {
		if sameRef(c.refs, r) {
			continue
		}
		if hasRefField(c.refs, r.field) {
			left = append(left, fmt.Sprintf("%s (row %d links another)", r.field, c.first.row))
			continue
		}
		c.refs = append(c.refs, r)
		refs = append(refs, r)
	}
	p.refs = refs
	return left
}

func hasRefField(refs []refVal, field string) bool {
	for _, r := range refs {
		if r.field == field {
			return true
		}
	}
	return false
}

func isListField(k string) bool {
	switch k {
	case "emailAddresses", "phoneNumbers", "addresses", "websites", "tags":
		return true
	}
	return false
}

func sameJSON(a, b any) bool { return bytes.Equal(mustJSON(a), mustJSON(b)) }

func jsonText(v any) string { return string(mustJSON(v)) }

func fieldLabel(f map[string]any) string {
	def, _ := f["definition"].(map[string]any)
	return "fields." + str(def["name"])
}

// singular names one record of a kind label.
func singular(label string) string {
	switch label {
	case "people":
		return "person"
	case "organisations":
		return "organisation"
	case "opportunities":
		return "opportunity"
	case "projects":
		return "project"
	}
	return strings.TrimSuffix(label, "s")
}
