package capsule

// Entry is a timeline entry: a note, an email or a completed-task record.
// The API creates notes only, linked to exactly one party, opportunity or kase.
type Entry struct {
	ID           int64          `json:"id,omitzero"`
	Type         Opt[string]    `json:"type,omitzero"`
	CreatedAt    Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt    Opt[Timestamp] `json:"updatedAt,omitzero"`
	EntryAt      Opt[Timestamp] `json:"entryAt,omitzero"`
	Subject      Opt[string]    `json:"subject,omitzero"`
	Content      Opt[string]    `json:"content,omitzero"`
	Attachments  []Attachment   `json:"attachments,omitzero"`
	Creator      Opt[UserRef]   `json:"creator,omitzero"`
	ActivityType Opt[Ref]       `json:"activityType,omitzero"`
	Party        Opt[PartyRef]  `json:"party,omitzero"`
	Opportunity  Opt[Ref]       `json:"opportunity,omitzero"`
	Kase         Opt[Ref]       `json:"kase,omitzero"`
	Parties      []PartyRef     `json:"parties,omitzero"`
	Participants []Participant  `json:"participants,omitzero"`
}

// EntryNote is the only entry type the API creates.
const EntryNote = "note"

// Attachment is a file on an entry; Token references an upload on write.
type Attachment struct {
	ID          int64       `json:"id,omitzero"`
	Token       Opt[string] `json:"token,omitzero"`
	Filename    Opt[string] `json:"filename,omitzero"`
	ContentType Opt[string] `json:"contentType,omitzero"`
	Size        Opt[int64]  `json:"size,omitzero"`
}

// Participant is an email participant.
type Participant struct {
	ID      int64       `json:"id,omitzero"`
	Address Opt[string] `json:"address,omitzero"`
	Name    Opt[string] `json:"name,omitzero"`
	Role    Opt[string] `json:"role,omitzero"`
}
