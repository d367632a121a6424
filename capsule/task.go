package capsule

// Task is a to-do with a due date, linked to at most one party, opportunity
// or kase.
type Task struct {
	ID                    int64          `json:"id,omitzero"`
	Category              Opt[Category]  `json:"category,omitzero"`
	Description           Opt[string]    `json:"description,omitzero"`
	Detail                Opt[string]    `json:"detail,omitzero"`
	DueOn                 Opt[Date]      `json:"dueOn,omitzero"`
	DueTime               Opt[string]    `json:"dueTime,omitzero"`
	Status                Opt[string]    `json:"status,omitzero"`
	Party                 Opt[PartyRef]  `json:"party,omitzero"`
	Opportunity           Opt[Ref]       `json:"opportunity,omitzero"`
	Kase                  Opt[Ref]       `json:"kase,omitzero"`
	Owner                 Opt[UserRef]   `json:"owner,omitzero"`
	DaysAfter             Opt[int]       `json:"daysAfter,omitzero"`
	TaskDelayRule         Opt[string]    `json:"taskDelayRule,omitzero"`
	TaskDayDelayRule      Opt[string]    `json:"taskDayDelayRule,omitzero"`
	NextTask              Opt[TaskRef]   `json:"nextTask,omitzero"`
	Active                Opt[bool]      `json:"active,omitzero"`
	HasTrack              Opt[bool]      `json:"hasTrack,omitzero"`
	CreatedAt             Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt             Opt[Timestamp] `json:"updatedAt,omitzero"`
	CompletedBy           Opt[string]    `json:"completedBy,omitzero"`
	CompletedAt           Opt[Timestamp] `json:"completedAt,omitzero"`
	OverrideToCurrentUser Raw            `json:"overrideToCurrentUser,omitzero"`
	Repeat                Raw            `json:"repeat,omitzero"`
}

// Task statuses (PENDING cannot be set through the API).
const (
	TaskOpen      = "OPEN"
	TaskCompleted = "COMPLETED"
	TaskPending   = "PENDING"
)

// Category is a task category.
type Category struct {
	ID     int64       `json:"id,omitzero"`
	Name   Opt[string] `json:"name,omitzero"`
	Colour Opt[string] `json:"colour,omitzero"`
}
