package capsule

import "encoding/json"

// Model conventions (all resource types in this package):
//   - One type serves reads and writes. Every field except ID is an Opt (or a
//     slice, FieldValue, json.RawMessage) tagged omitzero, so a value built for
//     a partial update sends only the keys the caller set: a PUT never blanks
//     a field the caller did not touch. Opt's Null() sends an explicit null to
//     clear a field on purpose.
//   - Decoding keeps absent vs null, so re-encoding a response reproduces the
//     documented key set and explicit nulls exactly.
//   - Read-only fields (ids, createdAt, pictureURL, ...) are kept in the same
//     type; leave them unset when writing.

// PartyRef is a nested party link ({id, type, name | firstName+lastName,
// pictureURL}); restricted parties have IsRestricted and name "Private".
// To link a party on write, set only ID (RefTo-style: PartyRef{ID: 42}).
type PartyRef struct {
	ID           int64       `json:"id,omitzero"`
	Type         Opt[string] `json:"type,omitzero"`
	Name         Opt[string] `json:"name,omitzero"`
	FirstName    Opt[string] `json:"firstName,omitzero"`
	LastName     Opt[string] `json:"lastName,omitzero"`
	PictureURL   Opt[string] `json:"pictureURL,omitzero"`
	IsRestricted Opt[bool]   `json:"isRestricted,omitzero"`
	// Embedded is the full party when the link was embedded
	// (embed=organisation, embed=party); see refs_embed.go.
	Embedded Raw `json:"-"`
}

// UserRef is a nested user ({id, username, name, pictureURL, deleted}).
type UserRef struct {
	ID         int64       `json:"id,omitzero"`
	Username   Opt[string] `json:"username,omitzero"`
	Name       Opt[string] `json:"name,omitzero"`
	PictureURL Opt[string] `json:"pictureURL,omitzero"`
	Deleted    Opt[bool]   `json:"deleted,omitzero"`
}

// Ref is a nested {id, name} link: team, milestone, stage, opportunity, kase,
// lost reason, pipeline, board, activity type, field definition. Name may also
// be used instead of ID where Capsule accepts it (organisation, definition).
type Ref struct {
	ID           int64       `json:"id,omitzero"`
	Name         Opt[string] `json:"name,omitzero"`
	IsRestricted Opt[bool]   `json:"isRestricted,omitzero"`
	// Embedded is the full record when the link was embedded
	// (embed=opportunity on kases); see refs_embed.go.
	Embedded Raw `json:"-"`
}

// TaskRef is a nested task ({id, description}).
type TaskRef struct {
	ID          int64       `json:"id,omitzero"`
	Description Opt[string] `json:"description,omitzero"`
}

// TagRef is a tag on a record ({id, name, dataTag, description}). Attach by
// Name (matched case-insensitively, created if new) or ID; detach with ID and
// Delete.
type TagRef struct {
	ID          int64       `json:"id,omitzero"`
	Name        Opt[string] `json:"name,omitzero"`
	Description Opt[string] `json:"description,omitzero"`
	DataTag     Opt[bool]   `json:"dataTag,omitzero"`
	Delete      bool        `json:"_delete,omitzero"`
}

// CustomField is a custom field value row on a record (embed=fields).
// Set with Definition (by ID or Name) and Value; update an existing row by ID
// and Value; remove a row with ID and Delete.
type CustomField struct {
	ID         int64      `json:"id,omitzero"`
	Definition Opt[Ref]   `json:"definition,omitzero"`
	Value      FieldValue `json:"value,omitzero"`
	TagID      Opt[int64] `json:"tagId,omitzero"`
	Delete     bool       `json:"_delete,omitzero"`
}

// Raw keeps an undocumented key (enrichment, repeat, ...) exactly as sent.
type Raw = json.RawMessage

// RefID returns a nested link carrying only an id, the form Capsule wants on
// write.
func RefID(id int64) Opt[Ref] { return Some(Ref{ID: id}) }

// PartyID returns a nested party link carrying only an id.
func PartyID(id int64) Opt[PartyRef] { return Some(PartyRef{ID: id}) }

// UserID returns a nested user link carrying only an id.
func UserID(id int64) Opt[UserRef] { return Some(UserRef{ID: id}) }
