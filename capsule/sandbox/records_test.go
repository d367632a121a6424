package sandbox

import (
	"fmt"
	"strings"
	"testing"
)

// milestones returns the seeded pipeline's milestone ids by name.
func (h *harness) milestones() map[string]float64 {
	out := map[string]float64{}
	for _, m := range h.must(200, "GET", "/milestones", nil).list("milestones") {
		out[m["name"].(string)] = m["id"].(float64)
	}
	return out
}

func TestOpportunityRules(t *testing.T) {
	h := newHarness(t)
	p := h.create("parties", "party", org("Buyer"))
	ms := h.milestones()
	ref := func(id any) map[string]any { return map[string]any{"id": id} }
	cases := []struct {
		name string
		opp  map[string]any
		want string
	}{
		{"no name", map[string]any{"party": ref(p), "milestone": ref(ms["New"])}, "name: name is required"},
		{"no party", map[string]any{"name": "x", "milestone": ref(ms["New"])}, "party: party is required"},
		{"no milestone", map[string]any{"name": "x", "party": ref(p)}, "milestone: milestone is required"},
		{"amount without currency", map[string]any{"name": "x", "party": ref(p), "milestone": ref(ms["New"]), "value": map[string]any{"amount": 10}}, "value.currency"},
		{"duration with FIXED", map[string]any{"name": "x", "party": ref(p), "milestone": ref(ms["New"]), "durationBasis": "FIXED", "duration": 3}, "duration: duration must be null"},
		{"owner and team cleared", map[string]any{"name": "x", "party": ref(p), "milestone": ref(ms["New"]), "owner": nil}, "owner: owner or team is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/opportunities", map[string]any{"opportunity": tc.opp})
			if r.status != 422 || !strings.HasPrefix(strings.Join(r.errFields(), "|"), tc.want) {
				t.Errorf("status %d errors %v, want %q", r.status, r.errFields(), tc.want)
			}
		})
	}
	id := h.create("opportunities", "opportunity", map[string]any{"name": "Deal", "party": ref(p), "milestone": ref(ms["New"]),
		"value": map[string]any{"amount": 1000, "currency": "gbp"}, "durationBasis": "MONTH", "duration": 12})
	path := fmt.Sprintf("/opportunities/%d", id)
	o := h.must(200, "GET", path, nil).obj("opportunity")
	if o["probability"].(float64) != 10 || o["closedOn"] != nil || o["value"].(map[string]any)["currency"] != "GBP" {
		t.Errorf("new opportunity = %v", o)
	}
	if r := h.do("PUT", path, map[string]any{"opportunity": map[string]any{"milestone": ref(ms["Won"]), "probability": 50}}); r.status != 422 {
		t.Errorf("probability with closing milestone: %d", r.status)
	}
	o = h.must(200, "PUT", path, map[string]any{"opportunity": map[string]any{"milestone": ref(ms["Lost"]), "lostReason": ref(h.must(200, "GET", "/lostreasons", nil).ids("lostReasons")[0])}}).obj("opportunity")
	if o["closedOn"] != "2026-03-01" || o["probability"].(float64) != 0 || o["lostReason"] == nil || o["lastOpenMilestone"].(map[string]any)["name"] != "New" {
		t.Errorf("lost opportunity = %v", o)
	}
	if r := h.do("PUT", path, map[string]any{"opportunity": map[string]any{"probability": 20}}); r.status != 422 {
		t.Errorf("probability on a closed opportunity: %d", r.status)
	}
	o = h.must(200, "PUT", path, map[string]any{"opportunity": map[string]any{"milestone": ref(ms["Qualified"])}}).obj("opportunity")
	if o["closedOn"] != nil || o["probability"].(float64) != 30 || o["lostReason"] != nil {
		t.Errorf("reopened opportunity = %v", o)
	}
	o = h.must(200, "PUT", path, map[string]any{"opportunity": map[string]any{"milestone": ref(ms["Won"])}}).obj("opportunity")
	if o["probability"].(float64) != 100 || o["closedOn"] == nil {
		t.Errorf("won opportunity = %v", o)
	}
	if got := h.must(200, "GET", fmt.Sprintf("/parties/%d/opportunities", p), nil).ids("opportunities"); len(got) != 1 {
		t.Errorf("party opportunities = %v", got)
	}
}

func TestKaseRules(t *testing.T) {
	h := newHarness(t, WithSeed(Seed{Users: []SeedUser{{ID: 1, Username: "u1", Name: "U1"}, {ID: 2, Username: "u2", Name: "U2"}},
		Teams: []SeedTeam{{ID: 3, Name: "Ops", Members: []int64{2}}}}))
	p := h.create("parties", "party", person("A", "B"))
	cases := []struct {
		name string
		k    map[string]any
		want string
	}{
		{"no name", map[string]any{"party": map[string]any{"id": p}}, "name: name is required"},
		{"no party", map[string]any{"name": "x"}, "party: party is required"},
		{"no owner or team", map[string]any{"name": "x", "party": map[string]any{"id": p}, "owner": nil}, "owner: owner or team is required"},
		{"owner outside team", map[string]any{"name": "x", "party": map[string]any{"id": p}, "team": map[string]any{"id": 3}}, "owner: owner is not a member of the team"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/kases", map[string]any{"kase": tc.k})
			if r.status != 422 || !strings.HasPrefix(strings.Join(r.errFields(), "|"), tc.want) {
				t.Errorf("status %d errors %v, want %q", r.status, r.errFields(), tc.want)
			}
		})
	}
	stages := h.must(200, "GET", "/stages", nil).ids("stages")
	id := h.create("kases", "kase", map[string]any{"name": "Proj", "party": map[string]any{"id": p}, "stage": stages[1]})
	k := h.must(200, "PUT", fmt.Sprintf("/kases/%d", id), map[string]any{"kase": map[string]any{"status": "CLOSED"}}).obj("kase")
	if k["status"] != "CLOSED" || k["closedOn"] != "2026-03-01" || k["stage"].(map[string]any)["id"].(float64) != float64(stages[1]) {
		t.Errorf("closed kase = %v", k)
	}
	ms := h.milestones()
	opp := h.create("opportunities", "opportunity", map[string]any{"name": "O", "party": map[string]any{"id": p}, "milestone": map[string]any{"id": ms["New"]}})
	h.must(200, "PUT", fmt.Sprintf("/kases/%d", id), map[string]any{"kase": map[string]any{"opportunity": map[string]any{"id": opp}}})
	if got := h.must(200, "GET", fmt.Sprintf("/opportunities/%d/kases", opp), nil).ids("kases"); len(got) != 1 || got[0] != id {
		t.Errorf("opportunity kases = %v", got)
	}
	k = h.must(200, "PUT", fmt.Sprintf("/kases/%d", id), map[string]any{"kase": map[string]any{"team": map[string]any{"id": 3}, "owner": map[string]any{"id": 2}}}).obj("kase")
	if k["team"] == nil || k["owner"].(map[string]any)["id"].(float64) != 2 {
		t.Errorf("kase owner/team = %v", k)
	}
}

func TestTaskRules(t *testing.T) {
	h := newHarness(t)
	p := h.create("parties", "party", org("A"))
	k := h.create("kases", "kase", map[string]any{"name": "K", "party": map[string]any{"id": p}})
	cases := []struct {
		name string
		task map[string]any
		want string
	}{
		{"no description", map[string]any{"dueOn": "2026-03-02"}, "description: description is required"},
		{"no dueOn", map[string]any{"description": "x"}, "dueOn: dueOn is required"},
		{"bad dueOn", map[string]any{"description": "x", "dueOn": "tomorrow"}, "dueOn: dueOn must be a date"},
		{"two links", map[string]any{"description": "x", "dueOn": "2026-03-02", "party": map[string]any{"id": p}, "kase": map[string]any{"id": k}}, "party: a task can be linked to at most one"},
		{"pending", map[string]any{"description": "x", "dueOn": "2026-03-02", "status": "PENDING"}, "status: cannot set task status to PENDING"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/tasks", map[string]any{"task": tc.task})
			if r.status != 422 || !strings.HasPrefix(strings.Join(r.errFields(), "|"), tc.want) {
				t.Errorf("status %d errors %v, want %q", r.status, r.errFields(), tc.want)
			}
		})
	}
	id := h.create("tasks", "task", map[string]any{"description": "Call", "dueOn": "2026-03-02", "kase": map[string]any{"id": k}})
	tk := h.must(200, "PUT", fmt.Sprintf("/tasks/%d", id), map[string]any{"task": map[string]any{"status": "COMPLETED"}}).obj("task")
	if tk["status"] != "COMPLETED" || tk["completedAt"] != "2026-03-01T10:00:00Z" || tk["completedBy"] != "sandbox" {
		t.Errorf("completed task = %v", tk)
	}
	if n := len(h.must(200, "GET", "/tasks", nil).list("tasks")); n != 0 {
		t.Errorf("default task list should hold open tasks only, got %d", n)
	}
	if n := len(h.must(200, "GET", "/tasks?status=open,completed", nil).list("tasks")); n != 1 {
		t.Errorf("status=open,completed gave %d", n)
	}
}

func TestEntries(t *testing.T) {
	h := newHarness(t)
	p := h.create("parties", "party", org("A"))
	k := h.create("kases", "kase", map[string]any{"name": "K", "party": map[string]any{"id": p}})
	cases := []struct {
		name  string
		entry map[string]any
		want  string
	}{
		{"email refused", map[string]any{"type": "email", "content": "x", "party": map[string]any{"id": p}}, "type: only notes"},
		{"no link", map[string]any{"type": "note", "content": "x"}, "party: entry must be linked"},
		{"two links", map[string]any{"type": "note", "content": "x", "party": map[string]any{"id": p}, "kase": map[string]any{"id": k}}, "party: entry must be linked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/entries", map[string]any{"entry": tc.entry})
			if r.status != 422 || !strings.HasPrefix(strings.Join(r.errFields(), "|"), tc.want) {
				t.Errorf("status %d errors %v, want %q", r.status, r.errFields(), tc.want)
			}
		})
	}
	old := h.create("entries", "entry", map[string]any{"type": "note", "content": "old", "party": map[string]any{"id": p}, "entryAt": "2025-01-01T09:00:00+01:00"})
	newer := h.create("entries", "entry", map[string]any{"type": "note", "content": "new", "party": map[string]any{"id": p}, "activityType": map[string]any{"id": -3}})
	list := h.must(200, "GET", fmt.Sprintf("/parties/%d/entries", p), nil).list("entries")
	if len(list) != 2 || int64(list[0]["id"].(float64)) != newer || int64(list[1]["id"].(float64)) != old {
		t.Errorf("entries not newest first: %v", list)
	}
	if list[1]["entryAt"] != "2025-01-01T08:00:00Z" || list[0]["activityType"].(map[string]any)["name"] != "Call" {
		t.Errorf("entry fields = %v", list)
	}
	h.must(422, "GET", fmt.Sprintf("/parties/%d/entries?perPage=51", p), nil)
	h.must(404, "GET", fmt.Sprintf("/entries/%d,%d", old, newer), nil)
}

func TestAdditionalParties(t *testing.T) {
	h := newHarness(t)
	main := h.create("parties", "party", org("Main"))
	extra := h.create("parties", "party", person("E", "X"))
	ms := h.milestones()
	opp := h.create("opportunities", "opportunity", map[string]any{"name": "O", "party": map[string]any{"id": main}, "milestone": map[string]any{"id": ms["New"]}})
	k := h.create("kases", "kase", map[string]any{"name": "K", "party": map[string]any{"id": main}})
	for _, base := range []string{fmt.Sprintf("/opportunities/%d", opp), fmt.Sprintf("/kases/%d", k)} {
		t.Run(base, func(t *testing.T) {
			h.must(204, "POST", fmt.Sprintf("%s/parties/%d", base, extra), nil)
			h.must(422, "POST", fmt.Sprintf("%s/parties/%d", base, extra), nil)
			h.must(422, "POST", fmt.Sprintf("%s/parties/%d", base, main), nil)
			if got := h.must(200, "GET", base+"/parties", nil).ids("parties"); len(got) != 1 || got[0] != extra {
				t.Errorf("additional parties = %v", got)
			}
			h.must(204, "DELETE", fmt.Sprintf("%s/parties/%d", base, extra), nil)
			h.must(404, "DELETE", fmt.Sprintf("%s/parties/%d", base, extra), nil)
		})
	}
	h.must(204, "POST", fmt.Sprintf("/kases/%d/parties/%d", k, extra), nil)
	h.must(204, "DELETE", fmt.Sprintf("/parties/%d", extra), nil)
	if got := h.must(200, "GET", fmt.Sprintf("/kases/%d/parties", k), nil).list("parties"); len(got) != 0 {
		t.Errorf("deleted party still linked: %v", got)
	}
}
