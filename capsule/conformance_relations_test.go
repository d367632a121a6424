package capsule_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

func TestConformanceRelations(t *testing.T) {
	seed := sandbox.Seed{
		Users: []sandbox.SeedUser{{Username: "owner", Name: "Owner"}, {Username: "other", Name: "Other"}},
		Teams: []sandbox.SeedTeam{{Name: "Sales", Members: []int64{1}}},
	}
	cf := newConformance(t, []sandbox.Option{sandbox.WithSeed(seed)})
	ctx, c := cf.ctx, cf.c
	me := must[*capsule.User](t)(c.Users.Current(ctx))
	teams := must[[]capsule.Team](t)(c.Teams.List(ctx, nil))
	if len(teams) != 1 || teams[0].Name.Value() != "Sales" {
		t.Fatalf("teams = %+v", teams)
	}
	if tm := must[*capsule.Team](t)(c.Teams.Get(ctx, teams[0].ID, nil)); tm.ID != teams[0].ID {
		t.Errorf("team = %+v", tm)
	}

	org := newOrg(t, cf, "Parent Co")
	var people []int64
	for _, n := range []string{"Amy", "Ben"} {
		p := must[*capsule.Party](t)(c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyPerson),
			FirstName: capsule.Some(n), Organisation: capsule.PartyID(org.ID), Team: capsule.RefID(teams[0].ID)}))
		if p.Team.Value().ID != teams[0].ID || p.Owner.Value().ID != me.ID {
			t.Errorf("person owner/team = %+v / %+v", p.Owner, p.Team)
		}
		people = append(people, p.ID)
	}
	if got := must[[]capsule.Party](t)(c.Parties.ListPeople(ctx, org.ID, nil)); len(got) != 2 {
		t.Errorf("people of org = %d", len(got))
	}
	emb := must[*capsule.Party](t)(c.Parties.Get(ctx, people[0], &capsule.GetOptions{Embed: []string{"organisation"}}))
	var full capsule.Party
	if err := json.Unmarshal(emb.Organisation.Value().Embedded, &full); err != nil || emb.Organisation.Value().ID != org.ID ||
		full.Name.Value() != "Parent Co" || !full.CreatedAt.Valid() {
		t.Errorf("embedded organisation = %+v (%v)", emb.Organisation, err)
	}
	// A name that matches no organisation creates one (doc 7.2).
	byName := must[*capsule.Party](t)(c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyPerson),
		LastName: capsule.Some("Newco"), Organisation: capsule.Some(capsule.PartyRef{Name: capsule.Some("Brand New Org")})}))
	if byName.Organisation.Value().ID == 0 || byName.Organisation.Value().Name.Value() != "Brand New Org" {
		t.Errorf("organisation by name = %+v", byName.Organisation)
	}

	ms := salesMilestones(t, cf)
	opp := must[*capsule.Opportunity](t)(c.Opportunities.Create(ctx, &capsule.Opportunity{Name: capsule.Some("Deal"),
		Party: capsule.PartyID(org.ID), Milestone: capsule.RefID(ms["Won"].ID)}))
	if !opp.ClosedOn.Valid() || opp.Probability.Value() != 100 {
		t.Errorf("created at Won: %+v", opp)
	}
	users := must[[]capsule.User](t)(c.Users.List(ctx, nil))
	if len(users) != 2 {
		t.Fatalf("users = %+v", users)
	}
	reasons := must[[]capsule.LostReason](t)(c.LostReasons.List(ctx, nil))
	lost := must[*capsule.Opportunity](t)(c.Opportunities.Update(ctx, opp.ID, &capsule.Opportunity{
		Milestone: capsule.RefID(ms["Lost"].ID), LostReason: capsule.RefID(reasons[0].ID), Owner: capsule.UserID(users[1].ID)}))
	if lost.LostReason.Value().ID != reasons[0].ID || lost.Owner.Value().ID != users[1].ID || lost.Owner.Value().Username.Value() != "other" {
		t.Errorf("lost with reason and new owner = %+v / %+v", lost.LostReason, lost.Owner)
	}
	if _, _, err := c.Projects.Create(ctx, &capsule.Kase{Name: capsule.Some("Mismatch"), Party: capsule.PartyID(org.ID),
		Owner: capsule.UserID(users[1].ID), Team: capsule.RefID(teams[0].ID)}); statusOf(err) != 422 {
		t.Errorf("kase owner outside its team: %v, want 422", err)
	}
	k := must[*capsule.Kase](t)(c.Projects.Create(ctx, &capsule.Kase{Name: capsule.Some("Job"), Party: capsule.PartyID(org.ID),
		Opportunity: capsule.RefID(opp.ID), Team: capsule.RefID(teams[0].ID)}))
	if k.Opportunity.Value().ID != opp.ID {
		t.Errorf("kase opportunity = %+v", k.Opportunity)
	}
	ke := must[*capsule.Kase](t)(c.Projects.Get(ctx, k.ID, &capsule.GetOptions{Embed: []string{"party", "opportunity"}}))
	var fullOpp capsule.Opportunity
	if err := json.Unmarshal(ke.Opportunity.Value().Embedded, &fullOpp); err != nil || fullOpp.Name.Value() != "Deal" ||
		ke.Party.Value().Embedded == nil {
		t.Errorf("kase with embedded party and opportunity = %+v (%v)", ke, err)
	}
	oe := must[*capsule.Opportunity](t)(c.Opportunities.Get(ctx, opp.ID, &capsule.GetOptions{Embed: []string{"party"}}))
	if oe.Party.Value().ID != org.ID || oe.Party.Value().Embedded == nil {
		t.Errorf("opportunity with embedded party = %+v", oe.Party)
	}
	for _, tc := range []struct {
		name   string
		add    func() (*capsule.Response, error)
		remove func() (*capsule.Response, error)
	}{
		{"opportunity", func() (*capsule.Response, error) { return c.Opportunities.AddParty(ctx, opp.ID, people[0]) },
			func() (*capsule.Response, error) { return c.Opportunities.RemoveParty(ctx, opp.ID, people[0]) }},
		{"kase", func() (*capsule.Response, error) { return c.Projects.AddParty(ctx, k.ID, people[0]) },
			func() (*capsule.Response, error) { return c.Projects.RemoveParty(ctx, k.ID, people[0]) }},
	} {
		t.Run("additional party on "+tc.name, func(t *testing.T) {
			if resp, err := tc.add(); err != nil || resp.StatusCode != 204 {
				t.Fatalf("add: %v", err)
			}
			if _, err := tc.add(); statusOf(err) != 422 {
				t.Errorf("second add: %v, want 422", err)
			}
			if resp, err := tc.remove(); err != nil || resp.StatusCode != 204 {
				t.Fatalf("remove: %v", err)
			}
			if _, err := tc.remove(); statusOf(err) != 404 {
				t.Errorf("second remove: %v, want 404", err)
			}
		})
	}
	note := must[*capsule.Entry](t)(c.Entries.Create(ctx, &capsule.Entry{Type: capsule.Some(capsule.EntryNote), Kase: capsule.RefID(k.ID), Content: capsule.Some("n")}))
	if got := collect(t, c.Entries.ListAllFor(ctx, capsule.EntityKases, k.ID, nil)); len(got) != 1 || got[0].ID != note.ID {
		t.Errorf("entries of kase = %+v", got)
	}

	// Deleting the organisation deletes its opportunity, kase and note and
	// unlinks its people.
	since := time.Now().Add(-time.Minute)
	if _, err := c.Parties.Delete(ctx, org.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Opportunities.Get(ctx, opp.ID, nil); statusOf(err) != 404 {
		t.Errorf("opportunity of deleted party: %v", err)
	}
	if _, _, err := c.Entries.Get(ctx, note.ID, nil); statusOf(err) != 404 {
		t.Errorf("note of deleted party's kase: %v", err)
	}
	if p := must[*capsule.Party](t)(c.Parties.Get(ctx, people[1], nil)); !p.Organisation.IsNull() {
		t.Errorf("person of deleted org keeps %+v", p.Organisation)
	}
	dk := must[*capsule.DeletedKases](t)(c.Projects.ListDeleted(ctx, since, nil))
	if len(dk.Kases) != 1 || dk.Kases[0].ID != k.ID {
		t.Errorf("deleted kases = %+v", dk)
	}
}
