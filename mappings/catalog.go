package mappings

import "sort"

// Entity is the Capsule resource a record writes, named as the API names it.
type Entity string

// Capsule's entities. Projects are "kase" in the API, notes are entries.
const (
	EntityParty       Entity = "party"
	EntityOpportunity Entity = "opportunity"
	EntityKase        Entity = "kase"
	EntityEntry       Entity = "entry"
	EntityTask        Entity = "task"
)

// entityNames maps what a user may write after `entity:` to the API entity
// and, for parties, the party type.
var entityNames = map[string]struct {
	entity    Entity
	partyType string
}{
	"person":       {EntityParty, "person"},
	"organisation": {EntityParty, "organisation"},
	"organization": {EntityParty, "organisation"},
	"opportunity":  {EntityOpportunity, ""},
	"project":      {EntityKase, ""},
	"kase":         {EntityKase, ""},
	"note":         {EntityEntry, ""},
	"entry":        {EntityEntry, ""},
	"task":         {EntityTask, ""},
}

// fieldKind says how a Capsule field is fed and what goes into the body.
type fieldKind uint8

const (
	fkText fieldKind = iota
	fkDate
	fkTimestamp
	fkInt
	fkDecimal
	fkEnum
	fkLink      // another record: {record: name} of this row, or a name to look up
	fkUser      // owner: a user name or email, resolved by the importer
	fkNamed     // lost reason, category, team: a name resolved by the importer
	fkMilestone // milestone name within a pipeline
	fkList      // emails, phones, addresses, websites
	fkTags
	fkCustom
	fkMoney // opportunity value {amount, currency}
)

type fieldDef struct {
	kind     fieldKind
	enum     []string
	required bool    // required when creating
	refKind  RefKind // for links and named references
}

var partyCommon = map[string]fieldDef{
	"about":          {kind: fkText},
	"owner":          {kind: fkUser, refKind: RefOwner},
	"team":           {kind: fkNamed, refKind: RefTeam},
	"emailAddresses": {kind: fkList},
	"phoneNumbers":   {kind: fkList},
	"addresses":      {kind: fkList},
	"websites":       {kind: fkList},
	"tags":           {kind: fkTags},
	"fields":         {kind: fkCustom},
}

func withCommon(extra map[string]fieldDef, common map[string]fieldDef) map[string]fieldDef {
	out := make(map[string]fieldDef, len(extra)+len(common))
	for k, v := range common {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// catalog lists the fields a mapping may set for each entity (keyed by the
// `entity:` word, with party types split because their fields differ).
var catalog = map[string]map[string]fieldDef{
	"person": withCommon(map[string]fieldDef{
		"firstName":    {kind: fkText},
		"lastName":     {kind: fkText},
		"title":        {kind: fkText},
		"jobTitle":     {kind: fkText},
		"organisation": {kind: fkLink, refKind: RefOrganisation},
	}, partyCommon),
	"organisation": withCommon(map[string]fieldDef{
		"name": {kind: fkText, required: true},
	}, partyCommon),
	"opportunity": {
		"name":            {kind: fkText, required: true},
		"description":     {kind: fkText},
		"party":           {kind: fkLink, required: true, refKind: RefParty},
		"milestone":       {kind: fkMilestone, required: true, refKind: RefMilestone},
		"value":           {kind: fkMoney},
		"expectedCloseOn": {kind: fkDate},
		"probability":     {kind: fkInt},
		"durationBasis":   {kind: fkEnum, enum: []string{"FIXED", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR"}},
		"duration":        {kind: fkInt},
		"owner":           {kind: fkUser, refKind: RefOwner},
		"team":            {kind: fkNamed, refKind: RefTeam},
		"lostReason":      {kind: fkNamed, refKind: RefLostReason},
		"tags":            {kind: fkTags},
		"fields":          {kind: fkCustom},
	},
	"project": {
		"name":            {kind: fkText, required: true},
		"description":     {kind: fkText},
		"party":           {kind: fkLink, required: true, refKind: RefParty},
		"opportunity":     {kind: fkLink, refKind: RefOpportunity},
		"status":          {kind: fkEnum, enum: []string{"OPEN", "CLOSED"}},
		"expectedCloseOn": {kind: fkDate},
		"owner":           {kind: fkUser, refKind: RefOwner},
		"team":            {kind: fkNamed, refKind: RefTeam},
		"tags":            {kind: fkTags},
		"fields":          {kind: fkCustom},
	},
	"note": {
		"content":     {kind: fkText, required: true},
		"entryAt":     {kind: fkTimestamp},
		"party":       {kind: fkLink, refKind: RefParty},
		"opportunity": {kind: fkLink, refKind: RefOpportunity},
		"kase":        {kind: fkLink, refKind: RefKase},
	},
	"task": {
		"description": {kind: fkText, required: true},
		"detail":      {kind: fkText},
		"dueOn":       {kind: fkDate, required: true},
		"dueTime":     {kind: fkText},
		"status":      {kind: fkEnum, enum: []string{"OPEN", "COMPLETED", "PENDING"}},
		"category":    {kind: fkNamed, refKind: RefCategory},
		"owner":       {kind: fkUser, refKind: RefOwner},
		"party":       {kind: fkLink, refKind: RefParty},
		"opportunity": {kind: fkLink, refKind: RefOpportunity},
		"kase":        {kind: fkLink, refKind: RefKase},
	},
}

// catalogKey is the catalog entry for an `entity:` word.
func catalogKey(word string) string {
	switch word {
	case "organization":
		return "organisation"
	case "kase":
		return "project"
	case "entry":
		return "note"
	}
	return word
}

// listItems lists the keys of each list field's items; the first is the main
// value, which a bare column name feeds.
var listItems = map[string][]string{
	"emailAddresses": {"address", "type"},
	"phoneNumbers":   {"number", "type"},
	"addresses":      {"street", "city", "state", "zip", "country", "type"},
	"websites":       {"address", "service", "type"},
}

// listItemTransform is applied to the main value of list items unless the
// mapping says otherwise, so a bare column is already normalised.
var listItemTransform = map[string]map[string]string{
	"emailAddresses": {"address": "email"},
	"phoneNumbers":   {"number": "phone"},
	"addresses":      {"country": "country"},
	"websites":       {"address": "url"},
}

var listItemEnums = map[string]map[string][]string{
	"emailAddresses": {"type": {"Home", "Work"}},
	"phoneNumbers":   {"type": {"Home", "Work", "Mobile", "Fax", "Direct"}},
	"addresses":      {"type": {"Home", "Postal", "Office", "Billing", "Shipping"}},
	"websites": {"type": {"Home", "Work"}, "service": {"URL", "SKYPE", "TWITTER", "LINKED_IN", "FACEBOOK", "XING",
		"FEED", "GOOGLE_PLUS", "FLICKR", "GITHUB", "YOUTUBE", "INSTAGRAM", "PINTEREST", "TIKTOK", "THREADS", "BLUESKY", "SNAPCHAT"}},
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
