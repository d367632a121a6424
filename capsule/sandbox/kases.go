package sandbox

import (
	"encoding/json"
	"time"
)

type kasesRes struct{}

func (kasesRes) singular() string      { return "kase" }
func (kasesRes) ids(st *state) []int64 { return sortedKeys(st.Kases) }

func (kasesRes) updatedAt(st *state, id int64) (time.Time, bool) {
	k := st.Kases[id]
	if k == nil {
		return time.Time{}, false
	}
	return k.UpdatedAt, true
}

func (kasesRes) searchText(st *state, id int64) string {
	k := st.Kases[id]
	return k.Name + " " + deref(k.Description)
}

func (kasesRes) render(c *call, id int64) obj {
	k := c.st.Kases[id]
	party := nestedParty(c.st, k.PartyID)
	if c.embeds("party") && party != nil {
		party = partiesRes{}.render(c, k.PartyID)
	}
	opp := nestedOpportunity(c.st, k.OpportunityID)
	if c.embeds("opportunity") && opp != nil {
		opp = oppsRes{}.render(c, k.OpportunityID)
	}
	out := obj{}.add("id", k.ID).add("owner", nestedUser(c.st, k.OwnerID)).add("team", nestedTeam(c.st, k.TeamID)).
		add("party", party).add("status", k.Status).add("opportunity", opp).add("stage", nestedStage(c.st, k.StageID)).
		add("createdAt", ts(k.CreatedAt)).add("updatedAt", ts(k.UpdatedAt)).add("description", sp(k.Description)).
		add("name", k.Name).add("closedOn", sp(k.ClosedOn)).add("lastContactedAt", nil).
		add("expectedCloseOn", sp(k.ExpectedCloseOn)).add("startOn", nil)
	return c.addTagsFields(out, "kases", k.Tags, k.Fields)
}

func (r kasesRes) create(c *call, m map[string]json.RawMessage) (int64, *response) {
	k := &kase{OwnerID: c.user, Status: "OPEN", CreatedAt: c.now, UpdatedAt: c.now}
	if len(c.st.Seed.Boards) > 0 && len(c.st.Seed.Boards[0].Stages) > 0 {
		k.StageID = c.st.Seed.Boards[0].Stages[0].ID
	}
	if bad := r.apply(c, k, m, true); bad != nil {
		return 0, bad
	}
	k.ID = c.st.newID()
	c.st.Kases[k.ID] = k
	return k.ID, nil
}

func (r kasesRes) update(c *call, id int64, m map[string]json.RawMessage) *response {
	cp := *c.st.Kases[id]
	if bad := r.apply(c, &cp, m, false); bad != nil {
		return bad
	}
	cp.UpdatedAt = c.now
	c.st.Kases[id] = &cp
	return nil
}

func (kasesRes) apply(c *call, k *kase, m map[string]json.RawMessage, creating bool) *response {
	v := &validation{resource: "kase"}
	if s, present := str(m, "name", v); present {
		k.Name = deref(s)
	}
	if k.Name == "" {
		v.add("name", "name is required")
	}
	if s, present := str(m, "description", v); present {
		k.Description = s
	}
	if id, present := ref(m, "party", v); present || creating {
		if c.st.Parties[id] == nil {
			v.add("party", "party is required")
		} else {
			k.PartyID = id
		}
	}
	ownerID, ownerSet := ref(m, "owner", v)
	teamID, teamSet := ref(m, "team", v)
	if ownerSet {
		if ownerID != 0 && c.st.user(ownerID) == nil {
			v.add("owner", "owner not found")
		}
		k.OwnerID = ownerID
		if !teamSet && !creating {
			k.TeamID = 0 // Capsule clears the team when only the owner is named.
		}
	}
	if teamSet {
		t := c.st.team(teamID)
		if teamID != 0 && t == nil {
			v.add("team", "team not found")
		}
		k.TeamID = teamID
	}
	if k.OwnerID == 0 && k.TeamID == 0 {
		v.add("owner", "owner or team is required")
	}
	if t := c.st.team(k.TeamID); t != nil && k.OwnerID != 0 && len(t.Members) > 0 && !containsID(t.Members, k.OwnerID) {
		v.add("owner", "owner is not a member of the team")
	}
	if id, present := ref(m, "opportunity", v); present {
		if id != 0 && c.st.Opportunities[id] == nil {
			v.add("opportunity", "opportunity not found")
		}
		k.OpportunityID = id
	}
	if id, present := ref(m, "stage", v); present {
		if s, _ := c.st.stage(id); s == nil {
			v.add("stage", "stage not found")
		}
		k.StageID = id
	}
	if s, present := str(m, "expectedCloseOn", v); present {
		if s != nil && !validDate(*s) {
			v.add("expectedCloseOn", "expectedCloseOn must be a date (YYYY-MM-DD)")
		}
		k.ExpectedCloseOn = s
	}
	if s, present := str(m, "status", v); present {
		switch deref(s) {
		case "OPEN":
			k.Status, k.ClosedOn = "OPEN", nil
		case "CLOSED":
			if k.Status != "CLOSED" {
				day := c.now.Format(dateLayout)
				k.ClosedOn = &day
			}
			k.Status = "CLOSED"
		default:
			v.add("status", "status must be OPEN or CLOSED")
		}
	}
	if rows, present := childRows(m, "tags", v); present {
		k.Tags = c.applyTags("kases", k.Tags, rows, v)
	}
	if rows, present := childRows(m, "fields", v); present {
		k.Fields = c.applyFields("kases", k.Fields, rows, v)
	}
	if v.failed() {
		r := v.response()
		return &r
	}
	return nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (kasesRes) remove(c *call, id int64) {
	delete(c.st.Kases, id)
	c.recordDeletion("kases", id)
	for _, tid := range sortedKeys(c.st.Tasks) {
		if c.st.Tasks[tid].KaseID == id {
			delete(c.st.Tasks, tid)
		}
	}
	for _, eid := range sortedKeys(c.st.Entries) {
		if c.st.Entries[eid].KaseID == id {
			delete(c.st.Entries, eid)
		}
	}
}
