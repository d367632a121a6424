package layout

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/mappings"
)

func s(v string) capsule.Opt[string] { return capsule.Some(v) }

func date(t *testing.T, v string) capsule.Opt[capsule.Date] {
	d, err := capsule.ParseDate(v)
	if err != nil {
		t.Fatal(err)
	}
	return capsule.Some(d)
}

func field(name string, v capsule.FieldValue) capsule.CustomField {
	return capsule.CustomField{Definition: capsule.Some(capsule.Ref{Name: s(name)}), Value: v}
}

var defs = []Field{{"Lead Source", "text"}, {"Size", "number"}, {"Active", "boolean"}}

// asCSV turns cells into what a CSV reader gives back: text only.
func asCSV(vals []formats.Value) []formats.Value {
	out := make([]formats.Value, len(vals))
	for i, v := range vals {
		if !v.IsNull() {
			out[i] = formats.StringValue(v.Text())
		}
	}
	return out
}

func canon(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(x)
	return string(b)
}

// TestRoundTripThroughMapping exports records in the default layout, reads
// the row back through layout.Mapping and checks the body and references
// are the record's writable fields.
func TestRoundTripThroughMapping(t *testing.T) {
	org := &capsule.Party{ID: 11, Type: s("organisation"), Name: s("Acme Ltd"), About: s("=cmd|' /C calc'!A0"),
		Owner:          capsule.Some(capsule.UserRef{ID: 1, Username: s("jane")}),
		EmailAddresses: []capsule.EmailAddress{{Address: s("Info@Acme.example"), Type: s("Work")}},
		PhoneNumbers:   []capsule.PhoneNumber{{Number: s("020 7946 0018")}, {Number: s("+44 7700 900123"), Type: s("Mobile")}},
		Addresses:      []capsule.Address{{Street: s("1 High St"), City: s("London"), Zip: s("EC1A 1BB"), Country: s("United Kingdom"), Type: s("Office")}},
		Websites:       []capsule.Website{{Address: s("acme.example"), Service: s("URL")}},
		Tags:           []capsule.TagRef{{Name: s("Customer")}, {Name: s("VIP")}},
		Fields:         []capsule.CustomField{field("Lead Source", capsule.StringValue("Web")), field("Size", capsule.StringValue("120.5")), field("Active", capsule.BoolValue(true))}}
	person := &capsule.Party{ID: 12, Type: s("person"), Title: s("Dr"), FirstName: s("Anna"), LastName: s("Müller"), JobTitle: s("CTO"),
		Organisation:   capsule.Some(capsule.PartyRef{ID: 11, Name: s("Acme Ltd")}),
		EmailAddresses: []capsule.EmailAddress{{Address: s("anna@acme.example"), Type: s("Work")}, {Address: s("anna@home.example"), Type: s("Home")}},
		Team:           capsule.Some(capsule.Ref{ID: 3, Name: s("Sales")})}
	opp := &capsule.Opportunity{ID: 21, Name: s("Big deal"), Description: s("line1\nline2"),
		Party: capsule.Some(capsule.PartyRef{ID: 12, FirstName: s("Anna"), LastName: s("Müller")}), Milestone: capsule.Some(capsule.Ref{ID: 7, Name: s("Proposal")}),
		Value: capsule.Some(capsule.Money{Amount: capsule.Some(12500.5), Currency: s("EUR")}), ExpectedCloseOn: date(t, "2027-03-31"),
		Probability: capsule.Some(40), Tags: []capsule.TagRef{{Name: s("Q1")}}, Fields: []capsule.CustomField{field("Lead Source", capsule.StringValue("Fair"))}}
	kase := &capsule.Kase{ID: 31, Name: s("Rollout"), Party: capsule.Some(capsule.PartyRef{ID: 11, Name: s("Acme Ltd")}), Status: s("OPEN"),
		Opportunity: capsule.Some(capsule.Ref{ID: 21, Name: s("Big deal")}), ExpectedCloseOn: date(t, "2027-06-30")}
	entry := &capsule.Entry{ID: 41, Type: s("note"), Content: s("Called, +1 555"), Party: capsule.Some(capsule.PartyRef{ID: 11, Name: s("Acme Ltd")})}
	task := &capsule.Task{ID: 51, Description: s("Send offer"), DueOn: date(t, "2027-01-15"), DueTime: s("09:30"), Status: s("OPEN"),
		Category: capsule.Some(capsule.Category{Name: s("Call")}), Kase: capsule.Some(capsule.Ref{ID: 31, Name: s("Rollout")})}

	tests := []struct {
		name     string
		entity   string
		rec      any
		wantBody string
		wantRefs map[string]string // field -> name looked up (#id when the link carries the record's id)
	}{
		{"organisation", Parties, org,
			`{"type":"organisation","name":"Acme Ltd","about":"=cmd|' /C calc'!A0","emailAddresses":[{"address":"Info@Acme.example","type":"Work"}],` +
				`"phoneNumbers":[{"number":"020 7946 0018"},{"number":"+44 7700 900123","type":"Mobile"}],` +
				`"addresses":[{"street":"1 High St","city":"London","zip":"EC1A 1BB","country":"United Kingdom","type":"Office"}],` +
				`"websites":[{"address":"acme.example","service":"URL"}],"tags":[{"name":"Customer"},{"name":"VIP"}],` +
				`"fields":[{"definition":{"name":"Lead Source"},"value":"Web"},{"definition":{"name":"Size"},"value":120.5},{"definition":{"name":"Active"},"value":true}]}`,
			map[string]string{"owner": "jane"}},
		{"person", Parties, person,
			`{"type":"person","title":"Dr","firstName":"Anna","lastName":"Müller","jobTitle":"CTO",` +
				`"emailAddresses":[{"address":"anna@acme.example","type":"Work"},{"address":"anna@home.example","type":"Home"}]}`,
			map[string]string{"organisation": "Acme Ltd#11", "team": "Sales"}},
		{"opportunity", Opportunities, opp,
			`{"name":"Big deal","description":"line1\nline2","value":{"amount":12500.5,"currency":"EUR"},"expectedCloseOn":"2027-03-31","probability":40,` +
				`"tags":[{"name":"Q1"}],"fields":[{"definition":{"name":"Lead Source"},"value":"Fair"}]}`,
			map[string]string{"party": "Anna Müller#12", "milestone": "Proposal@Sales"}},
		{"project", Kases, kase, `{"name":"Rollout","status":"OPEN","expectedCloseOn":"2027-06-30"}`,
			map[string]string{"party": "Acme Ltd#11", "opportunity": "Big deal#21"}},
		{"note", Entries, entry, `{"type":"note","content":"Called, +1 555"}`, map[string]string{"party": "Acme Ltd#11"}},
		{"task", Tasks, task, `{"description":"Send offer","dueOn":"2027-01-15","dueTime":"09:30","status":"OPEN"}`,
			map[string]string{"category": "Call", "kase": "Rollout#31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var counts Counts
			if p, ok := tt.rec.(*capsule.Party); ok {
				counts = CountsOf(p).Max(CountsOf(org))
			}
			l, err := New(tt.entity, counts, defs, map[int64]string{7: "Sales"})
			if err != nil {
				t.Fatal(err)
			}
			h := formats.NewHeader(l.Header())
			if e, ok := Detect(h); !ok || e != tt.entity {
				t.Fatalf("Detect = %q %v, want %s", e, ok, tt.entity)
			}
			row, err := l.Row(tt.rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			types := map[string]string{}
			for _, d := range defs {
				types[d.Name] = d.Type
			}
			m, err := Mapping(tt.entity, h, WithFieldTypes(types))
			if err != nil {
				t.Fatal(err)
			}
			prog, probs := mappings.Compile(m, h)
			if len(probs) != 0 {
				src, _ := MappingYAML(tt.entity, h, WithFieldTypes(types))
				t.Fatalf("compile problems: %v\n%s", probs, src)
			}
			ops, errs := prog.Eval(&formats.Record{Header: h, Values: asCSV(row)})
			if len(errs) != 0 {
				t.Fatal(errs)
			}
			var got *mappings.Op
			for i := range ops {
				if !ops[i].Skipped {
					if got != nil {
						t.Fatalf("two records written for one row: %s and %s", got.Record, ops[i].Record)
					}
					got = &ops[i]
				}
			}
			if got == nil {
				t.Fatal("no record written")
			}
			if c, w := canon(t, got.Body), canon(t, json.RawMessage(tt.wantBody)); c != w {
				t.Errorf("body\n got %s\nwant %s", c, w)
			}
			refs := map[string]string{}
			for _, r := range got.Refs {
				refs[r.Field] = r.Name
				if r.Pipeline != "" {
					refs[r.Field] += "@" + r.Pipeline
				}
				if r.ID != "" {
					refs[r.Field] += "#" + r.ID
				}
			}
			if fmt.Sprint(refs) != fmt.Sprint(tt.wantRefs) {
				t.Errorf("refs = %v, want %v", refs, tt.wantRefs)
			}
			var id string
			for _, k := range got.Match {
				id += fmt.Sprint(k)
			}
			if want := fmt.Sprint(row[0].Int()); !contains(id, want) {
				t.Errorf("match keys %v do not hold the id %s", got.Match, want)
			}
		})
	}
}

func contains(s, sub string) bool {
	return len(sub) > 0 && len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
