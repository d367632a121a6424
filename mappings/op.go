package mappings

// Op is one intended Capsule write computed from one row by Program.Eval.
// The importer resolves Refs against the account, applies Match, and sends
// Body wrapped in its entity key ({"party": Body}).
type Op struct {
	Record    string `json:"record,omitempty"` // the mapping's record name, e.g. "company"
	Entity    Entity `json:"entity,omitempty"`
	PartyType string `json:"partyType,omitempty"` // person | organisation for parties, else ""
	// Skipped is true when the record's `when` condition was false for this
	// row: the importer writes nothing for it (and refs to it resolve to
	// nothing, so a person whose company was skipped is created unlinked).
	Skipped bool `json:"skipped,omitempty"`
	// SkipReason says why when Skipped is not the record's `when` (a blank
	// row is skipped by every record).
	SkipReason string `json:"skipReason,omitempty"`
	// Body is the Capsule JSON body without the wrapper key, using Capsule's
	// symbolic forms: tags {"name": ...}, custom fields {"definition":
	// {"name": ...}, "value": ...}, addresses with Capsule country names.
	// Fields listed in Refs are absent until the importer sets them.
	Body      map[string]any `json:"body,omitempty"`
	Refs      []Ref          `json:"refs,omitempty"`
	Match     []MatchKey     `json:"match,omitempty"` // ordered; keys whose value is blank in this row are left out
	OnMatch   OnMatch        `json:"onMatch,omitempty"`
	OnNoMatch OnNoMatch      `json:"onNoMatch,omitempty"`
	// Duplicates says what the importer does with a row that resolves to
	// the same record as an earlier row: "" (merge: the earlier row comes
	// first, the later adds what it leaves empty), "skip" or "reject".
	Duplicates string `json:"duplicates,omitempty"`
	// Lists gives the update semantics of each list field in Body
	// (emailAddresses, phoneNumbers, addresses, websites, tags, fields). It is
	// shared between rows: do not modify.
	Lists map[string]ListMode `json:"lists,omitempty"`
	// SourceKey identifies the source row across runs (source.key), "" when
	// the mapping names no key column.
	SourceKey string `json:"sourceKey,omitempty"`
	// Missing lists fields Capsule requires on create that this row leaves
	// empty; the importer rejects the row if it would create the record.
	Missing []string   `json:"missing,omitempty"`
	Errors  []RowError `json:"errors,omitempty"` // problems with this row for this record; any makes the row rejected
	// Warnings are values kept as written that the user should look at
	// (a phone number that does not fit its region): the row is written.
	Warnings []RowError `json:"warnings,omitempty"`
}

// RefKind is what an unresolved reference points at.
type RefKind string

// Reference kinds. RefRecord points at another op of the same row; the others
// name something the importer looks up in the account.
const (
	RefRecord       RefKind = "record"
	RefOrganisation RefKind = "organisation" // by name; Capsule itself would create a missing one
	RefParty        RefKind = "party"        // by name
	RefOpportunity  RefKind = "opportunity"  // by name
	RefKase         RefKind = "kase"         // by name
	RefMilestone    RefKind = "milestone"    // Name within Pipeline
	RefOwner        RefKind = "owner"        // user name, username or email
	RefTeam         RefKind = "team"
	RefLostReason   RefKind = "lostReason"
	RefCategory     RefKind = "category"
)

// Ref is a body field the importer must fill with {"id": n} before writing.
type Ref struct {
	Field    string  `json:"field,omitempty"` // body key, e.g. "organisation", "party", "milestone", "owner"
	Kind     RefKind `json:"kind,omitempty"`
	Record   string  `json:"record,omitempty"`   // RefRecord: the record name in this mapping
	Name     string  `json:"name,omitempty"`     // lookups: the name (or email) to find
	Pipeline string  `json:"pipeline,omitempty"` // RefMilestone: pipeline name
	// ID is the linked record's Capsule id, when the mapping reads one
	// (`id: Column`): the importer links by it when the record exists in
	// the account and falls back to Name otherwise (a file exported from
	// another account).
	ID string `json:"id,omitempty"`
}

// MatchKind names a way to find an existing record.
type MatchKind string

// Match kinds, tried in the order the mapping lists them.
const (
	MatchEmail MatchKind = "email" // Value: lower-case address
	MatchPhone MatchKind = "phone" // Value: E.164
	MatchName  MatchKind = "name"  // Value: organisation/opportunity/project name, or "First Last"
	MatchField MatchKind = "field" // Field: custom field name; Value: its value
	MatchID    MatchKind = "id"    // Value: Capsule id
)

// MatchKey is one computed key.
type MatchKey struct {
	Kind  MatchKind `json:"kind,omitempty"`
	Field string    `json:"field,omitempty"`
	Value string    `json:"value,omitempty"`
}

// OnMatch says what happens when a match key finds a record.
type OnMatch string

// OnNoMatch says what happens when no key finds a record.
type OnNoMatch string

// ListMode is how a list field is written onto an existing record.
type ListMode string

// Values of OnMatch, OnNoMatch and ListMode.
const (
	Update OnMatch = "update"
	Skip   OnMatch = "skip"
	Fail   OnMatch = "error"

	Create      OnNoMatch = "create"
	SkipNew     OnNoMatch = "skip"
	ListMerge   ListMode  = "merge"   // add values not already present (compared normalised)
	ListAppend  ListMode  = "append"  // add every value
	ListReplace ListMode  = "replace" // delete values not in the row, then add
)

// RowError is one reason a row is rejected, naming the column.
type RowError struct {
	Record  string `json:"record,omitempty"`
	Field   string `json:"field,omitempty"`  // mapping path, e.g. records.person.fields.emailAddresses[0].address
	Column  string `json:"column,omitempty"` // source column, "" for constants and expressions
	Message string `json:"message,omitempty"`
}

func (e RowError) Error() string {
	s := e.Field
	if e.Column != "" {
		s += " (column " + quote(e.Column) + ")"
	}
	return s + ": " + e.Message
}

func quote(s string) string { return "\"" + s + "\"" }
