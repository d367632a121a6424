package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// resolveRefs fills p.refs from the op's Refs; false when p was rejected.
func (pl *planner) resolveRefs(p *planOp, op *mappings.Op, row []*planOp) bool {
	for _, ref := range op.Refs {
		switch ref.Kind {
		case mappings.RefRecord:
			var t *planOp
			for _, x := range row {
				if x.record == ref.Record {
					t = x
				}
			}
			switch {
			case t == nil || (t.action == journal.Skip && t.resolvedID() == "" && t.targetOp == nil):
				// The referred record is not written for this row: leave the
				// link out rather than guess. (A record skipped because it
				// matches one planned by an earlier row is linked to that one.)
			case t.action == journal.Reject:
				p.reject(ref.Field, "depends on record %q of row %d which was rejected (%s)", ref.Record, t.row, t.reason)
				return false
			default:
				p.addRef(ref.Field, t)
			}
		case mappings.RefOrganisation, mappings.RefParty, mappings.RefOpportunity, mappings.RefKase:
			found := pl.linkTargets(ref)
			switch {
			case len(found) == 1:
				e := found[0]
				if e.planned != nil {
					p.addRef(ref.Field, e.planned)
				} else {
					p.refs = append(p.refs, refVal{field: ref.Field, id: e.id})
				}
			case len(found) > 1:
				p.reject(ref.Field, "%s %q is ambiguous: %s; make the name unique in Capsule or refer to the record by id",
					ref.Kind, ref.Name, describe(found))
				return false
			case pl.offline && pl.rd == nil:
				// Offline nothing can be looked up: the plan shows the name.
				p.refs = append(p.refs, refVal{field: ref.Field, name: ref.Name})
			case ref.Name == "":
				p.reject(ref.Field, "no %s with id %s in Capsule and no name to look up; fill the name column, or fix the id", ref.Kind, ref.ID)
				return false
			default:
				// Not guessed and not left to Capsule (which would create an
				// organisation per row): a record in the mapping creates it once.
				p.reject(ref.Field, "no %s named %q in Capsule or earlier in the input; fix the value, or add a record "+
					"for it to the mapping (it is then created once and linked)", ref.Kind, ref.Name)
				return false
			}
		default:
			if pl.rd == nil {
				p.refs = append(p.refs, refVal{field: ref.Field, name: ref.Name})
				continue
			}
			id, what := pl.rd.lookup(ref)
			if id == "" && optionalRef(ref.Kind) {
				// Capsule takes the record without it (an owner from the
				// old CRM who is not a user here, a team or category not
				// set up yet): the field is left unset and the row warned.
				p.warn("", ref.Field, "%s; %s left unset (add it in Capsule and import again to set it)", what, ref.Field)
				continue
			}
			if id == "" {
				p.reject(ref.Field, "%s; fix the value or add it in Capsule", what)
				return false
			}
			p.refs = append(p.refs, refVal{field: ref.Field, id: id})
		}
	}
	return true
}

// optionalRef tells the lookups Capsule does without: a record is stored
// with no owner (the account's default then), team, lost reason or task
// category, so one that finds nothing leaves the field unset. A milestone
// is required on an opportunity and stays a rejection.
func optionalRef(k mappings.RefKind) bool {
	switch k {
	case mappings.RefOwner, mappings.RefTeam, mappings.RefLostReason, mappings.RefCategory:
		return true
	}
	return false
}

func (rd *refData) lookup(ref mappings.Ref) (id, problem string) {
	n := normText(ref.Name)
	switch ref.Kind {
	case mappings.RefOwner:
		return rd.users[n], fmt.Sprintf("no user with the name, username or e-mail %q", ref.Name)
	case mappings.RefMilestone:
		return rd.milestones[normText(ref.Pipeline)+"\x00"+n], fmt.Sprintf("no milestone %q in pipeline %q", ref.Name, ref.Pipeline)
	case mappings.RefTeam:
		return rd.teams[n], fmt.Sprintf("no team named %q", ref.Name)
	case mappings.RefLostReason:
		return rd.lostReason[n], fmt.Sprintf("no lost reason %q", ref.Name)
	case mappings.RefCategory:
		return rd.categories[n], fmt.Sprintf("no task category %q", ref.Name)
	}
	return "", fmt.Sprintf("cannot resolve %s %q", ref.Kind, ref.Name)
}

// linkTargets finds the records a link by name (and id) may point at.
//
// The id finds the record itself in this account, or the create this run
// planned from a row whose ID column holds it (an export of another account
// imported in one run). It is used when the file names no one else: when
// the name also finds records and the id's record is not among them, the id
// belongs to another account (two sandboxes number records alike) and the
// name decides. When the name finds nothing, the id's record was renamed
// since the export and is still the one meant.
func (pl *planner) linkTargets(ref mappings.Ref) []*entry {
	if ref.ID != "" && pl.remembered != nil {
		// The journal's map from source ids to the records created for
		// them (an export of another account, imported by an earlier run
		// or file) is the answer when it has one: neither the name, which
		// may repeat in this account, nor the id, which this account may
		// give to another record.
		for _, k := range refKinds(ref.Kind) {
			if id := pl.remembered(k.label, sourceIDKey(k, ref.ID)); id != "" {
				if e := pl.ix.get(k, id); e != nil {
					return []*entry{e}
				}
			}
		}
	}
	var byID, byName []*entry
	for _, k := range refKinds(ref.Kind) {
		if ref.ID != "" {
			byID = append(byID, pl.othersLeftOut(k, ref.ID, pl.ix.find(k, journal.MatchKey{Kind: "id", Value: ref.ID}))...)
		}
		if ref.Name != "" {
			byName = append(byName, pl.othersLeftOut(k, ref.ID, pl.ix.find(k, journal.MatchKey{Kind: "name", Value: normText(ref.Name)}))...)
		}
	}
	switch {
	case len(byID) == 1 && (ref.Name == "" || slices.Contains(byName, byID[0])):
		return byID
	case len(byName) > 0:
		return byName
	}
	return byID
}

// layoutRecords are the record names of the export layout's mapping
// (mappings/layout) by kind: its rows are keyed by their exported ID, so the
// journal remembers "<record>/<ID>" for each record it created.
var layoutRecords = map[*kind]string{kindOrg: "organisation", kindPers: "person", kindOpp: "opportunity",
	kindKase: "project", kindEntry: "note", kindTask: "task"}

// sourceIDKey is the journal's source key of the record created from the
// exported row with id srcID.
func sourceIDKey(k *kind, srcID string) string { return layoutRecords[k] + "/" + srcID }

// isSourceIDKey tells a journal source key made from an exported Capsule
// id ("person/338") from one made from a file's row ("person/a.csv#2").
func isSourceIDKey(key string) bool {
	i := strings.LastIndexByte(key, '/')
	if i < 0 || i == len(key)-1 {
		return false
	}
	for _, c := range key[i+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// othersLeftOut drops from found, for a link to the exported record srcID,
// the records made for another exported record: by an earlier run (the
// journal remembers it) or planned by this one. Such a record is another
// row's, whatever its id or name says: two accounts number records alike,
// and names repeat.
func (pl *planner) othersLeftOut(k *kind, srcID string, found []*entry) []*entry {
	if srcID == "" || len(found) == 0 {
		return found
	}
	want := sourceIDKey(k, srcID)
	prefix := layoutRecords[k] + "/"
	out := found[:0:0]
	for _, e := range found {
		owner := ""
		if e.planned != nil {
			owner = e.planned.srcKey
		} else if pl.owner != nil {
			owner = pl.owner(e.kind.label, e.id)
		}
		if strings.HasPrefix(owner, prefix) && isSourceIDKey(owner) && owner != want {
			continue
		}
		out = append(out, e)
	}
	return out
}

// addRef links p to the op t (of this row or an earlier one).
func (p *planOp) addRef(field string, t *planOp) {
	switch {
	case t.action == journal.Create:
		p.refs = append(p.refs, refVal{field: field, dep: t})
		p.deps = append(p.deps, t)
	case t.targetOp != nil:
		p.refs = append(p.refs, refVal{field: field, dep: t.targetOp})
		p.deps = append(p.deps, t.targetOp)
	default:
		p.refs = append(p.refs, refVal{field: field, id: t.targetID})
	}
}

func describe(es []*entry) string {
	var s []string
	for _, e := range es {
		if e.planned != nil {
			s = append(s, fmt.Sprintf("row %d of %s (planned)", e.planned.row, e.planned.in.name))
		} else {
			s = append(s, "id "+e.id)
		}
	}
	return "found " + strings.Join(s, " and ")
}

// refKinds are the kinds a lookup by name searches.
func refKinds(k mappings.RefKind) []*kind {
	switch k {
	case mappings.RefOrganisation:
		return []*kind{kindOrg}
	case mappings.RefParty:
		return []*kind{kindOrg, kindPers}
	case mappings.RefOpportunity:
		return []*kind{kindOpp}
	}
	return []*kind{kindKase}
}
