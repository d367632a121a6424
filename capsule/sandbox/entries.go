package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

func renderEntry(c *call, id int64) any {
	e := c.st.Entries[id]
	var at any
	for _, a := range activityTypes {
		if a.id == e.ActivityTypeID {
			at = obj{}.add("id", a.id).add("name", a.name)
		}
	}
	return obj{}.add("id", e.ID).add("type", e.Type).add("creator", nestedUser(c.st, e.CreatorID)).
		add("entryAt", ts(e.EntryAt)).add("createdAt", ts(e.CreatedAt)).add("updatedAt", ts(e.UpdatedAt)).
		add("subject", sp(e.Subject)).add("content", e.Content).add("activityType", at).
		add("party", nestedParty(c.st, e.PartyID)).add("opportunity", nestedOpportunity(c.st, e.OpportunityID)).
		add("kase", nestedKase(c.st, e.KaseID)).add("attachments", []any{}).add("participants", []any{})
}

// newestFirst orders entries by entryAt descending, then id descending.
func newestFirst(st *state, keep func(*entry) bool) []int64 {
	var ids []int64
	for id, e := range st.Entries {
		if keep(e) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b int64) int {
		ea, eb := st.Entries[a], st.Entries[b]
		if c := eb.EntryAt.Compare(ea.EntryAt); c != 0 {
			return c
		}
		return int(b - a)
	})
	return ids
}

func listEntries(c *call) response {
	p, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	ids := newestFirst(c.st, func(*entry) bool { return true })
	return pageOf(c, "entries", ids, p, func(id int64) any { return renderEntry(c, id) })
}

func entriesOf(e string) func(*call) response {
	return func(c *call) response {
		id, good := c.id()
		if !good {
			return notFound()
		}
		if _, found := resourceFor(e).updatedAt(c.st, id); !found {
			return notFound()
		}
		p, bad := c.paging(50)
		if bad != nil {
			return *bad
		}
		ids := newestFirst(c.st, func(x *entry) bool {
			switch e {
			case "parties":
				return x.PartyID == id
			case "opportunities":
				return x.OpportunityID == id
			default:
				return x.KaseID == id
			}
		})
		return pageOf(c, "entries", ids, p, func(id int64) any { return renderEntry(c, id) })
	}
}

func showEntry(c *call) response {
	id, good := c.id()
	if !good || c.st.Entries[id] == nil {
		return notFound()
	}
	return ok(obj{}.add("entry", renderEntry(c, id)))
}

func createEntry(c *call) response {
	m, bad := c.wrapped("entry")
	if bad != nil {
		return *bad
	}
	v := &validation{resource: "entry"}
	e := &entry{Type: "note", CreatorID: c.user, EntryAt: c.now, CreatedAt: c.now, UpdatedAt: c.now, ActivityTypeID: -1}
	if s, present := str(m, "type", v); present && deref(s) != "note" {
		v.add("type", "only notes can be created through the API")
	}
	applyEntry(c, e, m, v)
	links := 0
	for _, l := range []struct {
		key string
		dst *int64
		ok  func(int64) bool
	}{
		{"party", &e.PartyID, func(id int64) bool { return c.st.Parties[id] != nil }},
		{"opportunity", &e.OpportunityID, func(id int64) bool { return c.st.Opportunities[id] != nil }},
		{"kase", &e.KaseID, func(id int64) bool { return c.st.Kases[id] != nil }},
	} {
		if id, present := ref(m, l.key, v); present && id != 0 {
			if !l.ok(id) {
				v.add(l.key, l.key+" not found")
			}
			*l.dst = id
			links++
		}
	}
	if links != 1 {
		v.add("party", "entry must be linked to either a party, opportunity or kase")
	}
	if v.failed() {
		return v.response()
	}
	e.ID = c.st.newID()
	c.st.Entries[e.ID] = e
	return created(fmt.Sprintf("%s/entries/%d", c.base, e.ID), obj{}.add("entry", renderEntry(c, e.ID)))
}

func applyEntry(c *call, e *entry, m map[string]json.RawMessage, v *validation) {
	if s, present := str(m, "content", v); present {
		e.Content = deref(s)
	}
	if e.Content == "" {
		v.add("content", "content is required")
	}
	if s, present := str(m, "subject", v); present {
		e.Subject = s
	}
	if s, present := str(m, "entryAt", v); present && s != nil {
		t, err := time.Parse(time.RFC3339, *s)
		if err != nil {
			v.add("entryAt", "entryAt must be an ISO-8601 date and time")
		} else {
			e.EntryAt = t.UTC().Truncate(time.Second)
		}
	}
	if id, present := ref(m, "activityType", v); present && id != 0 {
		found := false
		for _, a := range activityTypes {
			found = found || a.id == id
		}
		if !found {
			v.add("activityType", "activity type not found")
		}
		e.ActivityTypeID = id
	}
}

func updateEntry(c *call) response {
	id, good := c.id()
	if !good || c.st.Entries[id] == nil {
		return notFound()
	}
	m, bad := c.wrapped("entry")
	if bad != nil {
		return *bad
	}
	v := &validation{resource: "entry"}
	cp := *c.st.Entries[id]
	if s, present := str(m, "type", v); present && deref(s) != cp.Type {
		v.add("type", "type cannot be changed")
	}
	applyEntry(c, &cp, m, v)
	if v.failed() {
		return v.response()
	}
	cp.UpdatedAt = c.now
	c.st.Entries[id] = &cp
	return ok(obj{}.add("entry", renderEntry(c, id)))
}

func deleteEntry(c *call) response {
	id, good := c.id()
	if !good || c.st.Entries[id] == nil {
		return notFound()
	}
	delete(c.st.Entries, id)
	return noContent()
}
