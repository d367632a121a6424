package importer

import (
	"encoding/json"
	"strconv"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats/files"

	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// kind describes one Capsule entity as the importer writes it: the words
// come from capsule's table of kinds.
type kind struct {
	label   string // summary and journal entity (capsule.Kind.Name): organisations, people, ...
	path    string // API collection: parties, opportunities, kases, entries, tasks
	wrapper string // JSON wrapper key: party, opportunity, kase, entry, task
	rank    int    // relationship order when refs do not decide it
}

func newKind(k *capsule.Kind, rank int) *kind { return &kind{k.Name, k.Path, k.Wrapper, rank} }

var (
	kindOrg   = newKind(capsule.Organisations, 0)
	kindPers  = newKind(capsule.People, 1)
	kindOpp   = newKind(capsule.Opportunities, 2)
	kindKase  = newKind(capsule.Projects, 2)
	kindEntry = newKind(capsule.Notes, 3)
	kindTask  = newKind(capsule.Tasks, 3)
	kinds     = []*kind{kindOrg, kindPers, kindOpp, kindKase, kindEntry, kindTask}
)

func kindOf(op *mappings.Op) *kind {
	switch op.Entity {
	case mappings.EntityParty:
		if op.PartyType == "organisation" {
			return kindOrg
		}
		return kindPers
	case mappings.EntityOpportunity:
		return kindOpp
	case mappings.EntityKase:
		return kindKase
	case mappings.EntityEntry:
		return kindEntry
	}
	return kindTask
}

// indexed reports whether records of k are kept in the matching index.
func (k *kind) indexed() bool { return k.rank < 3 }

// input is one INPUT file of the command.
type input struct {
	path    string
	name    string // as given on the command line, for messages
	sheet   string
	header  []string
	rows    int
	prog    *mappings.Program
	srcOpts files.Options
	// delim and bom make the errors file of a CSV input look like the input
	// to the spreadsheet that made it (a ";" file from a German Excel).
	delim rune
	bom   bool
	// origFile/origRow are the columns of an errors file being re-imported
	// (-1 when absent): they keep the source key of a row stable.
	origFile, origRow int
	unguard           bool // an errors file written as CSV: take the formula guard off its cells
}

// planOp is one planned operation: one record of the mapping for one row.
type planOp struct {
	seq    int
	in     *input
	row    int // spreadsheet row in in
	rowIdx int // ordinal of the row across all inputs
	srcKey string
	record string
	kind   *kind
	action journal.Action

	reason   string    // why rejected / skipped
	warnings []Warning // kept as written, same record as an earlier row...
	field    string    // the mapping path or column the reason is about
	rowErr   bool      // rejected for values of the row (reason shared by its ops)

	matchKey  string   // the key that found the target
	targetID  string   // existing record updated / unchanged
	ambiguous []string // ids a key found more than once
	targetOp  *planOp  // the planned create this op updates (duplicate in the input)

	// body is the JSON object sent (create: every field; update: changed
	// ones), without the ref fields, which are spliced in at send time.
	fields   []byte
	refs     []refVal
	deps     []*planOp // ops that must be done before this one
	level    int
	diffs    []Change
	previous json.RawMessage
	natural  []journal.MatchKey

	// view is the record as it will look once created, for later rows of
	// the input that match it (duplicates inside the input).
	view map[string]any

	// filled while writing
	jid     int64
	jop     journal.Op
	id      string // Capsule id once done (or the target's id)
	state   journal.State
	message string
	inDoubt bool
}

// refVal is a reference field to set to {"id": n} when sending: a known
// id, or the planned op that will produce it.
type refVal struct {
	field string
	id    string
	dep   *planOp
	name  string // offline or unresolved lookups: sent as {"name": ...}
}

// Change is one field of a planned update: the value in Capsule and the
// value the row brings.
type Change struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

func (o *planOp) where() string {
	s := o.in.name
	if o.in.sheet != "" {
		s += " sheet " + strconv.Quote(o.in.sheet)
	}
	return s + " row " + strconv.Itoa(o.row)
}

// resolvedID is the Capsule id a reference to o uses, "" when not known yet.
func (o *planOp) resolvedID() string {
	if o.id != "" {
		return o.id
	}
	return o.targetID
}

// failedDep is the failed or rejected planned record an unchanged or
// skipped duplicate relied on: the duplicate's row failed with it.
func (o *planOp) failedDep() *planOp {
	if o.targetOp != nil && (o.action == journal.NoChange || o.action == journal.Skip) &&
		(o.targetOp.state == journal.Failed || o.targetOp.action == journal.Reject) {
		return o.targetOp
	}
	return nil
}
