package export

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
)

var testFields = []sandbox.SeedFieldDef{
	{Entity: "parties", Name: "Lead Source", Type: "text"},
	{Entity: "parties", Name: "Employees", Type: "number"},
	{Entity: "parties", Name: "Newsletter", Type: "boolean"},
	{Entity: "parties", Name: "Tier", Type: "list", Options: []string{"Gold", "Silver"}},
	{Entity: "opportunities", Name: "Region", Type: "text"},
	{Entity: "kases", Name: "Kickoff", Type: "date"},
}

type testAccount struct {
	run *sandbox.Running
	c   *capsule.Client
	rc  *RequestCounter
}

func startSandbox(t testing.TB, opts ...sandbox.Option) *testAccount {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opts = append([]sandbox.Option{sandbox.WithSeed(sandbox.Seed{Fields: testFields})}, opts...)
	run, err := sandbox.Start(ctx, "127.0.0.1:0", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	rc := &RequestCounter{}
	c, err := capsule.NewClient(capsule.WithToken(sandbox.DefaultToken), capsule.WithBaseURL(run.URL),
		capsule.WithHTTPClient(&http.Client{Transport: rc}))
	if err != nil {
		t.Fatal(err)
	}
	c.Pacer().SetPending(1000)
	return &testAccount{run: run, c: c, rc: rc}
}

func s(v string) capsule.Opt[string] { return capsule.Some(v) }

func cf(name string, v capsule.FieldValue) capsule.CustomField {
	return capsule.CustomField{Definition: capsule.Some(capsule.Ref{Name: s(name)}), Value: v}
}

// seeded holds the ids of what seedAccount created.
type seeded struct {
	orgs, people, opps, kases, entries, tasks []int64
}

// seedAccount fills an account with records using every part of the
// layout: lists of several lengths, tags, custom fields of each type,
// links between records.
func seedAccount(t testing.TB, c *capsule.Client) *seeded {
	t.Helper()
	ctx := context.Background()
	c.Pacer().SetPending(1000)
	var sd seeded
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
		sd.orgs = append(sd.orgs, must(idOf(got), err))
	}
	for i := range 5 {
		p := &capsule.Party{Type: s("person"), FirstName: s(fmt.Sprintf("Person%d", i)), LastName: s("Müller"), JobTitle: s("Engineer"),
			Title: s("Dr"), Organisation: capsule.PartyID(sd.orgs[i%len(sd.orgs)]),
			Tags:   []capsule.TagRef{{Name: s("Lead")}, {Name: s("VIP")}},
			Fields: []capsule.CustomField{cf("Lead Source", capsule.StringValue("Web")), cf("Newsletter", capsule.BoolValue(i%2 == 0))}}
		for j := 0; j <= i%3; j++ {
			p.EmailAddresses = append(p.EmailAddresses, capsule.EmailAddress{Address: s(fmt.Sprintf("p%d.%d@example.com", i, j)), Type: s([]string{"Work", "Home"}[j%2])})
		}
		for j := 0; j < i%2+1; j++ {
			p.PhoneNumbers = append(p.PhoneNumbers, capsule.PhoneNumber{Number: s(fmt.Sprintf("+44 20 7946 00%02d", i*3+j)), Type: s("Mobile")})
		}
		got, _, err := c.Parties.Create(ctx, p)
		sd.people = append(sd.people, must(idOf(got), err))
	}
	ms := milestoneID(t, c, "Sales")
	for i := range 2 {
		o := &capsule.Opportunity{Name: s(fmt.Sprintf("Deal %d", i)), Description: s("big one"), Party: capsule.PartyID(sd.orgs[i]),
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
		sd.opps = append(sd.opps, got.ID)
	}
	k, _, err := c.Projects.Create(ctx, &capsule.Kase{Name: s("Rollout"), Party: capsule.PartyID(sd.orgs[0]), Status: s("OPEN"),
		Fields: []capsule.CustomField{cf("Kickoff", capsule.StringValue("2027-01-10"))}})
	if err != nil {
		t.Fatal(err)
	}
	sd.kases = append(sd.kases, k.ID)
	for i, pid := range sd.people[:3] {
		e, _, err := c.Entries.Create(ctx, &capsule.Entry{Type: s("note"), Content: s(fmt.Sprintf("Called %d, @mention +1", i)), Party: capsule.PartyID(pid)})
		if err != nil {
			t.Fatal(err)
		}
		sd.entries = append(sd.entries, e.ID)
	}
	due, _ := capsule.ParseDate("2027-02-01")
	tk, _, err := c.Tasks.Create(ctx, &capsule.Task{Description: s("Send offer"), DueOn: capsule.Some(due), Party: capsule.PartyID(sd.orgs[1])})
	if err != nil {
		t.Fatal(err)
	}
	sd.tasks = append(sd.tasks, tk.ID)
	done, _, err := c.Tasks.Create(ctx, &capsule.Task{Description: s("Kickoff call"), DueOn: capsule.Some(due), Status: s("COMPLETED"),
		Kase: capsule.RefID(k.ID), Detail: s("-agenda first")})
	if err != nil {
		t.Fatal(err)
	}
	sd.tasks = append(sd.tasks, done.ID)
	return &sd
}

func idOf(p *capsule.Party) int64 {
	if p == nil {
		return 0
	}
	return p.ID
}

func milestoneID(t testing.TB, c *capsule.Client, pipeline string) int64 {
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

// readAll reads a whole file with the real readers.
func readAll(t testing.TB, path string, opt files.Options) (*formats.Header, []*formats.Record) {
	t.Helper()
	r, err := files.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out, err := formats.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return r.Header(), out
}
