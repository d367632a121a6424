package sandbox

import "time"

// The stored records. Exported fields only so the data file can be written
// with encoding/json; the types stay unexported because callers see JSON.

type contact struct {
	ID      int64   `json:"id"`
	Type    *string `json:"type"`
	Address string  `json:"address,omitempty"` // email address or website address
	Number  string  `json:"number,omitempty"`  // phone number
	Service string  `json:"service,omitempty"` // website service
	Street  *string `json:"street,omitempty"`  // postal address parts
	City    *string `json:"city,omitempty"`
	State   *string `json:"state,omitempty"`
	Country *string `json:"country,omitempty"`
	Zip     *string `json:"zip,omitempty"`
}

type fieldValue struct {
	ID    int64 `json:"id"`
	DefID int64 `json:"defId"`
	Value any   `json:"value"`
}

type party struct {
	ID              int64        `json:"id"`
	Type            string       `json:"type"`
	FirstName       *string      `json:"firstName"`
	LastName        *string      `json:"lastName"`
	Title           *string      `json:"title"`
	JobTitle        *string      `json:"jobTitle"`
	Name            *string      `json:"name"`
	About           *string      `json:"about"`
	OrgID           int64        `json:"orgId"`
	OwnerID         int64        `json:"ownerId"`
	TeamID          int64        `json:"teamId"`
	CreatedAt       time.Time    `json:"createdAt"`
	UpdatedAt       time.Time    `json:"updatedAt"`
	LastContactedAt *time.Time   `json:"lastContactedAt"`
	Phones          []contact    `json:"phones"`
	Emails          []contact    `json:"emails"`
	Addresses       []contact    `json:"addresses"`
	Websites        []contact    `json:"websites"`
	Tags            []int64      `json:"tags"`
	Fields          []fieldValue `json:"fields"`
}

type money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

type opportunity struct {
	ID                  int64        `json:"id"`
	Name                string       `json:"name"`
	Description         *string      `json:"description"`
	PartyID             int64        `json:"partyId"`
	MilestoneID         int64        `json:"milestoneId"`
	LastOpenMilestoneID int64        `json:"lastOpenMilestoneId"`
	OwnerID             int64        `json:"ownerId"`
	TeamID              int64        `json:"teamId"`
	Value               *money       `json:"value"`
	ExpectedCloseOn     *string      `json:"expectedCloseOn"`
	Probability         int          `json:"probability"`
	DurationBasis       string       `json:"durationBasis"`
	Duration            *int         `json:"duration"`
	ClosedOn            *string      `json:"closedOn"`
	LostReasonID        int64        `json:"lostReasonId"`
	CreatedAt           time.Time    `json:"createdAt"`
	UpdatedAt           time.Time    `json:"updatedAt"`
	LastStageChangedAt  *time.Time   `json:"lastStageChangedAt"`
	MoreParties         []int64      `json:"moreParties"`
	Tags                []int64      `json:"tags"`
	Fields              []fieldValue `json:"fields"`
}

type kase struct {
	ID              int64        `json:"id"`
	Name            string       `json:"name"`
	Description     *string      `json:"description"`
	PartyID         int64        `json:"partyId"`
	OwnerID         int64        `json:"ownerId"`
	TeamID          int64        `json:"teamId"`
	Status          string       `json:"status"`
	OpportunityID   int64        `json:"opportunityId"`
	StageID         int64        `json:"stageId"`
	ExpectedCloseOn *string      `json:"expectedCloseOn"`
	ClosedOn        *string      `json:"closedOn"`
	CreatedAt       time.Time    `json:"createdAt"`
	UpdatedAt       time.Time    `json:"updatedAt"`
	MoreParties     []int64      `json:"moreParties"`
	Tags            []int64      `json:"tags"`
	Fields          []fieldValue `json:"fields"`
}

type task struct {
	ID            int64      `json:"id"`
	Description   string     `json:"description"`
	Detail        *string    `json:"detail"`
	CategoryID    int64      `json:"categoryId"`
	DueOn         string     `json:"dueOn"`
	DueTime       *string    `json:"dueTime"`
	Status        string     `json:"status"`
	PartyID       int64      `json:"partyId"`
	OpportunityID int64      `json:"opportunityId"`
	KaseID        int64      `json:"kaseId"`
	OwnerID       int64      `json:"ownerId"`
	CompletedBy   *string    `json:"completedBy"`
	CompletedAt   *time.Time `json:"completedAt"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
}

type entry struct {
	ID             int64     `json:"id"`
	Type           string    `json:"type"`
	CreatorID      int64     `json:"creatorId"`
	EntryAt        time.Time `json:"entryAt"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
	Subject        *string   `json:"subject"`
	Content        string    `json:"content"`
	ActivityTypeID int64     `json:"activityTypeId"`
	PartyID        int64     `json:"partyId"`
	OpportunityID  int64     `json:"opportunityId"`
	KaseID         int64     `json:"kaseId"`
}

type tagDef struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	DataTag     bool    `json:"dataTag"`
}

type fieldDef struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Description  *string  `json:"description,omitempty"`
	Type         string   `json:"type"`
	TagID        int64    `json:"tagId,omitempty"`
	CaptureRule  *string  `json:"captureRule,omitempty"`
	Options      []string `json:"options,omitempty"`
	Important    bool     `json:"important,omitempty"`
	DisplayOrder int      `json:"displayOrder,omitempty"`
}

type deletion struct {
	ID        int64     `json:"id"`
	DeletedAt time.Time `json:"deletedAt"`
}

// SeedUser is a Capsule user in the seed file.
type SeedUser struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	// Token, when set, authenticates as this user.
	Token string `json:"token,omitempty"`
	// Administrator false makes the user an ordinary user (default: an
	// administrator), who may not manage REST hooks.
	Administrator *bool `json:"administrator,omitempty"`
}

// SeedTeam is a team in the seed file.
type SeedTeam struct {
	ID      int64   `json:"id"`
	Name    string  `json:"name"`
	Members []int64 `json:"members,omitempty"`
}

// SeedMilestone is a pipeline milestone.
type SeedMilestone struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Probability    int    `json:"probability"`
	Complete       bool   `json:"complete"`
	DaysUntilStale int    `json:"daysUntilStale,omitempty"`
}

// SeedPipeline is a pipeline and its milestones in order.
type SeedPipeline struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	Milestones []SeedMilestone `json:"milestones"`
}

// SeedStage is a board column.
type SeedStage struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// SeedBoard is a board and its stages in order.
type SeedBoard struct {
	ID     int64       `json:"id"`
	Name   string      `json:"name"`
	Stages []SeedStage `json:"stages"`
}

// SeedNamed is a record with an id and a name (lost reasons, categories).
type SeedNamed struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// SeedFieldDef is a custom field definition. Entity is "parties",
// "opportunities" or "kases"; Type is text, date, list, boolean, number or link.
type SeedFieldDef struct {
	Entity      string   `json:"entity"`
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Options     []string `json:"options,omitempty"`
	CaptureRule string   `json:"captureRule,omitempty"`
	Important   bool     `json:"important,omitempty"`
	// Tag names a data tag (created with dataTag true) the field belongs to.
	Tag string `json:"tag,omitempty"`
}

// Seed is the reference data a sandbox starts with (and returns to on
// reset). Zero ids are assigned; the built-in defaults are used for empty lists.
type Seed struct {
	Site        SeedSite       `json:"site"`
	Users       []SeedUser     `json:"users"`
	Teams       []SeedTeam     `json:"teams"`
	Pipelines   []SeedPipeline `json:"pipelines"`
	Boards      []SeedBoard    `json:"boards"`
	LostReasons []SeedNamed    `json:"lostReasons"`
	Categories  []SeedNamed    `json:"categories"`
	Fields      []SeedFieldDef `json:"fields"`
}

// SeedSite is the account described by GET /site.
type SeedSite struct {
	Name      string `json:"name"`
	Subdomain string `json:"subdomain"`
}
