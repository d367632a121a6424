package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Administrator writes on pipeline milestones and lost reasons (doc 15:
// POST /milestones [D], PUT and DELETE /milestones/{id} [C AMP], POST and
// PUT /lostreasons[/{id}] [D]). The pipeline of a new milestone is not
// documented [open]; it is taken from "pipeline" ({"id": n} or n) and
// defaults to the oldest pipeline, the one the legacy GET /milestones shows.

type milestoneIn struct {
	Name           *string `json:"name"`
	Probability    *int    `json:"probability"`
	Complete       *bool   `json:"complete"`
	DaysUntilStale *int    `json:"daysUntilStale"`
}

func decodeInto(m map[string]json.RawMessage, v any) *response {
	raw, _ := json.Marshal(m)
	if err := json.Unmarshal(raw, v); err != nil {
		r := badRequest("body has a key of the wrong type: " + err.Error())
		return &r
	}
	return nil
}

func (in milestoneIn) apply(ms *SeedMilestone, v *validation) {
	if in.Name != nil {
		if strings.TrimSpace(*in.Name) == "" {
			v.add("name", "name is required")
		}
		ms.Name = strings.TrimSpace(*in.Name)
	}
	if in.Probability != nil {
		if *in.Probability < 0 || *in.Probability > 100 {
			v.add("probability", "probability must be between 0 and 100")
		}
		ms.Probability = *in.Probability
	}
	if in.Complete != nil {
		ms.Complete = *in.Complete
	}
	if in.DaysUntilStale != nil {
		ms.DaysUntilStale = *in.DaysUntilStale
	}
}

func createMilestone(c *call) response {
	m, bad := c.wrapped("milestone")
	if bad != nil {
		return *bad
	}
	var in milestoneIn
	if bad := decodeInto(m, &in); bad != nil {
		return *bad
	}
	v := &validation{resource: "milestone"}
	var p *SeedPipeline
	if id, present := ref(m, "pipeline", v); present {
		if p = c.st.pipeline(id); p == nil {
			v.add("pipeline", "pipeline not found")
		}
	} else if len(c.st.Seed.Pipelines) > 0 {
		p = &c.st.Seed.Pipelines[0]
	} else {
		v.add("pipeline", "pipeline is required")
	}
	if in.Name == nil {
		v.add("name", "name is required")
	}
	ms := SeedMilestone{ID: c.st.newID()}
	in.apply(&ms, v)
	if v.failed() {
		return v.response()
	}
	p.Milestones = append(p.Milestones, ms)
	return created(fmt.Sprintf("%s/milestones/%d", c.base, ms.ID), obj{}.add("milestone", renderMilestone(ms, p)))
}

func updateMilestone(c *call) response {
	id, _ := c.id()
	ms, p := c.st.milestone(id)
	if ms == nil {
		return notFound()
	}
	m, bad := c.wrapped("milestone")
	if bad != nil {
		return *bad
	}
	var in milestoneIn
	if bad := decodeInto(m, &in); bad != nil {
		return *bad
	}
	v := &validation{resource: "milestone"}
	next := *ms
	in.apply(&next, v)
	if v.failed() {
		return v.response()
	}
	*ms = next
	return ok(obj{}.add("milestone", renderMilestone(*ms, p)))
}

// deleteMilestone refuses a milestone that opportunities still sit on.
func deleteMilestone(c *call) response {
	id, _ := c.id()
	ms, p := c.st.milestone(id)
	if ms == nil {
		return notFound()
	}
	for _, o := range c.st.Opportunities {
		if o.MilestoneID == id {
			return invalid("milestone", "milestone", "milestone is in use by opportunities")
		}
	}
	p.Milestones = slices.DeleteFunc(p.Milestones, func(x SeedMilestone) bool { return x.ID == id })
	return noContent()
}

func lostReasonName(m map[string]json.RawMessage, required bool, v *validation) (string, bool) {
	name, present := str(m, "name", v)
	if (present || required) && (name == nil || strings.TrimSpace(*name) == "") {
		v.add("name", "name is required")
		return "", false
	}
	if name == nil {
		return "", false
	}
	return strings.TrimSpace(*name), true
}

func createLostReason(c *call) response {
	m, bad := c.wrapped("lostReason")
	if bad != nil {
		return *bad
	}
	v := &validation{resource: "lostReason"}
	name, _ := lostReasonName(m, true, v)
	if v.failed() {
		return v.response()
	}
	l := SeedNamed{ID: c.st.newID(), Name: name}
	c.st.Seed.LostReasons = append(c.st.Seed.LostReasons, l)
	return created(fmt.Sprintf("%s/lostreasons/%d", c.base, l.ID), obj{}.add("lostReason", renderNamed(l)))
}

func updateLostReason(c *call) response {
	id, _ := c.id()
	l := c.st.lostReason(id)
	if l == nil {
		return notFound()
	}
	m, bad := c.wrapped("lostReason")
	if bad != nil {
		return *bad
	}
	v := &validation{resource: "lostReason"}
	name, set := lostReasonName(m, false, v)
	if v.failed() {
		return v.response()
	}
	if set {
		l.Name = name
	}
	return ok(obj{}.add("lostReason", renderNamed(*l)))
}
