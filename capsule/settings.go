package capsule

// Tag is a tag definition of one entity type (ids are unique per entity).
type Tag struct {
	ID          int64       `json:"id,omitzero"`
	Name        Opt[string] `json:"name,omitzero"`
	Description Opt[string] `json:"description,omitzero"`
	DataTag     Opt[bool]   `json:"dataTag,omitzero"`
}

// FieldDefinition describes a custom field of one entity type.
type FieldDefinition struct {
	ID           int64       `json:"id,omitzero"`
	Type         Opt[string] `json:"type,omitzero"`
	Description  Opt[string] `json:"description,omitzero"`
	Important    Opt[bool]   `json:"important,omitzero"`
	DisplayOrder Opt[int]    `json:"displayOrder,omitzero"`
	Name         Opt[string] `json:"name,omitzero"`
	Tag          Opt[TagRef] `json:"tag,omitzero"`
	CaptureRule  Opt[string] `json:"captureRule,omitzero"`
	Options      []string    `json:"options,omitzero"`
}

// Pipeline is an opportunity pipeline.
type Pipeline struct {
	ID                 int64          `json:"id,omitzero"`
	Name               Opt[string]    `json:"name,omitzero"`
	Description        Opt[string]    `json:"description,omitzero"`
	CreatedAt          Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt          Opt[Timestamp] `json:"updatedAt,omitzero"`
	Deleted            Opt[bool]      `json:"deleted,omitzero"`
	OpenMilestoneCount Opt[int]       `json:"openMilestoneCount,omitzero"`
}

// Milestone is a pipeline stage; Complete marks closing milestones (Won/Lost).
type Milestone struct {
	ID             int64          `json:"id,omitzero"`
	Name           Opt[string]    `json:"name,omitzero"`
	Description    Opt[string]    `json:"description,omitzero"`
	Complete       Opt[bool]      `json:"complete,omitzero"`
	Probability    Opt[int]       `json:"probability,omitzero"`
	DaysUntilStale Opt[int]       `json:"daysUntilStale,omitzero"`
	Pipeline       Opt[Ref]       `json:"pipeline,omitzero"`
	DisplayOrder   Opt[int]       `json:"displayOrder,omitzero"`
	CreatedAt      Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt      Opt[Timestamp] `json:"updatedAt,omitzero"`
}

// LostReason is a reason for losing an opportunity.
type LostReason struct {
	ID                    int64          `json:"id,omitzero"`
	Name                  Opt[string]    `json:"name,omitzero"`
	IncludedForConversion Opt[bool]      `json:"includedForConversion,omitzero"`
	CreatedAt             Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt             Opt[Timestamp] `json:"updatedAt,omitzero"`
}

// Board is a project board.
type Board struct {
	ID          int64          `json:"id,omitzero"`
	Name        Opt[string]    `json:"name,omitzero"`
	Description Opt[string]    `json:"description,omitzero"`
	CreatedAt   Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt   Opt[Timestamp] `json:"updatedAt,omitzero"`
	Deleted     Opt[bool]      `json:"deleted,omitzero"`
}

// Stage is a board column.
type Stage struct {
	ID           int64          `json:"id,omitzero"`
	Name         Opt[string]    `json:"name,omitzero"`
	Description  Opt[string]    `json:"description,omitzero"`
	Board        Opt[Ref]       `json:"board,omitzero"`
	DisplayOrder Opt[int]       `json:"displayOrder,omitzero"`
	CreatedAt    Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt    Opt[Timestamp] `json:"updatedAt,omitzero"`
}

// User is a Capsule user.
type User struct {
	ID                        int64          `json:"id,omitzero"`
	Username                  Opt[string]    `json:"username,omitzero"`
	Name                      Opt[string]    `json:"name,omitzero"`
	PictureURL                Opt[string]    `json:"pictureURL,omitzero"`
	Locale                    Opt[string]    `json:"locale,omitzero"`
	Currency                  Opt[string]    `json:"currency,omitzero"`
	Timezone                  Opt[string]    `json:"timezone,omitzero"`
	Status                    Opt[string]    `json:"status,omitzero"`
	LastLoginAt               Opt[Timestamp] `json:"lastLoginAt,omitzero"`
	TaskReminder              Opt[bool]      `json:"taskReminder,omitzero"`
	Party                     Opt[PartyRef]  `json:"party,omitzero"`
	ClickToCallPreference     Opt[string]    `json:"clickToCallPreference,omitzero"`
	EmailPreference           Opt[string]    `json:"emailPreference,omitzero"`
	PreferredEmailFromAddress Opt[string]    `json:"preferredEmailFromAddress,omitzero"`
}

// Team is a group of users.
type Team struct {
	ID          int64          `json:"id,omitzero"`
	Name        Opt[string]    `json:"name,omitzero"`
	CreatedAt   Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt   Opt[Timestamp] `json:"updatedAt,omitzero"`
	Memberships []Membership   `json:"memberships,omitzero"`
}

// Membership is a team member (embed=memberships).
type Membership struct {
	User Opt[UserRef] `json:"user,omitzero"`
}

// Country is an entry of /countries; Name is what addresses store.
type Country struct {
	Alpha2Code  Opt[string] `json:"alpha2Code,omitzero"`
	Alpha3Code  Opt[string] `json:"alpha3Code,omitzero"`
	NumericCode Opt[int]    `json:"numericCode,omitzero"`
	Name        Opt[string] `json:"name,omitzero"`
}

// Currency is an entry of /currencies.
type Currency struct {
	Code       Opt[string] `json:"code,omitzero"`
	Symbol     Opt[string] `json:"symbol,omitzero"`
	Name       Opt[string] `json:"name,omitzero"`
	PluralName Opt[string] `json:"pluralName,omitzero"`
}

// ActivityType classifies entries (built-in ids are negative: -1 Note, ...).
type ActivityType struct {
	ID                  int64             `json:"id,omitzero"`
	Name                Opt[string]       `json:"name,omitzero"`
	Icon                Opt[ActivityIcon] `json:"icon,omitzero"`
	UpdateLastContacted Opt[bool]         `json:"updateLastContacted,omitzero"`
}

// ActivityIcon is an activity type's icon.
type ActivityIcon struct {
	ID          Opt[string] `json:"id,omitzero"`
	Order       Opt[int]    `json:"order,omitzero"`
	DisplayName Opt[string] `json:"displayName,omitzero"`
	IconName    Opt[string] `json:"iconName,omitzero"`
	IsSystem    Opt[bool]   `json:"isSystem,omitzero"`
}

// Site is the account ({url, subdomain, name}).
type Site struct {
	URL       Opt[string] `json:"url,omitzero"`
	Subdomain Opt[string] `json:"subdomain,omitzero"`
	Name      Opt[string] `json:"name,omitzero"`
}

// Job is a queued long-running operation (after a 202).
type Job struct {
	ID       string      `json:"id,omitzero"`
	Status   Opt[string] `json:"status,omitzero"`
	Progress Opt[int]    `json:"progress,omitzero"`
	Action   Opt[string] `json:"action,omitzero"`
}
