package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// resource is what the shared list/show/create/update/delete handlers need
// from parties, opportunities, kases and tasks.
type resource interface {
	singular() string
	ids(st *state) []int64
	updatedAt(st *state, id int64) (time.Time, bool)
	render(c *call, id int64) obj
	// create validates and stores; it returns the new id or a 4xx.
	create(c *call, m map[string]json.RawMessage) (int64, *response)
	update(c *call, id int64, m map[string]json.RawMessage) *response
	remove(c *call, id int64)
	searchText(st *state, id int64) string
}

func resourceFor(e string) resource {
	switch e {
	case "parties":
		return partiesRes{}
	case "opportunities":
		return oppsRes{}
	case "kases":
		return kasesRes{}
	default:
		return tasksRes{}
	}
}

func sortedKeys[T any](m map[int64]T) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func listHandler(e string, search bool) func(*call) response {
	res := resourceFor(e)
	return func(c *call) response {
		p, bad := c.paging(100)
		if bad != nil {
			return *bad
		}
		since, hasSince, bad := c.since()
		if bad != nil {
			return *bad
		}
		q := strings.ToLower(strings.TrimSpace(c.r.URL.Query().Get("q")))
		var ids []int64
		for _, id := range res.ids(c.st) {
			if hasSince {
				if u, _ := res.updatedAt(c.st, id); !u.After(since) {
					continue
				}
			}
			if search && q != "" && !strings.Contains(strings.ToLower(res.searchText(c.st, id)), q) {
				continue
			}
			if e == "tasks" && !taskStatusWanted(c, c.st.Tasks[id].Status) {
				continue
			}
			ids = append(ids, id)
		}
		return pageOf(c, e, ids, p, func(id int64) any { return res.render(c, id) })
	}
}

func showHandler(e string) func(*call) response {
	res := resourceFor(e)
	return func(c *call) response {
		ids, bad := c.ids()
		if bad != nil {
			return *bad
		}
		for _, id := range ids {
			if _, ok := res.updatedAt(c.st, id); !ok {
				return notFound()
			}
		}
		if len(ids) == 1 && !strings.Contains(c.params[0], ",") {
			return ok(obj{}.add(res.singular(), res.render(c, ids[0])))
		}
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = res.render(c, id)
		}
		return ok(obj{}.add(e, out))
	}
}

func createHandler(e string) func(*call) response {
	res := resourceFor(e)
	return func(c *call) response {
		m, bad := c.wrapped(res.singular())
		if bad != nil {
			return *bad
		}
		id, bad := res.create(c, m)
		if bad != nil {
			return *bad
		}
		return created(fmt.Sprintf("%s/%s/%d", c.base, e, id), obj{}.add(res.singular(), res.render(c, id)))
	}
}

func updateHandler(e string) func(*call) response {
	res := resourceFor(e)
	return func(c *call) response {
		id, good := c.id()
		if !good {
			return notFound()
		}
		if _, found := res.updatedAt(c.st, id); !found {
			return notFound()
		}
		m, bad := c.wrapped(res.singular())
		if bad != nil {
			return *bad
		}
		if bad := res.update(c, id, m); bad != nil {
			return *bad
		}
		return ok(obj{}.add(res.singular(), res.render(c, id)))
	}
}

func deleteHandler(e string) func(*call) response {
	res := resourceFor(e)
	return func(c *call) response {
		id, good := c.id()
		if !good {
			return notFound()
		}
		if _, found := res.updatedAt(c.st, id); !found {
			return notFound()
		}
		res.remove(c, id)
		return noContent()
	}
}

func (c *call) recordDeletion(e string, id int64) {
	if e == "tasks" || e == "entries" {
		return // Capsule keeps no deleted feed for these.
	}
	c.st.Deleted[e] = append(c.st.Deleted[e], deletion{ID: id, DeletedAt: c.now})
}

func deletedHandler(e string) func(*call) response {
	return func(c *call) response {
		p, bad := c.paging(100)
		if bad != nil {
			return *bad
		}
		since, has, bad := c.since()
		if bad != nil {
			return *bad
		}
		if !has {
			return invalid(e, "since", "since is required")
		}
		var ds []deletion
		for _, d := range c.st.Deleted[e] {
			if d.DeletedAt.After(since) {
				ds = append(ds, d)
			}
		}
		return pageOf(c, e, ds, p, func(d deletion) any {
			return obj{}.add("id", d.ID).add("deletedAt", ts(d.DeletedAt))
		})
	}
}

func taskStatusWanted(c *call, status string) bool {
	want := c.r.URL.Query().Get("status")
	if want == "" {
		want = "open"
	}
	for _, w := range strings.Split(want, ",") {
		if strings.EqualFold(strings.TrimSpace(w), status) {
			return true
		}
	}
	return false
}

func showJob(c *call) response {
	status, found := c.st.Jobs[c.params[0]]
	if !found {
		return notFound()
	}
	return ok(obj{}.add("job", obj{}.add("id", c.params[0]).add("status", "completed").add("progress", 100).add("action", status)))
}
