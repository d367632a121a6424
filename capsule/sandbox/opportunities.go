package sandbox

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

type oppsRes struct{}

var durationBases = []string{"FIXED", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR"}

func (oppsRes) singular() string      { return "opportunity" }
func (oppsRes) ids(st *state) []int64 { return sortedKeys(st.Opportunities) }

func (oppsRes) updatedAt(st *state, id int64) (time.Time, bool) {
	o := st.Opportunities[id]
	if o == nil {
		return time.Time{}, false
	}
	return o.UpdatedAt, true
}

func (oppsRes) searchText(st *state, id int64) string {
	o := st.Opportunities[id]
	return o.Name + " " + deref(o.Description)
}

func (oppsRes) render(c *call, id int64) obj {
	o := c.st.Opportunities[id]
	var value any
	if o.Value != nil {
		value = obj{}.add("amount", o.Value.Amount).add("currency", o.Value.Currency)
	}
	var dur any
	if o.Duration != nil {
		dur = *o.Duration
	}
	party := nestedParty(c.st, o.PartyID)
	if c.embeds("party") && party != nil {
		party = partiesRes{}.render(c, o.PartyID)
	}
	out := obj{}.add("id", o.ID).add("owner", nestedUser(c.st, o.OwnerID)).add("team", nestedTeam(c.st, o.TeamID)).
		add("party", party).add("milestone", nestedMilestone(c.st, o.MilestoneID)).
		add("lastOpenMilestone", nestedMilestone(c.st, o.LastOpenMilestoneID)).
		add("value", value).add("expectedCloseOn", sp(o.ExpectedCloseOn)).add("probability", o.Probability).
		add("durationBasis", o.DurationBasis).add("duration", dur).add("closedOn", sp(o.ClosedOn)).
		add("lostReason", nestedLostReason(c.st, o.LostReasonID)).
		add("createdAt", ts(o.CreatedAt)).add("updatedAt", ts(o.UpdatedAt)).add("lastContactedAt", nil).
		add("lastStageChangedAt", tsp(o.LastStageChangedAt)).
		add("description", sp(o.Description)).add("name", o.Name)
	return c.addTagsFields(out, "opportunities", o.Tags, o.Fields)
}

func (r oppsRes) create(c *call, m map[string]json.RawMessage) (int64, *response) {
	o := &opportunity{OwnerID: c.user, DurationBasis: "FIXED", CreatedAt: c.now, UpdatedAt: c.now}
	if bad := r.apply(c, o, m, true); bad != nil {
		return 0, bad
	}
	o.ID = c.st.newID()
	c.st.Opportunities[o.ID] = o
	return o.ID, nil
}

func (r oppsRes) update(c *call, id int64, m map[string]json.RawMessage) *response {
	cp := *c.st.Opportunities[id]
	if bad := r.apply(c, &cp, m, false); bad != nil {
		return bad
	}
	cp.UpdatedAt = c.now
	c.st.Opportunities[id] = &cp
	return nil
}

func (oppsRes) apply(c *call, o *opportunity, m map[string]json.RawMessage, creating bool) *response {
	v := &validation{resource: "opportunity"}
	if s, present := str(m, "name", v); present {
		o.Name = deref(s)
	}
	if o.Name == "" {
		v.add("name", "name is required")
	}
	if s, present := str(m, "description", v); present {
		o.Description = s
	}
	if id, present := ref(m, "party", v); present || creating {
		if c.st.Parties[id] == nil {
			v.add("party", "party is required")
		} else {
			o.PartyID = id
		}
	}
	if id, present := ref(m, "owner", v); present {
		if id != 0 && c.st.user(id) == nil {
			v.add("owner", "owner not found")
		}
		o.OwnerID = id
	}
	if id, present := ref(m, "team", v); present {
		if id != 0 && c.st.team(id) == nil {
			v.add("team", "team not found")
		}
		o.TeamID = id
	}
	if o.OwnerID == 0 && o.TeamID == 0 {
		v.add("owner", "owner or team is required")
	}
	if s, present := str(m, "expectedCloseOn", v); present {
		if s != nil && !validDate(*s) {
			v.add("expectedCloseOn", "expectedCloseOn must be a date (YYYY-MM-DD)")
		}
		o.ExpectedCloseOn = s
	}
	if raw, present := m["value"]; present {
		if isNull(raw) {
			o.Value = nil
		} else {
			var val struct {
				Amount   *json.Number `json:"amount"`
				Currency *string      `json:"currency"`
			}
			if json.Unmarshal(raw, &val) != nil || val.Amount == nil {
				v.add("value", "value must be an object with amount and currency")
			} else if amt, err := strconv.ParseFloat(val.Amount.String(), 64); err != nil {
				v.add("value.amount", "amount must be a number")
			} else if val.Currency == nil || !knownCurrency(*val.Currency) {
				v.add("value.currency", "currency is required with an amount and must be a known ISO code")
			} else {
				o.Value = &money{Amount: amt, Currency: strings.ToUpper(*val.Currency)}
			}
		}
	}
	if s, present := str(m, "durationBasis", v); present {
		b := strings.ToUpper(deref(s))
		if !slices.Contains(durationBases, b) {
			v.add("durationBasis", "durationBasis must be one of "+strings.Join(durationBases, ", "))
		}
		o.DurationBasis = b
	}
	if raw, present := m["duration"]; present {
		if isNull(raw) {
			o.Duration = nil
		} else {
			var d int
			if json.Unmarshal(raw, &d) != nil || d < 0 {
				v.add("duration", "duration must be a whole number")
			}
			o.Duration = &d
		}
	}
	if o.DurationBasis == "FIXED" && o.Duration != nil {
		v.add("duration", "duration must be null when durationBasis is FIXED")
	}
	if o.DurationBasis != "FIXED" && o.Duration == nil {
		v.add("duration", "duration is required when durationBasis is not FIXED")
	}
	msID, msPresent := ref(m, "milestone", v)
	_, probPresent := m["probability"]
	if msPresent || creating {
		ms, _ := c.st.milestone(msID)
		if ms == nil {
			v.add("milestone", "milestone is required")
		} else {
			if ms.Complete && probPresent {
				v.add("probability", "probability can be updated only for open opportunity")
			}
			if msID != o.MilestoneID {
				t := c.now
				o.LastStageChangedAt = &t
			}
			o.MilestoneID = msID
			o.Probability = ms.Probability
			if ms.Complete {
				day := c.now.Format(dateLayout)
				o.ClosedOn = &day
				if lr, present := ref(m, "lostReason", v); present && ms.Probability == 0 {
					if lr != 0 && c.st.lostReason(lr) == nil {
						v.add("lostReason", "lost reason not found")
					}
					o.LostReasonID = lr
				}
			} else {
				o.ClosedOn = nil
				o.LostReasonID = 0
				o.LastOpenMilestoneID = msID
			}
		}
	}
	if raw, present := m["probability"]; present && !isNull(raw) {
		var pr int
		if json.Unmarshal(raw, &pr) != nil || pr < 0 || pr > 100 {
			v.add("probability", "probability must be a whole number from 0 to 100")
		} else if o.ClosedOn != nil && !msPresent {
			v.add("probability", "probability can be updated only for open opportunity")
		} else {
			o.Probability = pr
		}
	}
	if rows, present := childRows(m, "tags", v); present {
		o.Tags = c.applyTags("opportunities", o.Tags, rows, v)
	}
	if rows, present := childRows(m, "fields", v); present {
		o.Fields = c.applyFields("opportunities", o.Fields, rows, v)
	}
	if v.failed() {
		r := v.response()
		return &r
	}
	return nil
}

func (oppsRes) remove(c *call, id int64) {
	delete(c.st.Opportunities, id)
	c.recordDeletion("opportunities", id)
	for _, tid := range sortedKeys(c.st.Tasks) {
		if c.st.Tasks[tid].OpportunityID == id {
			delete(c.st.Tasks, tid)
		}
	}
	for _, eid := range sortedKeys(c.st.Entries) {
		if c.st.Entries[eid].OpportunityID == id {
			delete(c.st.Entries, eid)
		}
	}
	for _, kid := range sortedKeys(c.st.Kases) {
		if k := c.st.Kases[kid]; k.OpportunityID == id {
			cp := *k
			cp.OpportunityID = 0
			c.st.Kases[kid] = &cp
		}
	}
}
