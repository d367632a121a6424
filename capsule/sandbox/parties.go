package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

type partiesRes struct{}

func (partiesRes) singular() string      { return "party" }
func (partiesRes) ids(st *state) []int64 { return sortedKeys(st.Parties) }

func (partiesRes) updatedAt(st *state, id int64) (time.Time, bool) {
	p := st.Parties[id]
	if p == nil {
		return time.Time{}, false
	}
	return p.UpdatedAt, true
}

func (partiesRes) searchText(st *state, id int64) string {
	p := st.Parties[id]
	parts := []string{deref(p.Name), deref(p.FirstName), deref(p.LastName), deref(p.JobTitle)}
	for _, e := range p.Emails {
		parts = append(parts, e.Address)
	}
	for _, ph := range p.Phones {
		parts = append(parts, ph.Number)
	}
	for _, a := range p.Addresses {
		parts = append(parts, deref(a.Zip), deref(a.City))
	}
	return strings.Join(parts, " ")
}

func (partiesRes) render(c *call, id int64) obj {
	p := c.st.Parties[id]
	o := obj{}.add("id", p.ID).add("owner", nestedUser(c.st, p.OwnerID)).add("team", nestedTeam(c.st, p.TeamID)).
		add("type", p.Type).add("about", sp(p.About))
	if p.Type == "person" {
		o = o.add("firstName", sp(p.FirstName)).add("lastName", sp(p.LastName)).add("jobTitle", sp(p.JobTitle)).
			add("createdAt", ts(p.CreatedAt)).add("updatedAt", ts(p.UpdatedAt)).
			add("organisation", nestedParty(c.st, p.OrgID)).add("lastContactedAt", tsp(p.LastContactedAt)).
			add("pictureURL", pictureURL("party", p.ID)).add("title", sp(p.Title))
	} else {
		o = o.add("name", sp(p.Name)).add("createdAt", ts(p.CreatedAt)).add("updatedAt", ts(p.UpdatedAt)).
			add("lastContactedAt", tsp(p.LastContactedAt)).add("pictureURL", pictureURL("party", p.ID))
	}
	o = o.add("enrichment", nil).
		add("phoneNumbers", renderContacts(p.Phones, "phoneNumber")).
		add("addresses", renderContacts(p.Addresses, "address")).
		add("emailAddresses", renderContacts(p.Emails, "emailAddress")).
		add("websites", renderContacts(p.Websites, "website"))
	if c.embeds("organisation") && p.Type == "person" && p.OrgID != 0 {
		for i := range o {
			if o[i].k == "organisation" {
				o[i].v = partiesRes{}.render(c, p.OrgID)
			}
		}
	}
	return c.addTagsFields(o, "parties", p.Tags, p.Fields)
}

func (r partiesRes) create(c *call, m map[string]json.RawMessage) (int64, *response) {
	v := &validation{resource: "party"}
	var typ string
	if raw, has := m["type"]; has {
		_ = json.Unmarshal(raw, &typ)
	}
	if typ != "person" && typ != "organisation" {
		v.add("type", "type must be person or organisation")
		resp := v.response()
		return 0, &resp
	}
	p := &party{Type: typ, OwnerID: c.user, CreatedAt: c.now, UpdatedAt: c.now}
	if bad := r.apply(c, p, m, v, true); bad != nil {
		return 0, bad
	}
	p.ID = c.st.newID()
	c.st.Parties[p.ID] = p
	return p.ID, nil
}

func (r partiesRes) update(c *call, id int64, m map[string]json.RawMessage) *response {
	v := &validation{resource: "party"}
	// Work on a copy so a failed validation leaves the record untouched.
	cp := *c.st.Parties[id]
	if bad := r.apply(c, &cp, m, v, false); bad != nil {
		return bad
	}
	cp.UpdatedAt = c.now
	c.st.Parties[id] = &cp
	return nil
}

// apply copies the keys present in m onto p. Child-row ids are drawn only
// after validation passed, by re-running the collection rules.
func (partiesRes) apply(c *call, p *party, m map[string]json.RawMessage, v *validation, creating bool) *response {
	set := func(key string, dst **string) {
		if s, present := str(m, key, v); present {
			*dst = s
		}
	}
	set("about", &p.About)
	if p.Type == "person" {
		set("firstName", &p.FirstName)
		set("lastName", &p.LastName)
		set("title", &p.Title)
		set("jobTitle", &p.JobTitle)
		if creating && p.FirstName == nil && p.LastName == nil {
			v.add("firstName", "firstName or lastName is required")
		}
		if raw, has := m["organisation"]; has {
			if isNull(raw) {
				p.OrgID = 0
			} else {
				var o struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				}
				_ = json.Unmarshal(raw, &o)
				switch {
				case o.ID != 0:
					org := c.st.Parties[o.ID]
					if org == nil || org.Type != "organisation" {
						r := message(404, "organisation not found")
						return &r
					}
					p.OrgID = o.ID
				case o.Name != "":
					p.OrgID = c.orgByName(o.Name)
				}
			}
		}
	} else {
		set("name", &p.Name)
		if p.Name == nil {
			v.add("name", "name is required")
		}
	}
	if id, present := ref(m, "owner", v); present {
		if id != 0 && c.st.user(id) == nil {
			v.add("owner", "owner not found")
		}
		p.OwnerID = id
	}
	if id, present := ref(m, "team", v); present {
		if id != 0 && c.st.team(id) == nil {
			v.add("team", "team not found")
		}
		p.TeamID = id
	}
	for _, cc := range []struct {
		key, kind string
		list      *[]contact
	}{
		{"phoneNumbers", "phoneNumber", &p.Phones},
		{"emailAddresses", "emailAddress", &p.Emails},
		{"addresses", "address", &p.Addresses},
		{"websites", "website", &p.Websites},
	} {
		if rows, present := childRows(m, cc.key, v); present {
			*cc.list = c.applyContacts(*cc.list, rows, cc.kind, v)
		}
	}
	if rows, present := childRows(m, "tags", v); present {
		p.Tags = c.applyTags("parties", p.Tags, rows, v)
	}
	if rows, present := childRows(m, "fields", v); present {
		p.Fields = c.applyFields("parties", p.Fields, rows, v)
	}
	if v.failed() {
		r := v.response()
		return &r
	}
	return nil
}

// orgByName links to an organisation by name, creating it when none
// matches, as Capsule does.
func (c *call) orgByName(name string) int64 {
	for _, id := range sortedKeys(c.st.Parties) {
		q := c.st.Parties[id]
		if q.Type == "organisation" && strings.EqualFold(deref(q.Name), name) {
			return id
		}
	}
	n := name
	org := &party{ID: c.st.newID(), Type: "organisation", Name: &n, OwnerID: c.user, CreatedAt: c.now, UpdatedAt: c.now}
	c.st.Parties[org.ID] = org
	return org.ID
}

// remove cascades to the party's opportunities, kases, entries and tasks;
// people of a deleted organisation survive, unlinked.
func (partiesRes) remove(c *call, id int64) {
	delete(c.st.Parties, id)
	c.recordDeletion("parties", id)
	for _, pid := range sortedKeys(c.st.Parties) {
		if q := c.st.Parties[pid]; q.OrgID == id {
			cp := *q
			cp.OrgID = 0
			cp.UpdatedAt = c.now
			c.st.Parties[pid] = &cp
		}
	}
	for _, e := range []string{"opportunities", "kases"} {
		for _, rid := range resourceFor(e).ids(c.st) {
			if list, _ := moreParties(c, e, rid, false); slices.Contains(*list, id) {
				list, _ = moreParties(c, e, rid, true)
				*list = slices.DeleteFunc(*list, func(x int64) bool { return x == id })
			}
		}
	}
	for _, oid := range sortedKeys(c.st.Opportunities) {
		if c.st.Opportunities[oid].PartyID == id {
			oppsRes{}.remove(c, oid)
		}
	}
	for _, kid := range sortedKeys(c.st.Kases) {
		if c.st.Kases[kid].PartyID == id {
			kasesRes{}.remove(c, kid)
		}
	}
	for _, tid := range sortedKeys(c.st.Tasks) {
		if c.st.Tasks[tid].PartyID == id {
			delete(c.st.Tasks, tid)
		}
	}
	for _, eid := range sortedKeys(c.st.Entries) {
		if c.st.Entries[eid].PartyID == id {
			delete(c.st.Entries, eid)
		}
	}
}

func partyPeople(c *call) response {
	id, good := c.id()
	if !good || c.st.Parties[id] == nil {
		return notFound()
	}
	p, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	var ids []int64
	for _, pid := range sortedKeys(c.st.Parties) {
		if c.st.Parties[pid].OrgID == id {
			ids = append(ids, pid)
		}
	}
	return pageOf(c, "parties", ids, p, func(id int64) any { return partiesRes{}.render(c, id) })
}

func partyOpportunities(c *call) response {
	return childList(c, "opportunities", func(id, party int64) bool { return c.st.Opportunities[id].PartyID == party })
}

func partyKases(c *call) response {
	return childList(c, "kases", func(id, party int64) bool { return c.st.Kases[id].PartyID == party })
}

func opportunityKases(c *call) response {
	if id, good := c.id(); !good || c.st.Opportunities[id] == nil {
		return notFound()
	}
	return childList(c, "kases", func(id, opp int64) bool { return c.st.Kases[id].OpportunityID == opp })
}

// childList lists records of e linked to the parent named in the path.
func childList(c *call, e string, keep func(id, parent int64) bool) response {
	id, good := c.id()
	if !good {
		return notFound()
	}
	if c.st.Parties[id] == nil && !strings.HasPrefix(c.r.URL.Path, APIPrefix+"/opportunities/") {
		return notFound()
	}
	p, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	res := resourceFor(e)
	var ids []int64
	for _, x := range res.ids(c.st) {
		if keep(x, id) {
			ids = append(ids, x)
		}
	}
	return pageOf(c, e, ids, p, func(id int64) any { return res.render(c, id) })
}
