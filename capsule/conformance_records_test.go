package capsule_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
)

// salesMilestones returns the seed pipeline's milestones by name.
func salesMilestones(t *testing.T, cf *conformance) map[string]capsule.Milestone {
	t.Helper()
	pipes := must[[]capsule.Pipeline](t)(cf.c.Pipelines.List(cf.ctx, nil))
	if len(pipes) == 0 {
		t.Fatal("no seed pipeline")
	}
	ms := must[[]capsule.Milestone](t)(cf.c.Milestones.ListForPipeline(cf.ctx, pipes[0].ID, nil))
	out := map[string]capsule.Milestone{}
	for _, m := range ms {
		out[m.Name.Value()] = m
	}
	if _, ok := out["Won"]; !ok {
		t.Fatalf("no Won milestone in %+v", ms)
	}
	return out
}

func newOrg(t *testing.T, cf *conformance, name string) *capsule.Party {
	t.Helper()
	return must[*capsule.Party](t)(cf.c.Parties.Create(cf.ctx, &capsule.Party{
		Type: capsule.Some(capsule.PartyOrganisation), Name: capsule.Some(name)}))
}

func TestConformanceOpportunityLifecycle(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	ms := salesMilestones(t, cf)
	var open capsule.Milestone
	for _, m := range ms {
		if !m.Complete.Value() {
			open = m
			break
		}
	}
	org := newOrg(t, cf, "Initech")
	o := must[*capsule.Opportunity](t)(c.Opportunities.Create(ctx, &capsule.Opportunity{
		Name:            capsule.Some("Renewal"),
		Party:           capsule.PartyID(org.ID),
		Milestone:       capsule.RefID(open.ID),
		Value:           capsule.Some(capsule.Money{Amount: capsule.Some(1250.5), Currency: capsule.Some("GBP")}),
		ExpectedCloseOn: capsule.Some(capsule.DateOf(time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC))),
		DurationBasis:   capsule.Some("FIXED"),
	}))
	if o.Value.Value().Amount.Value() != 1250.5 || o.Value.Value().Currency.Value() != "GBP" {
		t.Errorf("value = %+v", o.Value)
	}
	if o.Probability.Value() != open.Probability.Value() || o.ClosedOn.Valid() {
		t.Errorf("open opportunity: probability %v closedOn %v", o.Probability, o.ClosedOn)
	}
	if o.Owner.Value().ID == 0 {
		t.Errorf("owner not defaulted: %+v", o.Owner)
	}
	for _, tc := range []struct {
		name string
		prob int
	}{{"Won", 100}, {"Lost", 0}} {
		t.Run("close "+tc.name, func(t *testing.T) {
			u := must[*capsule.Opportunity](t)(c.Opportunities.Update(ctx, o.ID, &capsule.Opportunity{Milestone: capsule.RefID(ms[tc.name].ID)}))
			if u.Probability.Value() != tc.prob || !u.ClosedOn.Valid() || u.LastOpenMilestone.Value().ID != open.ID {
				t.Errorf("closed as %s: probability %v closedOn %v lastOpen %v", tc.name, u.Probability, u.ClosedOn, u.LastOpenMilestone)
			}
			if u.Name.Value() != "Renewal" || u.Value.Value().Amount.Value() != 1250.5 {
				t.Errorf("absent keys changed: %+v", u)
			}
		})
	}
	if _, _, err := c.Opportunities.Update(ctx, o.ID, &capsule.Opportunity{Probability: capsule.Some(50)}); statusOf(err) != 422 {
		t.Errorf("probability on a closed opportunity: %v, want 422", err)
	}
	u := must[*capsule.Opportunity](t)(c.Opportunities.Update(ctx, o.ID, &capsule.Opportunity{Milestone: capsule.RefID(open.ID)}))
	if _, _, err := c.Opportunities.Update(ctx, o.ID, &capsule.Opportunity{Milestone: capsule.RefID(ms["Won"].ID), Probability: capsule.Some(90)}); statusOf(err) != 422 {
		t.Errorf("probability with a closing milestone: %v, want 422", err)
	}
	if u.ClosedOn.Valid() {
		t.Errorf("reopened opportunity keeps closedOn %v", u.ClosedOn)
	}
	u = must[*capsule.Opportunity](t)(c.Opportunities.Update(ctx, o.ID, &capsule.Opportunity{Description: capsule.Some("x"), ExpectedCloseOn: capsule.Null[capsule.Date]()}))
	if !u.ExpectedCloseOn.IsNull() || u.Description.Value() != "x" {
		t.Errorf("null expectedCloseOn: %+v", u)
	}
	_ = must[*capsule.Opportunity](t)(c.Opportunities.Get(ctx, o.ID, &capsule.GetOptions{Embed: []string{"tags", "fields"}}))

	// validation
	_, _, err := c.Opportunities.Create(ctx, &capsule.Opportunity{Name: capsule.Some("no party")})
	var er *capsule.ErrorResponse
	if !errors.As(err, &er) || er.StatusCode() != 422 || len(er.Errors) == 0 {
		t.Errorf("create without party/milestone: %v, want 422 with field errors", err)
	}
	_, _, err = c.Opportunities.Update(ctx, o.ID, &capsule.Opportunity{Value: capsule.Some(capsule.Money{Amount: capsule.Some(5.0), Currency: capsule.Null[string]()})})
	if statusOf(err) != 422 {
		t.Errorf("amount without currency: %v, want 422", err)
	}

	if _, err := c.Opportunities.Delete(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	del := must[*capsule.DeletedOpportunities](t)(c.Opportunities.ListDeleted(ctx, time.Now().Add(-time.Hour), nil))
	if len(del.Opportunities) != 1 || del.Opportunities[0].ID != o.ID || !del.Opportunities[0].DeletedAt.Valid() {
		t.Errorf("deleted feed = %+v", del)
	}
}

func TestConformanceKaseLifecycle(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	boards := must[[]capsule.Board](t)(c.Boards.List(ctx, nil))
	if len(boards) == 0 {
		t.Fatal("no seed board")
	}
	stages := must[[]capsule.Stage](t)(c.Stages.ListForBoard(ctx, boards[0].ID, nil))
	if len(stages) < 2 {
		t.Fatalf("stages = %+v", stages)
	}
	org := newOrg(t, cf, "Umbrella")
	k := must[*capsule.Kase](t)(c.Projects.Create(ctx, &capsule.Kase{
		Name: capsule.Some("Rollout"), Party: capsule.PartyID(org.ID), Stage: capsule.RefID(stages[0].ID),
		Description: capsule.Some("phase 1"),
	}))
	if k.Status.Value() != capsule.KaseOpen || k.Stage.Value().ID != stages[0].ID || k.Owner.Value().ID == 0 {
		t.Errorf("created kase = %+v", k)
	}
	u := must[*capsule.Kase](t)(c.Projects.Update(ctx, k.ID, &capsule.Kase{Status: capsule.Some(capsule.KaseClosed), Description: capsule.Null[string]()}))
	if u.Status.Value() != capsule.KaseClosed || !u.ClosedOn.Valid() || !u.Description.IsNull() || u.Name.Value() != "Rollout" {
		t.Errorf("closed kase = %+v", u)
	}
	// The docs' create example sends the stage as a bare integer.
	req, err := c.NewRequest(ctx, http.MethodPost, "kases", map[string]any{"kase": map[string]any{
		"name": "Bare stage", "party": map[string]any{"id": org.ID}, "stage": stages[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Kase capsule.Kase }
	if _, err := c.Do(ctx, req, &body); err != nil {
		t.Fatalf("kase with bare integer stage: %v", err)
	}
	if body.Kase.Stage.Value().ID != stages[1].ID {
		t.Errorf("bare stage stored as %+v", body.Kase.Stage)
	}
	many := must[[]capsule.Kase](t)(c.Projects.GetMany(ctx, []int64{k.ID, body.Kase.ID}, nil))
	if len(many) != 2 {
		t.Errorf("show multiple = %d kases", len(many))
	}
	_, _, err = c.Projects.Create(ctx, &capsule.Kase{Name: capsule.Some("no party")})
	if statusOf(err) != 422 {
		t.Errorf("kase without party: %v", err)
	}
	if _, err := c.Projects.Delete(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	del := must[*capsule.DeletedKases](t)(c.Projects.ListDeleted(ctx, time.Now().Add(-time.Hour), nil))
	if len(del.Kases) != 1 || del.Kases[0].ID != k.ID {
		t.Errorf("deleted kases = %+v", del)
	}
}

func TestConformanceEntriesAndTasks(t *testing.T) {
	cf := newConformance(t, nil)
	ctx, c := cf.ctx, cf.c
	org := newOrg(t, cf, "Hooli")
	e := must[*capsule.Entry](t)(c.Entries.Create(ctx, &capsule.Entry{
		Type: capsule.Some(capsule.EntryNote), Party: capsule.PartyID(org.ID), Content: capsule.Some("Called about renewal"),
		ActivityType: capsule.RefID(-3),
	}))
	if e.Creator.Value().ID == 0 || e.ActivityType.Value().ID != -3 || e.Party.Value().ID != org.ID {
		t.Errorf("entry = %+v", e)
	}
	e2 := must[*capsule.Entry](t)(c.Entries.Create(ctx, &capsule.Entry{
		Type: capsule.Some(capsule.EntryNote), Party: capsule.PartyID(org.ID), Content: capsule.Some("default type")}))
	if e2.ActivityType.Value().ID != -1 {
		t.Errorf("default activity type = %+v, want -1 Note", e2.ActivityType)
	}
	u := must[*capsule.Entry](t)(c.Entries.Update(ctx, e.ID, &capsule.Entry{Content: capsule.Some("edited")}))
	if u.Content.Value() != "edited" || u.Party.Value().ID != org.ID {
		t.Errorf("updated entry = %+v", u)
	}
	list := must[[]capsule.Entry](t)(c.Entries.ListFor(ctx, capsule.EntityParties, org.ID, nil))
	if len(list) != 2 {
		t.Errorf("entries of party = %d", len(list))
	}
	_ = must[*capsule.Entry](t)(c.Entries.Get(ctx, e.ID, nil))
	_ = must[[]capsule.Entry](t)(c.Entries.List(ctx, nil))
	for _, bad := range []struct {
		name string
		e    capsule.Entry
	}{
		{"no link", capsule.Entry{Type: capsule.Some(capsule.EntryNote), Content: capsule.Some("x")}},
		{"two links", capsule.Entry{Type: capsule.Some(capsule.EntryNote), Content: capsule.Some("x"), Party: capsule.PartyID(org.ID), Kase: capsule.RefID(1)}},
		{"email type", capsule.Entry{Type: capsule.Some("email"), Content: capsule.Some("x"), Party: capsule.PartyID(org.ID)}},
	} {
		t.Run("entry "+bad.name, func(t *testing.T) {
			if _, _, err := c.Entries.Create(ctx, &bad.e); statusOf(err) != 422 {
				t.Errorf("err = %v, want 422", err)
			}
		})
	}
	if _, err := c.Entries.Delete(ctx, e2.ID); err != nil {
		t.Fatal(err)
	}

	due := capsule.DateOf(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC))
	tk := must[*capsule.Task](t)(c.Tasks.Create(ctx, &capsule.Task{
		Description: capsule.Some("Follow up"), DueOn: capsule.Some(due), DueTime: capsule.Some("09:30:00"), Party: capsule.PartyID(org.ID)}))
	if tk.Status.Value() != capsule.TaskOpen || tk.Owner.Value().ID == 0 || !tk.DueOn.Valid() {
		t.Errorf("task = %+v", tk)
	}
	tk = must[*capsule.Task](t)(c.Tasks.Update(ctx, tk.ID, &capsule.Task{Detail: capsule.Some("ring first")}))
	tk = must[*capsule.Task](t)(c.Tasks.Update(ctx, tk.ID, &capsule.Task{Detail: capsule.Null[string](), DueTime: capsule.Null[string]()}))
	if !tk.Detail.IsNull() || !tk.DueTime.IsNull() || tk.Party.Value().ID != org.ID {
		t.Errorf("task after nulls = %+v", tk)
	}
	done := must[*capsule.Task](t)(c.Tasks.Update(ctx, tk.ID, &capsule.Task{Status: capsule.Some(capsule.TaskCompleted)}))
	if done.Status.Value() != capsule.TaskCompleted || !done.CompletedAt.Valid() || done.Description.Value() != "Follow up" {
		t.Errorf("completed task = %+v", done)
	}
	open := must[[]capsule.Task](t)(c.Tasks.List(ctx, nil))
	if len(open) != 0 {
		t.Errorf("default task list (open only) has %d", len(open))
	}
	all := must[[]capsule.Task](t)(c.Tasks.List(ctx, &capsule.ListOptions{Query: map[string][]string{"status": {"open,completed"}}}))
	if len(all) != 1 {
		t.Errorf("status=open,completed gives %d tasks", len(all))
	}
	_ = must[[]capsule.Task](t)(c.Tasks.GetMany(ctx, []int64{tk.ID}, nil))
	for _, bad := range []struct {
		name string
		t    capsule.Task
	}{
		{"no dueOn", capsule.Task{Description: capsule.Some("x")}},
		{"no description", capsule.Task{DueOn: capsule.Some(due)}},
		{"two links", capsule.Task{Description: capsule.Some("x"), DueOn: capsule.Some(due), Party: capsule.PartyID(org.ID), Kase: capsule.RefID(1)}},
		{"pending", capsule.Task{Description: capsule.Some("x"), DueOn: capsule.Some(due), Status: capsule.Some(capsule.TaskPending)}},
	} {
		t.Run("task "+bad.name, func(t *testing.T) {
			if _, _, err := c.Tasks.Create(ctx, &bad.t); statusOf(err) != 422 {
				t.Errorf("err = %v, want 422", err)
			}
		})
	}
	if _, err := c.Tasks.Delete(ctx, tk.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Tasks.Get(ctx, tk.ID, nil); statusOf(err) != 404 {
		t.Errorf("deleted task: %v", err)
	}
}
