// Package accounttest gives the export and round-trip tests one account to
// work on: a sandbox seeded with records that use every part of the export
// layout, and a snapshot of an account's records without the values that
// differ between two accounts holding the same data.
package accounttest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
)

// Fields are the custom field definitions the sandbox is seeded with.
var Fields = []sandbox.SeedFieldDef{
	{Entity: "parties", Name: "Lead Source", Type: "text"},
	{Entity: "parties", Name: "Employees", Type: "number"},
	{Entity: "parties", Name: "Newsletter", Type: "boolean"},
	{Entity: "parties", Name: "Tier", Type: "list", Options: []string{"Gold", "Silver"}},
	{Entity: "opportunities", Name: "Region", Type: "text"},
	{Entity: "kases", Name: "Kickoff", Type: "date"},
}

// s is a present string.
func s(v string) capsule.Opt[string] { return capsule.Some(v) }

// cf is a custom field value by the field's name.
func cf(name string, v capsule.FieldValue) capsule.CustomField {
	return capsule.CustomField{Definition: capsule.Some(capsule.Ref{Name: s(name)}), Value: v}
}

// Seeded holds the ids of what Seed created.
type Seeded struct {
	Orgs, People, Opps, Kases, Entries, Tasks []int64
}

// Seed fills an account with records using every part of the
// layout: lists of several lengths, tags, custom fields of each type,
// links between records.
func Seed(t testing.TB, c *capsule.Client) *Seeded {
	t.Helper()
	ctx := context.Background()
	c.Pacer().SetPending(1000)
	var sd Seeded
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	orgNames := []string{"Acme Ltd", "Globex GmbH", "=Initech"}
	for i, n := range orgNames {
		p := &capsule.Party{Type: s("organisation"), Name: s(n), About: s(fmt.Sprintf("Org %d\nsecond line", i)),
			Websites: []capsule.Website{{Address: s(fmt.Sprintf("www.org%d.example", i)), Service: s("URL")}},
			Tags:     []capsule.TagRef{{Name: s("Customer")}},
			Fields:   []capsule.CustomField{cf("Employees", capsule.NumberValue(float64(10*(i+1))+0.5)), cf("Tier", capsule.StringValue("Gold"))}}
		if i == 1 {
			p.Addresses = []capsule.Address{{Street: s("Hauptstr. 1"), City: s("Berlin"), Zip: s("10115"), Country: s("Germany"), Type: s("Office")}}
			p.PhoneNumbers = []capsule.PhoneNumber{{Number: s("+49 30 123456"), Type: s("Work")}}
		}
		got, _, err := c.Parties.Create(ctx, p)
		sd.Orgs = append(sd.Orgs, must(IDOf(got), err))
	}
	for i := range 5 {
		p := &capsule.Party{Type: s("person"), FirstName: s(fmt.Sprintf("Person%d", i)), LastName: s("Müller"), JobTitle: s("Engineer"),
			Title: s("Dr"), Organisation: capsule.PartyID(sd.Orgs[i%len(sd.Orgs)]),
			Tags:   []capsule.TagRef{{Name: s("Lead")}, {Name: s("VIP")}},
			Fields: []capsule.CustomField{cf("Lead Source", capsule.StringValue("Web")), cf("Newsletter", capsule.BoolValue(i%2 == 0))}}
		for j := 0; j <= i%3; j++ {
			p.EmailAddresses = append(p.EmailAddresses, capsule.EmailAddress{Address: s(fmt.Sprintf("p%d.%d@example.com", i, j)), Type: s([]string{"Work", "Home"}[j%2])})
		}
		for j := 0; j < i%2+1; j++ {
			p.PhoneNumbers = append(p.PhoneNumbers, capsule.PhoneNumber{Number: s(fmt.Sprintf("+44 20 7946 00%02d", i*3+j)), Type: s("Mobile")})
		}
		got, _, err := c.Parties.Create(ctx, p)
		sd.People = append(sd.People, must(IDOf(got), err))
	}
	ms := MilestoneID(t, c, "Sales")
	for i := range 2 {
		o := &capsule.Opportunity{Name: s(fmt.Sprintf("Deal %d", i)), Description: s("big one"), Party: capsule.PartyID(sd.Orgs[i]),
			Milestone: capsule.RefID(ms), Value: capsule.Some(capsule.Money{Amount: capsule.Some(1000.5 * float64(i+1)), Currency: s("GBP")}),
			Tags: []capsule.TagRef{{Name: s("Q1")}}, Fields: []capsule.CustomField{cf("Region", capsule.StringValue("EMEA"))}}
		if i == 1 {
			d, _ := capsule.ParseDate("2027-03-31")
			o.ExpectedCloseOn = capsule.Some(d)
		}
		got, _, err := c.Opportunities.Create(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		sd.Opps = append(sd.Opps, got.ID)
	}
	k, _, err := c.Projects.Create(ctx, &capsule.Kase{Name: s("Rollout"), Party: capsule.PartyID(sd.Orgs[0]), Status: s("OPEN"),
		Fields: []capsule.CustomField{cf("Kickoff", capsule.StringValue("2027-01-10"))}})
	if err != nil {
		t.Fatal(err)
	}
	sd.Kases = append(sd.Kases, k.ID)
	for i, pid := range sd.People[:3] {
		e, _, err := c.Entries.Create(ctx, &capsule.Entry{Type: s("note"), Content: s(fmt.Sprintf("Called %d, @mention +1", i)), Party: capsule.PartyID(pid)})
		if err != nil {
			t.Fatal(err)
		}
		sd.Entries = append(sd.Entries, e.ID)
	}
	due, _ := capsule.ParseDate("2027-02-01")
	tk, _, err := c.Tasks.Create(ctx, &capsule.Task{Description: s("Send offer"), DueOn: capsule.Some(due), Party: capsule.PartyID(sd.Orgs[1])})
	if err != nil {
		t.Fatal(err)
	}
	sd.Tasks = append(sd.Tasks, tk.ID)
	done, _, err := c.Tasks.Create(ctx, &capsule.Task{Description: s("Kickoff call"), DueOn: capsule.Some(due), Status: s("COMPLETED"),
		Kase: capsule.RefID(k.ID), Detail: s("-agenda first")})
	if err != nil {
		t.Fatal(err)
	}
	sd.Tasks = append(sd.Tasks, done.ID)
	return &sd
}

// IDOf is the id of a created party, or 0 when there is none.
func IDOf(p *capsule.Party) int64 {
	if p == nil {
		return 0
	}
	return p.ID
}

// MilestoneID is the id of the first milestone of the named pipeline.
func MilestoneID(t testing.TB, c *capsule.Client, pipeline string) int64 {
	t.Helper()
	ctx := context.Background()
	for p, err := range c.Pipelines.ListAll(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if p.Name.Value() != pipeline {
			continue
		}
		for m, err := range c.Milestones.ListAllForPipeline(ctx, p.ID) {
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
	}
	t.Fatalf("no milestone in pipeline %s", pipeline)
	return 0
}

// FieldTypes maps each seeded custom field's name to its type.
func FieldTypes() map[string]string {
	out := map[string]string{}
	for _, f := range Fields {
		out[f.Name] = f.Type
	}
	return out
}

// volatile keys differ between two accounts holding the same data.
var volatile = map[string]bool{"id": true, "createdAt": true, "updatedAt": true, "lastContactedAt": true, "pictureURL": true,
	"lastStageChangedAt": true, "completedAt": true, "tagId": true, "description_": true, "dataTag": true}

// Snapshot lists an entity's records as sorted JSON without the values that
// differ between two accounts holding the same data (ids, times).
func Snapshot(t testing.TB, c *capsule.Client, entity string) []string {
	ctx := context.Background()
	opts := &capsule.ListOptions{Embed: []string{"fields", "tags"}}
	var recs []any
	add := func(v any, err error) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, v)
	}
	switch entity {
	case layout.Parties:
		for v, err := range c.Parties.ListAll(ctx, opts) {
			add(v, err)
		}
	case layout.Opportunities:
		for v, err := range c.Opportunities.ListAll(ctx, opts) {
			add(v, err)
		}
	case layout.Kases:
		for v, err := range c.Projects.ListAll(ctx, opts) {
			add(v, err)
		}
	case layout.Entries:
		for v, err := range c.Entries.ListAll(ctx, nil) {
			add(v, err)
		}
	case layout.Tasks:
		for v, err := range c.Tasks.ListAll(ctx, nil) {
			add(v, err)
		}
	}
	var out []string
	for _, r := range recs {
		b, _ := json.Marshal(r)
		var m any
		json.Unmarshal(b, &m)
		b, _ = json.Marshal(strip(m))
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

// strip removes the volatile keys at every depth.
func strip(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			if volatile[k] {
				delete(x, k)
			}
		}
		for k, e := range x {
			x[k] = strip(e)
		}
	case []any:
		for i := range x {
			x[i] = strip(x[i])
		}
	}
	return v
}
