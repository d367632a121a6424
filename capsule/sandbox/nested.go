package sandbox

import (
	"fmt"
	"slices"
)

func pictureURL(kind string, id int64) string {
	return fmt.Sprintf("https://sandbox.invalid/pictures/%s/%d.png", kind, id)
}

func (st *state) user(id int64) *SeedUser {
	for i := range st.Seed.Users {
		if st.Seed.Users[i].ID == id {
			return &st.Seed.Users[i]
		}
	}
	return nil
}

func (st *state) team(id int64) *SeedTeam {
	for i := range st.Seed.Teams {
		if st.Seed.Teams[i].ID == id {
			return &st.Seed.Teams[i]
		}
	}
	return nil
}

// milestone finds a milestone and its pipeline.
func (st *state) milestone(id int64) (*SeedMilestone, *SeedPipeline) {
	for i := range st.Seed.Pipelines {
		p := &st.Seed.Pipelines[i]
		for j := range p.Milestones {
			if p.Milestones[j].ID == id {
				return &p.Milestones[j], p
			}
		}
	}
	return nil, nil
}

func (st *state) stage(id int64) (*SeedStage, *SeedBoard) {
	for i := range st.Seed.Boards {
		b := &st.Seed.Boards[i]
		for j := range b.Stages {
			if b.Stages[j].ID == id {
				return &b.Stages[j], b
			}
		}
	}
	return nil, nil
}

func (st *state) lostReason(id int64) *SeedNamed {
	for i := range st.Seed.LostReasons {
		if st.Seed.LostReasons[i].ID == id {
			return &st.Seed.LostReasons[i]
		}
	}
	return nil
}

func (st *state) category(id int64) *SeedNamed {
	for i := range st.Seed.Categories {
		if st.Seed.Categories[i].ID == id {
			return &st.Seed.Categories[i]
		}
	}
	return nil
}

func nestedUser(st *state, id int64) any {
	u := st.user(id)
	if u == nil {
		return nil
	}
	return obj{}.add("id", u.ID).add("deleted", false).add("username", u.Username).
		add("pictureURL", pictureURL("user", u.ID)).add("name", u.Name)
}

func nestedTeam(st *state, id int64) any {
	t := st.team(id)
	if t == nil {
		return nil
	}
	return obj{}.add("id", t.ID).add("name", t.Name)
}

func nestedParty(st *state, id int64) any {
	p := st.Parties[id]
	if p == nil {
		return nil
	}
	o := obj{}.add("id", p.ID).add("type", p.Type)
	if p.Type == "organisation" {
		o = o.add("name", sp(p.Name))
	} else {
		o = o.add("firstName", sp(p.FirstName)).add("lastName", sp(p.LastName))
	}
	return o.add("pictureURL", pictureURL("party", p.ID))
}

func nestedMilestone(st *state, id int64) any {
	m, _ := st.milestone(id)
	if m == nil {
		return nil
	}
	return obj{}.add("id", m.ID).add("name", m.Name)
}

func nestedStage(st *state, id int64) any {
	s, _ := st.stage(id)
	if s == nil {
		return nil
	}
	return obj{}.add("name", s.Name).add("id", s.ID)
}

func nestedOpportunity(st *state, id int64) any {
	o := st.Opportunities[id]
	if o == nil {
		return nil
	}
	return obj{}.add("id", o.ID).add("name", o.Name)
}

func nestedKase(st *state, id int64) any {
	k := st.Kases[id]
	if k == nil {
		return nil
	}
	return obj{}.add("id", k.ID).add("name", k.Name)
}

func nestedLostReason(st *state, id int64) any {
	l := st.lostReason(id)
	if l == nil {
		return nil
	}
	return obj{}.add("id", l.ID).add("name", l.Name)
}

// addTagsFields appends the embed-only keys when asked for.
func (c *call) addTagsFields(o obj, entity string, tags []int64, fields []fieldValue) obj {
	if c.embeds("tags") {
		out := []any{}
		for _, id := range tags {
			if t := c.st.tagByID(entity, id); t != nil {
				out = append(out, obj{}.add("id", t.ID).add("name", t.Name).add("dataTag", t.DataTag))
			}
		}
		o = o.add("tags", out)
	}
	if c.embeds("fields") {
		out := []any{}
		for _, f := range fields {
			d := c.st.fieldDef(entity, f.DefID)
			if d == nil {
				continue
			}
			fo := obj{}.add("id", f.ID).add("definition", obj{}.add("id", d.ID).add("name", d.Name)).add("value", f.Value)
			if d.TagID != 0 {
				fo = fo.add("tagId", d.TagID)
			}
			out = append(out, fo)
		}
		o = o.add("fields", out)
	}
	if c.embeds("missingImportantFields") {
		missing := false
		for _, d := range c.st.FieldDefs[entity] {
			if d.Important && !slices.ContainsFunc(fields, func(f fieldValue) bool { return f.DefID == d.ID }) {
				missing = true
			}
		}
		o = o.add("missingImportantFields", missing)
	}
	return o
}
