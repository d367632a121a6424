package sandbox

import (
	"encoding/json"
	"time"
)

type tasksRes struct{}

func (tasksRes) singular() string      { return "task" }
func (tasksRes) ids(st *state) []int64 { return sortedKeys(st.Tasks) }

func (tasksRes) updatedAt(st *state, id int64) (time.Time, bool) {
	t := st.Tasks[id]
	if t == nil {
		return time.Time{}, false
	}
	return t.UpdatedAt, true
}

func (tasksRes) searchText(st *state, id int64) string {
	t := st.Tasks[id]
	return t.Description + " " + deref(t.Detail)
}

func (tasksRes) render(c *call, id int64) obj {
	t := c.st.Tasks[id]
	var cat any
	if cg := c.st.category(t.CategoryID); cg != nil {
		cat = obj{}.add("id", cg.ID).add("name", cg.Name).add("colour", "#4a90e2")
	}
	return obj{}.add("id", t.ID).add("category", cat).add("description", t.Description).add("detail", sp(t.Detail)).
		add("dueTime", sp(t.DueTime)).add("status", t.Status).add("party", nestedParty(c.st, t.PartyID)).
		add("opportunity", nestedOpportunity(c.st, t.OpportunityID)).add("owner", nestedUser(c.st, t.OwnerID)).
		add("daysAfter", nil).add("taskDelayRule", nil).add("nextTask", nil).add("active", true).
		add("createdAt", ts(t.CreatedAt)).add("updatedAt", ts(t.UpdatedAt)).add("dueOn", t.DueOn).
		add("completedBy", sp(t.CompletedBy)).add("completedAt", tsp(t.CompletedAt)).
		add("kase", nestedKase(c.st, t.KaseID)).add("taskDayDelayRule", "TRACK_DAYS").
		add("overrideToCurrentUser", nil).add("repeat", nil).add("hasTrack", false)
}

func (r tasksRes) create(c *call, m map[string]json.RawMessage) (int64, *response) {
	t := &task{OwnerID: c.user, Status: "OPEN", CreatedAt: c.now, UpdatedAt: c.now}
	if bad := r.apply(c, t, m, true); bad != nil {
		return 0, bad
	}
	t.ID = c.st.newID()
	c.st.Tasks[t.ID] = t
	return t.ID, nil
}

func (r tasksRes) update(c *call, id int64, m map[string]json.RawMessage) *response {
	cp := *c.st.Tasks[id]
	if bad := r.apply(c, &cp, m, false); bad != nil {
		return bad
	}
	cp.UpdatedAt = c.now
	c.st.Tasks[id] = &cp
	return nil
}

func (tasksRes) apply(c *call, t *task, m map[string]json.RawMessage, creating bool) *response {
	v := &validation{resource: "task"}
	if s, present := str(m, "description", v); present {
		t.Description = deref(s)
	}
	if t.Description == "" {
		v.add("description", "description is required")
	}
	if s, present := str(m, "detail", v); present {
		t.Detail = s
	}
	if s, present := str(m, "dueOn", v); present {
		t.DueOn = deref(s)
	}
	if t.DueOn == "" {
		v.add("dueOn", "dueOn is required")
	} else if !validDate(t.DueOn) {
		v.add("dueOn", "dueOn must be a date (YYYY-MM-DD)")
	}
	if s, present := str(m, "dueTime", v); present {
		t.DueTime = s
	}
	if id, present := ref(m, "category", v); present {
		if id != 0 && c.st.category(id) == nil {
			v.add("category", "category not found")
		}
		t.CategoryID = id
	}
	if id, present := ref(m, "owner", v); present {
		if id != 0 && c.st.user(id) == nil {
			v.add("owner", "owner not found")
		}
		t.OwnerID = id
	}
	links := []struct {
		key string
		dst *int64
		ok  func(int64) bool
	}{
		{"party", &t.PartyID, func(id int64) bool { return c.st.Parties[id] != nil }},
		{"opportunity", &t.OpportunityID, func(id int64) bool { return c.st.Opportunities[id] != nil }},
		{"kase", &t.KaseID, func(id int64) bool { return c.st.Kases[id] != nil }},
	}
	n := 0
	for _, l := range links {
		if id, present := ref(m, l.key, v); present {
			if id != 0 && !l.ok(id) {
				v.add(l.key, l.key+" not found")
			}
			*l.dst = id
		}
		if *l.dst != 0 {
			n++
		}
	}
	if n > 1 {
		v.add("party", "a task can be linked to at most one of party, opportunity or kase")
	}
	if s, present := str(m, "status", v); present {
		switch deref(s) {
		case "OPEN":
			t.Status, t.CompletedAt, t.CompletedBy = "OPEN", nil, nil
		case "COMPLETED":
			if t.Status != "COMPLETED" {
				at := c.now
				t.CompletedAt = &at
				if u := c.st.user(c.user); u != nil {
					name := u.Username
					t.CompletedBy = &name
				}
			}
			t.Status = "COMPLETED"
		case "PENDING":
			v.add("status", "cannot set task status to PENDING")
		default:
			v.add("status", "status must be OPEN or COMPLETED")
		}
	}
	if v.failed() {
		r := v.response()
		return &r
	}
	return nil
}

func (tasksRes) remove(c *call, id int64) { delete(c.st.Tasks, id) }
