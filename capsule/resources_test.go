package capsule

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// echoParty answers a party write with the body it received plus an id.
func echoParty(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Party map[string]any `json:"party"`
	}
	json.NewDecoder(r.Body).Decode(&in)
	in.Party["id"] = 77
	b, _ := json.Marshal(in)
	writeJSON(w, http.StatusCreated, string(b))
}

func TestWriteBodies(t *testing.T) {
	tests := []struct {
		name  string
		route string
		call  func(c *Client) error
		want  string // exact request body
	}{
		{"partial update sends only set fields; Null clears", "PUT /parties/77", func(c *Client) error {
			_, _, err := c.Parties.Update(bg, 77, &Party{JobTitle: Some("CTO"), About: Null[string](), Organisation: Null[PartyRef]()})
			return err
		}, `{"party":{"about":null,"jobTitle":"CTO","organisation":null}}`},
		{"child rows: add, update, delete", "PUT /parties/77", func(c *Client) error {
			_, _, err := c.Parties.Update(bg, 77, &Party{
				EmailAddresses: []EmailAddress{{Type: Some("Work"), Address: Some("a@b.c")}, {ID: 5, Address: Some("new@b.c")}},
				PhoneNumbers:   []PhoneNumber{{ID: 7, Delete: true}},
				Tags:           []TagRef{{Name: Some("VIP")}, {ID: 9, Delete: true}},
			})
			return err
		}, `{"party":{"phoneNumbers":[{"id":7,"_delete":true}],"emailAddresses":[{"type":"Work","address":"a@b.c"},{"id":5,"address":"new@b.c"}],"tags":[{"name":"VIP"},{"id":9,"_delete":true}]}}`},
		{"custom field values keep their JSON kinds", "POST /parties", func(c *Client) error {
			_, _, err := c.Parties.Create(bg, &Party{Type: Some(PartyOrganisation), Name: Some("Acme"), Owner: UserID(3),
				Fields: []CustomField{
					{Definition: RefID(51), Value: NumberValue(3.5)},
					{Definition: Some(Ref{Name: Some("Active")}), Value: BoolValue(false)},
					{ID: 12, Value: NullFieldValue()},
					{ID: 13, Delete: true},
				}})
			return err
		}, `{"party":{"owner":{"id":3},"type":"organisation","name":"Acme","fields":[{"definition":{"id":51},"value":3.5},{"definition":{"name":"Active"},"value":false},{"id":12,"value":null},{"id":13,"_delete":true}]}}`},
		{"task with date and links", "POST /tasks", func(c *Client) error {
			_, _, err := c.Tasks.Create(bg, &Task{Description: Some("Call"), DueOn: Some(Date{2025, 5, 20}), Kase: RefID(4)})
			return err
		}, `{"task":{"description":"Call","dueOn":"2025-05-20","kase":{"id":4}}}`},
		{"filter", "POST /kases/filters/results", func(c *Client) error {
			_, _, err := c.Projects.Filter(bg, &Filter{Conditions: []Condition{{"status", "is", "OPEN"}, {"custom:51", "is greater than", 3}}}, nil)
			return err
		}, `{"filter":{"conditions":[{"field":"status","operator":"is","value":"OPEN"},{"field":"custom:51","operator":"is greater than","value":3}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("PUT /parties/77", echoParty)
			f.handle("POST /parties", echoParty)
			f.handle("POST /tasks", jsonRoute(201, `{"task":{"id":1}}`))
			f.handle("POST /kases/filters/results", jsonRoute(200, `{"kases":[]}`))
			if err := tt.call(f.client()); err != nil {
				t.Fatal(err)
			}
			reqs := f.seen()
			if len(reqs) != 1 || reqs[0].Method+" "+reqs[0].Path != tt.route {
				t.Fatalf("requests %+v, want one %s", reqs, tt.route)
			}
			if reqs[0].Body != tt.want {
				t.Errorf("body\n got %s\nwant %s", reqs[0].Body, tt.want)
			}
		})
	}
}

func TestUpdateReturnsRecord(t *testing.T) {
	f := newFake(t)
	f.handle("PUT /parties/77", echoParty)
	p, resp, err := f.client().Parties.Update(bg, 77, &Party{FirstName: Some("Ann"), LastName: Null[string]()})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 77 || p.FirstName.Value() != "Ann" || !p.LastName.IsNull() || p.About.Present() {
		t.Errorf("party = %+v", p)
	}
	if resp.Rate.Limit != 4000 || resp.Rate.Remaining != 3999 || resp.Rate.Reset.IsZero() {
		t.Errorf("rate = %+v", resp.Rate)
	}
}

func TestShowMultiple(t *testing.T) {
	tests := []struct {
		name     string
		ids      []int64
		wantPath string
		wantErr  error
	}{
		{"three ids", []int64{3, 1, 2}, "/parties/3,1,2", nil},
		{"ten ids", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "/parties/1,2,3,4,5,6,7,8,9,10", nil},
		{"eleven ids refused before sending", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "", ErrTooManyIDs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET *", jsonRoute(200, `{"parties":[{"id":1}]}`))
			got, _, err := f.client().Parties.GetMany(bg, tt.ids, &GetOptions{Embed: []string{"tags"}})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			reqs := f.seen()
			if tt.wantErr != nil {
				if len(reqs) != 0 {
					t.Errorf("%d requests sent, want none", len(reqs))
				}
				return
			}
			if len(got) != 1 || len(reqs) != 1 || reqs[0].Path != tt.wantPath || reqs[0].Query != "embed=tags" {
				t.Errorf("got %v, requests %+v, want path %s", got, reqs, tt.wantPath)
			}
		})
	}
}

func TestSearchAndDeletedFeeds(t *testing.T) {
	f := newFake(t)
	f.handle("GET /parties/search", partiesPages(f, 120))
	f.handle("GET /parties/deleted", jsonRoute(200, `{"parties":[{"id":4,"deletedAt":"2025-01-02T03:04:05Z"}],"restrictedParties":[{"id":8,"type":"person","firstName":"Private","isRestricted":true}]}`))
	f.handle("GET /kases/deleted", jsonRoute(200, `{"kases":[{"id":6,"deletedAt":"2025-01-02T03:04:05Z"}]}`))
	c := f.client()
	n := 0
	for _, err := range c.Parties.SearchAll(bg, "acme ltd", &ListOptions{Embed: []string{"fields"}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 120 {
		t.Errorf("search yielded %d, want 120", n)
	}
	q, _ := url.ParseQuery(f.seen()[1].Query)
	if q.Get("q") != "acme ltd" || q.Get("embed") != "fields" || q.Get("page") != "2" {
		t.Errorf("second search page query %v", q)
	}
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	d, _, err := c.Parties.ListDeleted(bg, since, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Parties) != 1 || d.Parties[0].DeletedAt.Value().Year() != 2025 || len(d.RestrictedParties) != 1 || !d.RestrictedParties[0].IsRestricted.Value() {
		t.Errorf("deleted = %+v", d)
	}
	if got := f.seen()[2].Query; got != "since=2025-01-01T00%3A00%3A00Z" {
		t.Errorf("deleted query %q", got)
	}
	dk, _, err := c.Projects.ListDeleted(bg, since, nil)
	if err != nil || len(dk.Kases) != 1 || dk.RestrictedKases != nil {
		t.Errorf("deleted kases = %+v, %v", dk, err)
	}
}

func TestFilterAllResendsBody(t *testing.T) {
	f := newFake(t)
	pages := partiesPages(f, 150)
	var bodies []string
	f.handle("POST /parties/filters/results", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		pages(w, r)
	})
	n := 0
	for _, err := range f.client().Parties.FilterAll(bg, &Filter{Conditions: []Condition{{"city", "is", "Leeds"}}}, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 150 || len(bodies) != 2 || bodies[0] != bodies[1] || !strings.Contains(bodies[1], "Leeds") {
		t.Errorf("n=%d bodies=%q", n, bodies)
	}
}

func TestServicesPathsAndWrappers(t *testing.T) {
	tests := []struct {
		name  string
		route string
		body  string
		call  func(c *Client) (any, error)
		check func(v any) bool
	}{
		{"tags per entity", "GET /opportunities/tags", `{"tags":[{"id":1,"name":"VIP","dataTag":false}]}`,
			func(c *Client) (any, error) { v, _, err := c.Tags.List(bg, EntityOpportunities, nil); return v, err },
			func(v any) bool { return v.([]Tag)[0].Name.Value() == "VIP" }},
		{"field definitions", "GET /kases/fields/definitions", `{"definitions":[{"id":2,"type":"list","options":["A"]}]}`,
			func(c *Client) (any, error) { v, _, err := c.Fields.List(bg, EntityKases, nil); return v, err },
			func(v any) bool { return v.([]FieldDefinition)[0].Options[0] == "A" }},
		{"pipeline milestones", "GET /pipelines/3/milestones", `{"milestones":[{"id":4,"name":"Won","complete":true,"probability":100}]}`,
			func(c *Client) (any, error) { v, _, err := c.Milestones.ListForPipeline(bg, 3, nil); return v, err },
			func(v any) bool { return v.([]Milestone)[0].Complete.Value() }},
		{"lost reasons", "GET /lostreasons", `{"lostReasons":[{"id":5,"name":"Price"}]}`,
			func(c *Client) (any, error) { v, _, err := c.LostReasons.List(bg, nil); return v, err },
			func(v any) bool { return v.([]LostReason)[0].ID == 5 }},
		{"current user", "GET /users/current", `{"user":{"id":6,"username":"ann","timezone":"Europe/London"}}`,
			func(c *Client) (any, error) { v, _, err := c.Users.Current(bg); return v, err },
			func(v any) bool { return v.(*User).Timezone.Value() == "Europe/London" }},
		{"countries", "GET /countries", `{"countries":[{"alpha2Code":"GB","alpha3Code":"GBR","numericCode":826,"name":"United Kingdom"}]}`,
			func(c *Client) (any, error) { v, _, err := c.Countries.List(bg); return v, err },
			func(v any) bool { return v.([]Country)[0].NumericCode.Value() == 826 }},
		{"currencies", "GET /currencies", `{"currencies":[{"code":"GBP","symbol":"£"}]}`,
			func(c *Client) (any, error) { v, _, err := c.Currencies.List(bg); return v, err },
			func(v any) bool { return v.([]Currency)[0].Symbol.Value() == "£" }},
		{"teams", "GET /teams", `{"teams":[{"id":7,"name":"Sales","memberships":[{"user":{"id":6}}]}]}`,
			func(c *Client) (any, error) {
				v, _, err := c.Teams.List(bg, &GetOptions{Embed: []string{"memberships"}})
				return v, err
			},
			func(v any) bool { return v.([]Team)[0].Memberships[0].User.Value().ID == 6 }},
		{"board stages", "GET /boards/8/stages", `{"stages":[{"id":9,"name":"Brief","board":{"id":8,"name":"Delivery"}}]}`,
			func(c *Client) (any, error) { v, _, err := c.Stages.ListForBoard(bg, 8, nil); return v, err },
			func(v any) bool { return v.([]Stage)[0].Board.Value().ID == 8 }},
		{"activity types", "GET /activitytypes", `{"activityTypes":[{"id":-3,"name":"Call","updateLastContacted":true}]}`,
			func(c *Client) (any, error) { v, _, err := c.ActivityTypes.List(bg, nil); return v, err },
			func(v any) bool { return v.([]ActivityType)[0].ID == -3 }},
		{"entries of a record", "GET /parties/10/entries", `{"entries":[{"id":11,"type":"note","content":"hi","activityType":{"id":-1,"name":"Note"}}]}`,
			func(c *Client) (any, error) {
				v, _, err := c.Entries.ListFor(bg, EntityParties, 10, nil)
				return v, err
			},
			func(v any) bool { return v.([]Entry)[0].Content.Value() == "hi" }},
		{"opportunity", "GET /opportunities/12", `{"opportunity":{"id":12,"value":{"amount":500.5,"currency":"GBP"},"duration":null}}`,
			func(c *Client) (any, error) { v, _, err := c.Opportunities.Get(bg, 12, nil); return v, err },
			func(v any) bool {
				o := v.(*Opportunity)
				return o.Value.Value().Amount.Value() == 500.5 && o.Duration.IsNull()
			}},
		{"project uses kases path and kase wrapper", "GET /kases/13", `{"kase":{"id":13,"status":"OPEN"}}`,
			func(c *Client) (any, error) { v, _, err := c.Projects.Get(bg, 13, nil); return v, err },
			func(v any) bool { return v.(*Kase).Status.Value() == KaseOpen }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle(tt.route, jsonRoute(200, tt.body))
			v, err := tt.call(f.client())
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(v) {
				t.Errorf("decoded %+v", v)
			}
		})
	}
}
