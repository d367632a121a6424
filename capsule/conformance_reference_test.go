package capsule_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

func TestConformanceReferenceData(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c

	me := must[*capsule.User](t)(c.Users.Current(ctx))
	if me.ID == 0 || !me.Username.Valid() {
		t.Fatalf("current user = %+v", me)
	}
	users := must[[]capsule.User](t)(c.Users.List(ctx, nil))
	if len(users) == 0 || users[0].ID != me.ID {
		t.Errorf("users = %+v", users)
	}
	if u := must[*capsule.User](t)(c.Users.Get(ctx, me.ID)); u.ID != me.ID {
		t.Errorf("user %d = %+v", me.ID, u)
	}
	_ = must[[]capsule.Team](t)(c.Teams.List(ctx, nil))

	pipes := must[[]capsule.Pipeline](t)(c.Pipelines.List(ctx, nil))
	if len(pipes) == 0 {
		t.Fatal("no pipelines")
	}
	if p := must[*capsule.Pipeline](t)(c.Pipelines.Get(ctx, pipes[0].ID)); p.Name != pipes[0].Name {
		t.Errorf("pipeline = %+v", p)
	}
	np := must[*capsule.Pipeline](t)(c.Pipelines.Create(ctx, &capsule.Pipeline{Name: capsule.Some("Partners")}))
	if got := must[[]capsule.Pipeline](t)(c.Pipelines.GetMany(ctx, []int64{pipes[0].ID, np.ID})); len(got) != 2 {
		t.Errorf("pipelines show multiple = %d", len(got))
	}
	ms := salesMilestones(t, cf)
	if ms["Won"].Probability.Value() != 100 || !ms["Won"].Complete.Value() || ms["Lost"].Probability.Value() != 0 || !ms["Lost"].Complete.Value() {
		t.Errorf("closing milestones = %+v / %+v", ms["Won"], ms["Lost"])
	}
	if m := must[*capsule.Milestone](t)(c.Milestones.Get(ctx, ms["Won"].ID)); m.Name.Value() != "Won" {
		t.Errorf("milestone = %+v", m)
	}
	_ = must[[]capsule.Milestone](t)(c.Milestones.List(ctx, nil))
	reasons := must[[]capsule.LostReason](t)(c.LostReasons.List(ctx, nil))
	if len(reasons) == 0 {
		t.Errorf("no lost reasons")
	} else {
		_ = must[*capsule.LostReason](t)(c.LostReasons.Get(ctx, reasons[0].ID))
	}

	countries := must[[]capsule.Country](t)(c.Countries.List(ctx))
	if len(countries) != 249 {
		t.Errorf("countries = %d, want 249", len(countries))
	}
	curr := must[[]capsule.Currency](t)(c.Currencies.List(ctx))
	found := false
	for _, cu := range curr {
		found = found || cu.Code.Value() == "GBP"
	}
	if !found {
		t.Errorf("no GBP in currencies")
	}
	boards := must[[]capsule.Board](t)(c.Boards.List(ctx, nil))
	if len(boards) == 0 {
		t.Fatal("no boards")
	}
	_ = must[*capsule.Board](t)(c.Boards.Get(ctx, boards[0].ID))
	stages := collect(t, c.Stages.ListAll(ctx, nil))
	if len(stages) == 0 || stages[0].Board.Value().ID != boards[0].ID {
		t.Errorf("stages = %+v", stages)
	}
	_ = must[*capsule.Stage](t)(c.Stages.Get(ctx, stages[0].ID))
	types := must[[]capsule.ActivityType](t)(c.ActivityTypes.List(ctx, nil))
	names := map[int64]string{}
	for _, a := range types {
		names[a.ID] = a.Name.Value()
	}
	if names[-1] != "Note" || names[-3] != "Call" {
		t.Errorf("activity types = %v", names)
	}
	_ = must[*capsule.ActivityType](t)(c.ActivityTypes.Get(ctx, -2))
	site := must[*capsule.Site](t)(c.Site.Get(ctx))
	if !site.Subdomain.Valid() || !site.URL.Valid() {
		t.Errorf("site = %+v", site)
	}
}

func TestConformanceTagAndFieldDefinitions(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	for _, e := range []capsule.Entity{capsule.EntityParties, capsule.EntityOpportunities, capsule.EntityKases} {
		t.Run(string(e), func(t *testing.T) {
			tag := must[*capsule.Tag](t)(c.Tags.Create(ctx, e, &capsule.Tag{Name: capsule.Some("Data " + string(e)), DataTag: capsule.Some(true)}))
			if got := must[*capsule.Tag](t)(c.Tags.Get(ctx, e, tag.ID)); got.Name.Value() != "Data "+string(e) || !got.DataTag.Value() {
				t.Errorf("tag = %+v", got)
			}
			def := must[*capsule.FieldDefinition](t)(c.Fields.Create(ctx, e, &capsule.FieldDefinition{
				Name: capsule.Some("Size"), Type: capsule.Some("number"), Tag: capsule.Some(capsule.TagRef{ID: tag.ID})}))
			if got := must[*capsule.FieldDefinition](t)(c.Fields.Get(ctx, e, def.ID)); got.Type.Value() != "number" || got.Tag.Value().ID != tag.ID {
				t.Errorf("definition = %+v", got)
			}
			if defs := must[[]capsule.FieldDefinition](t)(c.Fields.ListForTag(ctx, e, tag.ID)); len(defs) != 1 || defs[0].ID != def.ID {
				t.Errorf("definitions of tag = %+v", defs)
			}
			if defs := collect(t, c.Fields.ListAll(ctx, e, nil)); len(defs) != 1 {
				t.Errorf("definitions = %+v", defs)
			}
			if tags := collect(t, c.Tags.ListAll(ctx, e, nil)); len(tags) != 1 {
				t.Errorf("tags = %+v", tags)
			}
			if _, _, err := c.Fields.Create(ctx, e, &capsule.FieldDefinition{Name: capsule.Some("L"), Type: capsule.Some("list")}); statusOf(err) != 422 {
				t.Errorf("list definition without options: %v, want 422", err)
			}
			if _, err := c.Tags.Delete(ctx, e, tag.ID); err != nil {
				var acc *capsule.AcceptedError
				if !errors.As(err, &acc) {
					t.Fatal(err)
				}
			}
			if _, _, err := c.Tags.Get(ctx, e, tag.ID); statusOf(err) != 404 {
				t.Errorf("deleted tag: %v", err)
			}
		})
	}
}

func TestConformanceErrors(t *testing.T) {
	const readOnly = "read-only-token-0123456789"
	cf := newConformance(t, []sandbox.Option{sandbox.WithReadOnlyToken(readOnly)})
	ctx := cf.ctx
	client := func(t *testing.T, token string) *capsule.Client {
		c, err := capsule.NewClient(capsule.WithBaseURL(cf.base), capsule.WithToken(token),
			capsule.WithRetry(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	org := newOrg(t, cf, "Errors Inc")
	const badToken = "wrong-token-secret-abcdef"
	cases := []struct {
		name   string
		call   func() error
		status int
		check  func(t *testing.T, er *capsule.ErrorResponse)
	}{
		{"401 unknown token", func() error {
			_, _, err := client(t, badToken).Parties.Get(ctx, org.ID, nil)
			return err
		}, 401, func(t *testing.T, er *capsule.ErrorResponse) {
			if er.Authenticate == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		}},
		{"403 read-only token writes", func() error {
			_, _, err := client(t, readOnly).Parties.Update(ctx, org.ID, &capsule.Party{About: capsule.Some("x")})
			return err
		}, 403, func(t *testing.T, er *capsule.ErrorResponse) {
			if er.Authenticate == "" || er.Message == "" {
				t.Errorf("403 = %+v", er)
			}
		}},
		{"404 unknown id", func() error {
			_, _, err := cf.c.Opportunities.Get(ctx, 987654, nil)
			return err
		}, 404, func(t *testing.T, er *capsule.ErrorResponse) {
			if er.Message != "Could not find resource" {
				t.Errorf("404 message %q", er.Message)
			}
		}},
		{"405 wrong verb", func() error {
			req, err := cf.c.NewRequest(ctx, http.MethodDelete, "parties", nil)
			if err != nil {
				return err
			}
			_, err = cf.c.Do(ctx, req, nil)
			return err
		}, 405, func(t *testing.T, er *capsule.ErrorResponse) {
			if er.Message != "Method not allowed" {
				t.Errorf("405 message %q", er.Message)
			}
		}},
		{"422 field errors", func() error {
			_, _, err := cf.c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some(capsule.PartyOrganisation)})
			return err
		}, 422, func(t *testing.T, er *capsule.ErrorResponse) {
			if er.Message != "Validation Failed" || len(er.Errors) == 0 || er.Errors[0].Field != "name" || er.Errors[0].Resource != "party" {
				t.Errorf("422 = %+v", er)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var er *capsule.ErrorResponse
			if !errors.As(err, &er) || er.StatusCode() != tc.status {
				t.Fatalf("err = %v, want *ErrorResponse %d", err, tc.status)
			}
			tc.check(t, er)
			for _, secret := range []string{sandbox.DefaultToken, badToken, readOnly} {
				if strings.Contains(err.Error(), secret) || strings.Contains(er.Message, secret) {
					t.Errorf("error text leaks a token: %v", err)
				}
			}
		})
	}
	// a read-only token may read
	if _, _, err := client(t, readOnly).Parties.Get(ctx, org.ID, nil); err != nil {
		t.Errorf("read-only token read: %v", err)
	}
}

func TestConformanceSettingsWrites(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	p := must[*capsule.Pipeline](t)(c.Pipelines.Create(ctx, &capsule.Pipeline{Name: capsule.Some("Renewals")}))
	if _, _, err := c.Pipelines.Create(ctx, &capsule.Pipeline{}); statusOf(err) != 422 {
		t.Errorf("pipeline without name: %v, want 422", err)
	}
	m := must[*capsule.Milestone](t)(c.Milestones.Create(ctx, &capsule.Milestone{Name: capsule.Some("Qualify"),
		Probability: capsule.Some(20), Pipeline: capsule.RefID(p.ID)}))
	if m.Pipeline.Value().ID != p.ID || m.Probability.Value() != 20 || m.Complete.Value() {
		t.Errorf("milestone = %+v", m)
	}
	m = must[*capsule.Milestone](t)(c.Milestones.Update(ctx, m.ID, &capsule.Milestone{Probability: capsule.Some(30)}))
	if m.Probability.Value() != 30 || m.Name.Value() != "Qualify" {
		t.Errorf("updated milestone = %+v", m)
	}
	if got := must[[]capsule.Milestone](t)(c.Milestones.ListForPipeline(ctx, p.ID, nil)); len(got) != 1 {
		t.Errorf("milestones of new pipeline = %+v", got)
	}
	if _, _, err := c.Milestones.Update(ctx, m.ID, &capsule.Milestone{Probability: capsule.Some(101)}); statusOf(err) != 422 {
		t.Errorf("probability 101: %v, want 422", err)
	}
	if _, err := c.Milestones.Delete(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Milestones.Get(ctx, m.ID); statusOf(err) != 404 {
		t.Errorf("deleted milestone: %v", err)
	}
	lr := must[*capsule.LostReason](t)(c.LostReasons.Create(ctx, &capsule.LostReason{Name: capsule.Some("Timing")}))
	lr = must[*capsule.LostReason](t)(c.LostReasons.Update(ctx, lr.ID, &capsule.LostReason{Name: capsule.Some("Bad timing")}))
	if got := must[*capsule.LostReason](t)(c.LostReasons.Get(ctx, lr.ID)); got.Name.Value() != "Bad timing" {
		t.Errorf("lost reason = %+v", got)
	}
	if _, _, err := c.Jobs.Get(ctx, "0b6c2c1e-0000-4000-8000-000000000000"); statusOf(err) != 404 {
		t.Errorf("unknown job: %v, want 404", err)
	}
}

// Every remaining list call answers and its items decode (the round-trip
// check then re-encodes each body).
func TestConformanceEveryList(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	org := newOrg(t, cf, "Lister")
	ms := salesMilestones(t, cf)
	must[*capsule.Opportunity](t)(c.Opportunities.Create(ctx, &capsule.Opportunity{Name: capsule.Some("Lister deal"),
		Party: capsule.PartyID(org.ID), Milestone: capsule.RefID(ms["Won"].ID)}))
	must[*capsule.Kase](t)(c.Projects.Create(ctx, &capsule.Kase{Name: capsule.Some("Lister job"), Party: capsule.PartyID(org.ID)}))
	pipes := must[[]capsule.Pipeline](t)(c.Pipelines.List(ctx, nil))
	boards := must[[]capsule.Board](t)(c.Boards.List(ctx, nil))
	count := func(n int, err error) (int, error) { return n, err }
	cases := []struct {
		name string
		run  func() (int, error)
		min  int
	}{
		{"opportunities ListAll", func() (int, error) {
			v, err := collectErr(c.Opportunities.ListAll(ctx, nil))
			return count(len(v), err)
		}, 1},
		{"opportunities SearchAll", func() (int, error) {
			v, err := collectErr(c.Opportunities.SearchAll(ctx, "lister", nil))
			return count(len(v), err)
		}, 1},
		{"kases ListAll", func() (int, error) { v, err := collectErr(c.Projects.ListAll(ctx, nil)); return count(len(v), err) }, 1},
		{"kases Search", func() (int, error) { v, _, err := c.Projects.Search(ctx, "lister", nil); return count(len(v), err) }, 1},
		{"parties Search", func() (int, error) { v, _, err := c.Parties.Search(ctx, "lister", nil); return count(len(v), err) }, 1},
		{"pipelines ListAll", func() (int, error) { v, err := collectErr(c.Pipelines.ListAll(ctx, nil)); return count(len(v), err) }, 1},
		{"milestones ListAllForPipeline", func() (int, error) {
			v, err := collectErr(c.Milestones.ListAllForPipeline(ctx, pipes[0].ID))
			return count(len(v), err)
		}, 3},
		{"boards ListAll", func() (int, error) { v, err := collectErr(c.Boards.ListAll(ctx, nil)); return count(len(v), err) }, 1},
		{"stages List", func() (int, error) { v, _, err := c.Stages.List(ctx, nil); return count(len(v), err) }, 1},
		{"stages of board", func() (int, error) {
			v, _, err := c.Stages.ListForBoard(ctx, boards[0].ID, nil)
			return count(len(v), err)
		}, 1},
		{"kase tags", func() (int, error) {
			v, _, err := c.Tags.List(ctx, capsule.EntityKases, nil)
			return count(len(v), err)
		}, 0},
		{"opportunity fields", func() (int, error) {
			v, _, err := c.Fields.List(ctx, capsule.EntityOpportunities, nil)
			return count(len(v), err)
		}, 0},
		{"entries ListAll", func() (int, error) { v, err := collectErr(c.Entries.ListAll(ctx, nil)); return count(len(v), err) }, 0},
		{"teams with memberships", func() (int, error) {
			v, _, err := c.Teams.List(ctx, &capsule.GetOptions{Embed: []string{"memberships"}})
			return count(len(v), err)
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := tc.run()
			if err != nil || n < tc.min {
				t.Errorf("%d items, %v; want at least %d", n, err, tc.min)
			}
		})
	}
}

func collectErr[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
