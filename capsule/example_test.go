package capsule_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

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

// Walking every party, 100 per page, following Link headers. The server here
// stands in for Capsule or the sandbox.
func ExamplePartiesService_ListAll() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "" {
			w.Header().Set("Link", `<`+"http://"+r.Host+`/api/v2/parties?page=2&perPage=100&embed=tags,fields>; rel="next"`)
			fmt.Fprint(w, `{"parties":[{"id":1,"type":"organisation","name":"Acme"}]}`)
			return
		}
		fmt.Fprint(w, `{"parties":[{"id":2,"type":"person","firstName":"Ann","lastName":null}]}`)
	}))
	defer srv.Close()

	c, err := capsule.NewClient(capsule.WithBaseURL(srv.URL+"/api/v2"), capsule.WithToken("example-token"))
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := &capsule.ListOptions{Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Embed: []string{"tags", "fields"}}
	for p, err := range c.Parties.ListAll(context.Background(), opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.ID, p.Type.Value(), p.Name.Value()+p.FirstName.Value(), p.LastName.IsNull())
	}
	// Output:
	// 1 organisation Acme false
	// 2 person Ann true
}
