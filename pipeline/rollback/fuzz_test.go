package rollback

import (
	"encoding/json"
	"testing"
)

// FuzzRestoreBody: previous values come from a journal file and current
// values from the network; neither may make the restore panic, and the
// body must always encode.
func FuzzRestoreBody(f *testing.F) {
	f.Add(`{"jobTitle":"a","tags":[{"id":1,"name":"x"}]}`, `{"jobTitle":"b","tags":[{"id":2}]}`)
	f.Add(`{"emailAddresses":null}`, `{"emailAddresses":[null,{"id":null}]}`)
	f.Add(`{"owner":{"id":"7"}}`, `{"owner":[1,2]}`)
	f.Add(`{"fields":[[]]}`, `{"fields":"x"}`)
	f.Fuzz(func(t *testing.T, prevJSON, curJSON string) {
		var prev, cur map[string]json.RawMessage
		if json.Unmarshal([]byte(prevJSON), &prev) != nil || json.Unmarshal([]byte(curJSON), &cur) != nil {
			return
		}
		if _, err := json.Marshal(restoreBody(prev, cur)); err != nil {
			t.Fatalf("restore body does not encode: %v", err)
		}
	})
}
