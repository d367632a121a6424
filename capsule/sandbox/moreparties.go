package sandbox

import (
	"slices"
	"strconv"
)

// moreParties returns a pointer to the additional-parties list and the
// main party of an opportunity or kase, or nil when it does not exist.
// The record is copied first so earlier responses never see the change.
func moreParties(c *call, e string, id int64, write bool) (*[]int64, int64) {
	if e == "opportunities" {
		o := c.st.Opportunities[id]
		if o == nil {
			return nil, 0
		}
		if write {
			cp := *o
			cp.MoreParties = slices.Clone(o.MoreParties)
			cp.UpdatedAt = c.now
			c.st.Opportunities[id], o = &cp, &cp
		}
		return &o.MoreParties, o.PartyID
	}
	k := c.st.Kases[id]
	if k == nil {
		return nil, 0
	}
	if write {
		cp := *k
		cp.MoreParties = slices.Clone(k.MoreParties)
		cp.UpdatedAt = c.now
		c.st.Kases[id], k = &cp, &cp
	}
	return &k.MoreParties, k.PartyID
}

func listMoreParties(e string) func(*call) response {
	return func(c *call) response {
		id, _ := c.id()
		list, _ := moreParties(c, e, id, false)
		if list == nil {
			return notFound()
		}
		p, bad := c.paging(100)
		if bad != nil {
			return *bad
		}
		return pageOf(c, "parties", *list, p, func(id int64) any { return partiesRes{}.render(c, id) })
	}
}

func partyParam(c *call) int64 {
	n, _ := strconv.ParseInt(c.params[1], 10, 64)
	return n
}

// linkParty adds an additional party: 204, or 422 when it is already
// linked or is the main party.
func linkParty(e string) func(*call) response {
	return func(c *call) response {
		id, _ := c.id()
		pid := partyParam(c)
		if list, _ := moreParties(c, e, id, false); list == nil || c.st.Parties[pid] == nil {
			return notFound()
		}
		resource := map[string]string{"opportunities": "opportunity", "kases": "kase"}[e]
		if list, main := moreParties(c, e, id, false); main == pid {
			return invalid(resource, "party", "party is already a contact for this "+resource)
		} else if slices.Contains(*list, pid) {
			return invalid(resource, "party", "party is already related to this "+resource)
		}
		list, _ := moreParties(c, e, id, true)
		*list = append(*list, pid)
		return noContent()
	}
}

func unlinkParty(e string) func(*call) response {
	return func(c *call) response {
		id, _ := c.id()
		pid := partyParam(c)
		list, _ := moreParties(c, e, id, false)
		if list == nil || !slices.Contains(*list, pid) {
			return notFound()
		}
		list, _ = moreParties(c, e, id, true)
		*list = slices.DeleteFunc(*list, func(x int64) bool { return x == pid })
		return noContent()
	}
}
