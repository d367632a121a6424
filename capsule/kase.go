package capsule

// Kase is a project (called "kase" everywhere in the API).
type Kase struct {
	ID                     int64          `json:"id,omitzero"`
	Owner                  Opt[UserRef]   `json:"owner,omitzero"`
	Team                   Opt[Ref]       `json:"team,omitzero"`
	Party                  Opt[PartyRef]  `json:"party,omitzero"`
	Status                 Opt[string]    `json:"status,omitzero"`
	Opportunity            Opt[Ref]       `json:"opportunity,omitzero"`
	Stage                  Opt[Ref]       `json:"stage,omitzero"`
	CreatedAt              Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt              Opt[Timestamp] `json:"updatedAt,omitzero"`
	Description            Opt[string]    `json:"description,omitzero"`
	Name                   Opt[string]    `json:"name,omitzero"`
	ClosedOn               Opt[Date]      `json:"closedOn,omitzero"`
	LastContactedAt        Opt[Timestamp] `json:"lastContactedAt,omitzero"`
	ExpectedCloseOn        Opt[Date]      `json:"expectedCloseOn,omitzero"`
	StartOn                Opt[Date]      `json:"startOn,omitzero"`
	Tags                   []TagRef       `json:"tags,omitzero"`
	Fields                 []CustomField  `json:"fields,omitzero"`
	MissingImportantFields Opt[bool]      `json:"missingImportantFields,omitzero"`
	Tracks                 []TrackApply   `json:"tracks,omitzero"`
}

// Kase statuses.
const (
	KaseOpen   = "OPEN"
	KaseClosed = "CLOSED"
)

// DeletedKases is the answer of GET /kases/deleted.
type DeletedKases struct {
	Kases           []DeletedRecord `json:"kases"`
	RestrictedKases []Ref           `json:"restrictedKases,omitzero"`
}
