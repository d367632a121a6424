package mappings

// The keys each part of a mapping accepts. The JSON Schema test compares
// schema.json against these lists so the two cannot drift apart.
var (
	topKeys      = []string{"version", "source", "defaults", "records"}
	sourceKeys   = []string{"csv", "sheet", "header_row", "key"}
	csvKeys      = []string{"delimiter", "encoding"}
	defaultsKeys = []string{"phone_region", "phone_region_guessed", "date_format", "locale", "currency", "on_match", "on_no_match", "lists", "duplicates"}
	recordKeys   = []string{"entity", "when", "match", "on_match", "on_no_match", "lists", "duplicates", "fields"}
	specKeys     = []string{"column", "index", "value", "expr", "template", "record", "transform", "type",
		"locale", "format", "region", "default", "map", "reject_unmapped", "split", "join", "pipeline", "id", "reverse"}
	reverseKeys  = []string{"column", "expr"}
	matchObjKeys = []string{"field", "id"}
	matchWords   = []string{"email", "phone", "name"}
	onMatchVals  = []string{"update", "skip", "error"}
	onNoMatch    = []string{"create", "skip"}
	listModes    = []string{"merge", "append", "replace"}
	dupModes     = []string{"merge", "skip", "reject"}
	valueTypes   = []string{"string", "number", "decimal", "integer", "boolean", "date", "timestamp"}
	moneyKeys    = []string{"amount", "currency"}
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
