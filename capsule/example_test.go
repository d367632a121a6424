package capsule_test

import (
	"encoding/json"
	"fmt"

	"github.com/capsule-etl/capsule-etl/capsule"
)

// A partial update: only the keys set are sent; Null clears a field.
func ExampleOpt() {
	update := capsule.Party{
		JobTitle:     capsule.Some("CTO"),
		Organisation: capsule.Null[capsule.PartyRef](),
		EmailAddresses: []capsule.EmailAddress{
			{Type: capsule.Some("Work"), Address: capsule.Some("ann@example.com")}, // added
			{ID: 41, Delete: true}, // removed
		},
		Fields: []capsule.CustomField{{Definition: capsule.RefID(51), Value: capsule.NumberValue(3)}},
	}
	b, _ := json.Marshal(update)
	fmt.Println(string(b))
	// Output:
	// {"jobTitle":"CTO","organisation":null,"emailAddresses":[{"type":"Work","address":"ann@example.com"},{"id":41,"_delete":true}],"fields":[{"definition":{"id":51},"value":3}]}
}
