package capsule_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// stepClock is the sandbox's clock, moved by the test so records get
// distinct updatedAt seconds.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestConformanceListAllSinceEmbed(t *testing.T) {
	clock := &stepClock{now: time.Now().UTC().Truncate(time.Second)}
	cf := newConformance(t, []sandbox.Option{sandbox.WithClock(clock.Now)})
	ctx, c := cf.ctx, cf.c
	c.Pacer().SetPending(400)
	const n = 230
	ids := make([]int64, 0, n)
	for i := range n {
		p := must[*capsule.Party](t)(c.Parties.Create(ctx, &capsule.Party{
			Type: capsule.Some(capsule.PartyPerson), FirstName: capsule.Some(fmt.Sprintf("P%03d", i)),
			Tags: []capsule.TagRef{{Name: capsule.Some("bulk")}}}))
		ids = append(ids, p.ID)
	}
	clock.Advance(10 * time.Second)
	bookmark := clock.Now()
	clock.Advance(time.Second)
	for _, id := range ids[:3] {
		must[*capsule.Party](t)(c.Parties.Update(ctx, id, &capsule.Party{JobTitle: capsule.Some("changed")}))
	}

	all := collect(t, c.Parties.ListAll(ctx, nil))
	if len(all) != n {
		t.Fatalf("ListAll = %d parties, want %d", len(all), n)
	}
	seen := map[int64]bool{}
	for _, p := range all {
		if seen[p.ID] {
			t.Errorf("party %d listed twice", p.ID)
		}
		seen[p.ID] = true
		if p.Tags != nil || p.Fields != nil || p.MissingImportantFields.Present() {
			t.Fatalf("tags/fields present without embed: %+v", p)
		}
	}
	embedded := collect(t, c.Parties.ListAll(ctx, &capsule.ListOptions{Embed: []string{"tags", "fields", "missingImportantFields"}}))
	if len(embedded) != n || len(embedded[0].Tags) != 1 || embedded[0].Fields == nil || !embedded[0].MissingImportantFields.Present() {
		t.Errorf("embedded first = %+v", embedded[0])
	}
	changed := collect(t, c.Parties.ListAll(ctx, &capsule.ListOptions{Since: bookmark}))
	if len(changed) != 3 {
		t.Errorf("since = %d parties, want 3", len(changed))
	}
	page, resp, err := c.Parties.List(ctx, &capsule.ListOptions{Page: 2, PerPage: 100})
	if err != nil || len(page) != 100 || resp.NextPage != 3 {
		t.Errorf("page 2: %d items, next %d, %v", len(page), resp.NextPage, err)
	}
	last, resp, err := c.Parties.List(ctx, &capsule.ListOptions{Page: 3, PerPage: 100})
	if err != nil || len(last) != 30 || resp.NextURL != "" {
		t.Errorf("last page: %d items, next %q, %v", len(last), resp.NextURL, err)
	}
	if _, _, err := c.Parties.List(ctx, &capsule.ListOptions{PerPage: 101}); err == nil {
		t.Errorf("perPage 101 accepted")
	}

	// show multiple: 10 max, all-or-nothing 404
	many := must[[]capsule.Party](t)(c.Parties.GetMany(ctx, ids[:10], nil))
	if len(many) != 10 || many[9].ID != ids[9] {
		t.Errorf("GetMany(10) = %d", len(many))
	}
	before := cf.srv.Stats().Requests["GET"]
	if _, _, err := c.Parties.GetMany(ctx, ids[:11], nil); !errors.Is(err, capsule.ErrTooManyIDs) {
		t.Errorf("11 ids: %v", err)
	}
	if cf.srv.Stats().Requests["GET"] != before {
		t.Errorf("11 ids were sent")
	}
	if _, _, err := c.Parties.GetMany(ctx, []int64{ids[0], 999999}, nil); statusOf(err) != 404 {
		t.Errorf("unknown id in show multiple: %v, want 404", err)
	}

	// search q
	hits := collect(t, c.Parties.SearchAll(ctx, "p00", nil))
	if len(hits) != 10 {
		t.Errorf("search p00 = %d, want 10", len(hits))
	}

	// deleted feed
	for _, id := range ids[:2] {
		if _, err := c.Parties.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	del := must[*capsule.DeletedParties](t)(c.Parties.ListDeleted(ctx, bookmark, nil))
	if len(del.Parties) != 2 || !del.Parties[0].DeletedAt.Valid() {
		t.Errorf("deleted parties = %+v", del)
	}
	if _, _, err := c.Parties.ListDeleted(ctx, time.Time{}, nil); statusOf(err) != 422 {
		t.Errorf("deleted feed without since: %v, want 422", err)
	}
}

func TestConformanceFilters(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	tier := must[*capsule.FieldDefinition](t)(c.Fields.Create(ctx, capsule.EntityParties, &capsule.FieldDefinition{
		Name: capsule.Some("Tier"), Type: capsule.Some("list"), Options: []string{"Gold", "Silver"}}))
	org := newOrg(t, cf, "Acme Widgets")
	for i, name := range []string{"Ann", "Bob", "Cid"} {
		p := capsule.Party{Type: capsule.Some(capsule.PartyPerson), FirstName: capsule.Some(name), LastName: capsule.Some("Smith"),
			Organisation:   capsule.PartyID(org.ID),
			EmailAddresses: []capsule.EmailAddress{{Address: capsule.Some(strings.ToLower(name) + "@acme.test")}}}
		if i == 0 {
			p.Tags = []capsule.TagRef{{Name: capsule.Some("VIP")}}
			p.Fields = []capsule.CustomField{{Definition: capsule.RefID(tier.ID), Value: capsule.StringValue("Gold")}}
		}
		must[*capsule.Party](t)(c.Parties.Create(ctx, &p))
	}
	cases := []struct {
		name  string
		conds []capsule.Condition
		want  int
	}{
		{"email is", []capsule.Condition{{Field: "email", Operator: "is", Value: "bob@acme.test"}}, 1},
		{"name starts with", []capsule.Condition{{Field: "name", Operator: "starts with", Value: "Acme"}}, 1},
		{"type is person", []capsule.Condition{{Field: "type", Operator: "is", Value: "person"}}, 3},
		{"tag is", []capsule.Condition{{Field: "tag", Operator: "is", Value: "vip"}}, 1},
		{"org.name AND not tag", []capsule.Condition{{Field: "org.name", Operator: "contains", Value: "Widgets"}, {Field: "tag", Operator: "is not", Value: "VIP"}}, 2},
		{"custom field", []capsule.Condition{{Field: fmt.Sprintf("custom:%d", tier.ID), Operator: "is", Value: "Gold"}}, 1},
		{"addedOn after", []capsule.Condition{{Field: "addedOn", Operator: "is after", Value: "2000-01-01"}}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := collect(t, c.Parties.FilterAll(ctx, &capsule.Filter{Conditions: tc.conds}, nil))
			if len(got) != tc.want {
				t.Errorf("%d results, want %d", len(got), tc.want)
			}
		})
	}
	_, _, err := c.Parties.Filter(ctx, &capsule.Filter{Conditions: []capsule.Condition{{Field: "createdAt", Operator: "is after", Value: "2000-01-01"}}}, nil)
	var er *capsule.ErrorResponse
	if !errors.As(err, &er) || er.StatusCode() != 422 || !strings.Contains(er.Error(), "invalid field name") {
		t.Errorf("response field name in filter: %v, want 422 invalid field name", err)
	}
	// filters on opportunities and kases answer their own list keys
	_ = must[[]capsule.Opportunity](t)(c.Opportunities.Filter(ctx, &capsule.Filter{Conditions: []capsule.Condition{{Field: "isOpen", Operator: "is", Value: true}}}, nil))
	_ = must[[]capsule.Kase](t)(c.Projects.Filter(ctx, &capsule.Filter{Conditions: []capsule.Condition{{Field: "status", Operator: "is", Value: "OPEN"}}}, nil))
}

// Pages of per-record entries (50 at most), filter results and tasks since.
func TestConformancePagedEntriesFiltersTasks(t *testing.T) {
	clock := &stepClock{now: time.Now().UTC().Truncate(time.Second)}
	cf := newConformance(t, []sandbox.Option{sandbox.WithClock(clock.Now)})
	ctx, c := cf.ctx, cf.c
	c.Pacer().SetPending(400)
	org := newOrg(t, cf, "Busy Ltd")
	const notes = 120
	for i := range notes {
		clock.Advance(time.Second)
		must[*capsule.Entry](t)(c.Entries.Create(ctx, &capsule.Entry{Type: capsule.Some(capsule.EntryNote),
			Party: capsule.PartyID(org.ID), Content: capsule.Some(fmt.Sprint("note ", i))}))
	}
	got := collect(t, c.Entries.ListAllFor(ctx, capsule.EntityParties, org.ID, nil))
	if len(got) != notes {
		t.Fatalf("ListAllFor = %d entries, want %d", len(got), notes)
	}
	for i := 1; i < len(got); i++ {
		if got[i].EntryAt.Value().After(got[i-1].EntryAt.Value().Time) {
			t.Fatalf("entries not newest first at %d", i)
		}
	}
	if _, _, err := c.Entries.ListFor(ctx, capsule.EntityParties, org.ID, &capsule.ListOptions{PerPage: 51}); err == nil {
		t.Errorf("perPage 51 on a record's entries accepted")
	}
	if all := collect(t, c.Entries.ListAll(ctx, nil)); len(all) != notes {
		t.Errorf("ListAll entries = %d", len(all))
	}

	for i := range 150 {
		must[*capsule.Party](t)(c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyPerson), LastName: capsule.Some(fmt.Sprint("L", i))}))
	}
	people := collect(t, c.Parties.FilterAll(ctx, &capsule.Filter{Conditions: []capsule.Condition{{Field: "type", Operator: "is", Value: "person"}}},
		&capsule.ListOptions{Embed: []string{"tags"}}))
	if len(people) != 150 || people[0].Tags == nil {
		t.Errorf("FilterAll over pages = %d people (tags embedded: %v)", len(people), people[0].Tags != nil)
	}

	due := capsule.DateOf(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	var tasks []int64
	for i := range 3 {
		tk := must[*capsule.Task](t)(c.Tasks.Create(ctx, &capsule.Task{Description: capsule.Some(fmt.Sprint("t", i)), DueOn: capsule.Some(due)}))
		tasks = append(tasks, tk.ID)
	}
	clock.Advance(5 * time.Second)
	mark := clock.Now()
	clock.Advance(time.Second)
	must[*capsule.Task](t)(c.Tasks.Update(ctx, tasks[1], &capsule.Task{Detail: capsule.Some("moved")}))
	if since := collect(t, c.Tasks.ListAll(ctx, &capsule.ListOptions{Since: mark})); len(since) != 1 || since[0].ID != tasks[1] {
		t.Errorf("tasks since = %+v", since)
	}
}
