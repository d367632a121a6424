package rollback

import (
	"encoding/json"
	"testing"
)

func TestRestoreBody(t *testing.T) {
	cases := []struct {
		name      string
		prev, cur string
		want      string
	}{
		{"scalar back", `{"jobTitle":"Engineer"}`, `{"jobTitle":"CTO"}`, `{"jobTitle":"Engineer"}`},
		{"scalar already back", `{"jobTitle":"Engineer"}`, `{"jobTitle":"Engineer"}`, `{}`},
		{"null back", `{"about":null}`, `{"about":"x"}`, `{"about":null}`},
		{"link reduced to id", `{"owner":{"id":3,"username":"ann","name":"Ann"}}`, `{"owner":{"id":4,"username":"bob"}}`, `{"owner":{"id":3}}`},
		{"value object kept", `{"value":{"amount":10,"currency":"GBP"}}`, `{"value":{"amount":20,"currency":"GBP"}}`, `{"value":{"amount":10,"currency":"GBP"}}`},
		{"added row deleted", `{"emailAddresses":[{"id":1,"address":"a@x"}]}`,
			`{"emailAddresses":[{"id":1,"address":"a@x"},{"id":2,"address":"b@x"}]}`, `{"emailAddresses":[{"_delete":true,"id":2}]}`},
		{"removed row added back without id", `{"tags":[{"id":7,"name":"VIP"}]}`, `{"tags":[]}`, `{"tags":[{"name":"VIP"}]}`},
		{"list from null", `{"websites":null}`, `{"websites":[{"id":5,"address":"x.com"}]}`, `{"websites":[{"_delete":true,"id":5}]}`},
		{"list unchanged", `{"phoneNumbers":[{"id":1,"number":"1"}]}`, `{"phoneNumbers":[{"id":1,"number":"1"}]}`, `{}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var prev, cur map[string]json.RawMessage
			if err := json.Unmarshal([]byte(tc.prev), &prev); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.cur), &cur); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(restoreBody(prev, cur))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("restoreBody = %s, want %s", got, tc.want)
			}
		})
	}
}
