package capsule

// Party is a person or an organisation (type "person" or "organisation").
// Person-only keys (firstName, lastName, title, jobTitle, organisation) and
// the organisation-only name are absent on the other kind.
type Party struct {
	ID                     int64          `json:"id,omitzero"`
	Owner                  Opt[UserRef]   `json:"owner,omitzero"`
	Team                   Opt[Ref]       `json:"team,omitzero"`
	Type                   Opt[string]    `json:"type,omitzero"`
	About                  Opt[string]    `json:"about,omitzero"`
	Name                   Opt[string]    `json:"name,omitzero"`
	FirstName              Opt[string]    `json:"firstName,omitzero"`
	LastName               Opt[string]    `json:"lastName,omitzero"`
	Title                  Opt[string]    `json:"title,omitzero"`
	JobTitle               Opt[string]    `json:"jobTitle,omitzero"`
	Organisation           Opt[PartyRef]  `json:"organisation,omitzero"`
	CreatedAt              Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt              Opt[Timestamp] `json:"updatedAt,omitzero"`
	LastContactedAt        Opt[Timestamp] `json:"lastContactedAt,omitzero"`
	PictureURL             Opt[string]    `json:"pictureURL,omitzero"`
	PhoneNumbers           []PhoneNumber  `json:"phoneNumbers,omitzero"`
	Addresses              []Address      `json:"addresses,omitzero"`
	EmailAddresses         []EmailAddress `json:"emailAddresses,omitzero"`
	Websites               []Website      `json:"websites,omitzero"`
	Tags                   []TagRef       `json:"tags,omitzero"`
	Fields                 []CustomField  `json:"fields,omitzero"`
	MissingImportantFields Opt[bool]      `json:"missingImportantFields,omitzero"`
	Enrichment             Raw            `json:"enrichment,omitzero"`
}

// Party types.
const (
	PartyPerson       = "person"
	PartyOrganisation = "organisation"
)

// EmailAddress is a party's email row. Without ID it is added; with ID it
// updates that row; with ID and Delete it removes it.
type EmailAddress struct {
	ID      int64       `json:"id,omitzero"`
	Type    Opt[string] `json:"type,omitzero"`
	Address Opt[string] `json:"address,omitzero"`
	Delete  bool        `json:"_delete,omitzero"`
}

// PhoneNumber is a party's phone row (same id/_delete rules as EmailAddress).
type PhoneNumber struct {
	ID     int64       `json:"id,omitzero"`
	Type   Opt[string] `json:"type,omitzero"`
	Number Opt[string] `json:"number,omitzero"`
	Delete bool        `json:"_delete,omitzero"`
}

// Address is a party's postal address row; Country is a name from /countries.
type Address struct {
	ID      int64       `json:"id,omitzero"`
	Type    Opt[string] `json:"type,omitzero"`
	Street  Opt[string] `json:"street,omitzero"`
	City    Opt[string] `json:"city,omitzero"`
	State   Opt[string] `json:"state,omitzero"`
	Country Opt[string] `json:"country,omitzero"`
	Zip     Opt[string] `json:"zip,omitzero"`
	Delete  bool        `json:"_delete,omitzero"`
}

// Website is a party's website or social handle row; URL is read-only.
type Website struct {
	ID      int64       `json:"id,omitzero"`
	Type    Opt[string] `json:"type,omitzero"`
	Address Opt[string] `json:"address,omitzero"`
	Service Opt[string] `json:"service,omitzero"`
	URL     Opt[string] `json:"url,omitzero"`
	Delete  bool        `json:"_delete,omitzero"`
}

// DeletedRecord is one row of a deleted feed.
type DeletedRecord struct {
	ID        int64          `json:"id"`
	DeletedAt Opt[Timestamp] `json:"deletedAt,omitzero"`
}

// DeletedParties is the answer of GET /parties/deleted.
type DeletedParties struct {
	Parties           []DeletedRecord `json:"parties"`
	RestrictedParties []PartyRef      `json:"restrictedParties,omitzero"`
}
