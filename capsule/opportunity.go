package capsule

// Opportunity is a sales opportunity.
type Opportunity struct {
	ID                     int64          `json:"id,omitzero"`
	Name                   Opt[string]    `json:"name,omitzero"`
	Description            Opt[string]    `json:"description,omitzero"`
	Party                  Opt[PartyRef]  `json:"party,omitzero"`
	Milestone              Opt[Ref]       `json:"milestone,omitzero"`
	LastOpenMilestone      Opt[Ref]       `json:"lastOpenMilestone,omitzero"`
	Owner                  Opt[UserRef]   `json:"owner,omitzero"`
	Team                   Opt[Ref]       `json:"team,omitzero"`
	Value                  Opt[Money]     `json:"value,omitzero"`
	ExpectedCloseOn        Opt[Date]      `json:"expectedCloseOn,omitzero"`
	Probability            Opt[int]       `json:"probability,omitzero"`
	DurationBasis          Opt[string]    `json:"durationBasis,omitzero"`
	Duration               Opt[int]       `json:"duration,omitzero"`
	ClosedOn               Opt[Date]      `json:"closedOn,omitzero"`
	LostReason             Opt[Ref]       `json:"lostReason,omitzero"`
	CreatedAt              Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt              Opt[Timestamp] `json:"updatedAt,omitzero"`
	LastContactedAt        Opt[Timestamp] `json:"lastContactedAt,omitzero"`
	LastStageChangedAt     Opt[Timestamp] `json:"lastStageChangedAt,omitzero"`
	Tags                   []TagRef       `json:"tags,omitzero"`
	Fields                 []CustomField  `json:"fields,omitzero"`
	MissingImportantFields Opt[bool]      `json:"missingImportantFields,omitzero"`
	Tracks                 []TrackApply   `json:"tracks,omitzero"`
}

// Money is an opportunity value: amount per duration unit in a currency code.
type Money struct {
	Amount   Opt[float64] `json:"amount,omitzero"`
	Currency Opt[string]  `json:"currency,omitzero"`
}

// TrackApply applies a track definition when creating an opportunity or kase.
type TrackApply struct {
	Definition Ref `json:"definition"`
}

// DeletedOpportunities is the answer of GET /opportunities/deleted.
type DeletedOpportunities struct {
	Opportunities           []DeletedRecord `json:"opportunities"`
	RestrictedOpportunities []Ref           `json:"restrictedOpportunities,omitzero"`
}
