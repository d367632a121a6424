package sandbox

import (
	"fmt"
	"strconv"
	"strings"
)

// seededAt is the fixed creation time shown on seeded reference data.
const seededAt = "2020-01-01T00:00:00Z"

type activityType struct {
	id   int64
	name string
	icon string
}

// activityTypes are Capsule's built-ins (negative ids).
var activityTypes = []activityType{{-1, "Note", "NOTE"}, {-2, "Meeting", "MEETING"}, {-3, "Call", "PHONE"}, {-4, "Task completed", "TASK"}}

func renderUser(c *call, u SeedUser) any {
	return obj{}.add("id", u.ID).add("username", u.Username).add("name", u.Name).add("locale", "en_GB").
		add("currency", "GBP").add("timezone", "Europe/London").add("status", "ACTIVE").add("lastLoginAt", nil).
		add("taskReminder", false).add("party", nil)
}

func listUsers(c *call) response {
	out := []any{}
	for _, u := range c.st.Seed.Users {
		out = append(out, renderUser(c, u))
	}
	return ok(obj{}.add("users", out))
}

func currentUser(c *call) response {
	return ok(obj{}.add("user", renderUser(c, *c.st.user(c.user))))
}

func showUser(c *call) response {
	id, good := c.id()
	if u := c.st.user(id); good && u != nil {
		return ok(obj{}.add("user", renderUser(c, *u)))
	}
	return notFound()
}

func renderTeam(c *call, t SeedTeam) any {
	o := obj{}.add("id", t.ID).add("name", t.Name).add("createdAt", seededAt).add("updatedAt", seededAt)
	if c.embeds("memberships") {
		ms := []any{}
		for _, uid := range t.Members {
			ms = append(ms, obj{}.add("user", nestedUser(c.st, uid)))
		}
		o = o.add("memberships", ms)
	}
	return o
}

func listTeams(c *call) response {
	out := []any{}
	for _, t := range c.st.Seed.Teams {
		out = append(out, renderTeam(c, t))
	}
	return ok(obj{}.add("teams", out))
}

func showTeam(c *call) response {
	id, good := c.id()
	if t := c.st.team(id); good && t != nil {
		return ok(obj{}.add("team", renderTeam(c, *t)))
	}
	return notFound()
}

func renderPipeline(p SeedPipeline) any {
	open := 0
	for _, m := range p.Milestones {
		if !m.Complete {
			open++
		}
	}
	return obj{}.add("id", p.ID).add("name", p.Name).add("description", nil).add("createdAt", seededAt).
		add("updatedAt", seededAt).add("deleted", false).add("openMilestoneCount", open)
}

func listPipelines(c *call) response {
	p, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	return pageOf(c, "pipelines", c.st.Seed.Pipelines, p, func(x SeedPipeline) any { return renderPipeline(x) })
}

// maxPipelines is Capsule's cap on active pipelines per account (doc 15).
const maxPipelines = 30

// createPipeline adds an empty pipeline (POST /pipelines, doc 15 [D]);
// milestones are then listed under it.
func createPipeline(c *call) response {
	m, bad := c.wrapped("pipeline")
	if bad != nil {
		return *bad
	}
	v := &validation{resource: "pipeline"}
	name, _ := str(m, "name", v)
	if name == nil || strings.TrimSpace(*name) == "" {
		v.add("name", "name is required")
	}
	if len(c.st.Seed.Pipelines) >= maxPipelines {
		v.add("pipeline", fmt.Sprintf("at most %d active pipelines per account", maxPipelines))
	}
	if v.failed() {
		return v.response()
	}
	p := SeedPipeline{ID: c.st.newID(), Name: strings.TrimSpace(*name), Milestones: []SeedMilestone{}}
	c.st.Seed.Pipelines = append(c.st.Seed.Pipelines, p)
	return created(fmt.Sprintf("%s/pipelines/%d", c.base, p.ID), obj{}.add("pipeline", renderPipeline(p)))
}

func (st *state) pipeline(id int64) *SeedPipeline {
	for i := range st.Seed.Pipelines {
		if st.Seed.Pipelines[i].ID == id {
			return &st.Seed.Pipelines[i]
		}
	}
	return nil
}

func showPipelines(c *call) response {
	ids, bad := c.ids()
	if bad != nil {
		return *bad
	}
	out := []any{}
	for _, id := range ids {
		p := c.st.pipeline(id)
		if p == nil {
			return notFound()
		}
		out = append(out, renderPipeline(*p))
	}
	if len(ids) == 1 && !strings.Contains(c.params[0], ",") {
		return ok(obj{}.add("pipeline", out[0]))
	}
	return ok(obj{}.add("pipelines", out))
}

func renderMilestone(m SeedMilestone, p *SeedPipeline) any {
	o := obj{}.add("id", m.ID).add("name", m.Name).add("description", nil).add("complete", m.Complete).
		add("probability", m.Probability)
	if !m.Complete {
		o = o.add("daysUntilStale", m.DaysUntilStale)
	}
	return o.add("pipeline", obj{}.add("id", p.ID).add("name", p.Name)).add("createdAt", seededAt).add("updatedAt", seededAt)
}

func pipelineMilestones(c *call) response {
	id, good := c.id()
	p := c.st.pipeline(id)
	if !good || p == nil {
		return notFound()
	}
	pg, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	return pageOf(c, "milestones", p.Milestones, pg, func(m SeedMilestone) any { return renderMilestone(m, p) })
}

// listMilestones is the legacy list: the oldest pipeline's milestones.
func listMilestones(c *call) response {
	if len(c.st.Seed.Pipelines) == 0 {
		return ok(obj{}.add("milestones", []any{}))
	}
	c.params = []string{strconv.FormatInt(c.st.Seed.Pipelines[0].ID, 10)}
	return pipelineMilestones(c)
}

func showMilestone(c *call) response {
	id, _ := c.id()
	m, p := c.st.milestone(id)
	if m == nil {
		return notFound()
	}
	return ok(obj{}.add("milestone", renderMilestone(*m, p)))
}

func renderNamed(n SeedNamed) any {
	return obj{}.add("id", n.ID).add("name", n.Name).add("includedForConversion", false).
		add("createdAt", seededAt).add("updatedAt", seededAt)
}

func listLostReasons(c *call) response {
	out := []any{}
	for _, l := range c.st.Seed.LostReasons {
		out = append(out, renderNamed(l))
	}
	return ok(obj{}.add("lostReasons", out))
}

func showLostReason(c *call) response {
	id, _ := c.id()
	if l := c.st.lostReason(id); l != nil {
		return ok(obj{}.add("lostReason", renderNamed(*l)))
	}
	return notFound()
}

func listCategories(c *call) response {
	out := []any{}
	for _, cg := range c.st.Seed.Categories {
		out = append(out, obj{}.add("id", cg.ID).add("name", cg.Name).add("colour", "#4a90e2"))
	}
	return ok(obj{}.add("categories", out))
}

func renderBoard(b SeedBoard) any {
	return obj{}.add("id", b.ID).add("name", b.Name).add("description", nil).add("createdAt", seededAt).
		add("updatedAt", seededAt).add("deleted", false)
}

func listBoards(c *call) response {
	p, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	return pageOf(c, "boards", c.st.Seed.Boards, p, func(b SeedBoard) any { return renderBoard(b) })
}

func (st *state) board(id int64) *SeedBoard {
	for i := range st.Seed.Boards {
		if st.Seed.Boards[i].ID == id {
			return &st.Seed.Boards[i]
		}
	}
	return nil
}

func showBoard(c *call) response {
	id, _ := c.id()
	if b := c.st.board(id); b != nil {
		return ok(obj{}.add("board", renderBoard(*b)))
	}
	return notFound()
}

type boardStage struct {
	s SeedStage
	b *SeedBoard
	i int
}

func renderStage(x boardStage) any {
	return obj{}.add("id", x.s.ID).add("name", x.s.Name).add("description", nil).
		add("board", obj{}.add("id", x.b.ID).add("name", x.b.Name)).add("displayOrder", x.i+1).
		add("createdAt", seededAt).add("updatedAt", seededAt)
}

func boardStages(c *call) response {
	id, _ := c.id()
	b := c.st.board(id)
	if b == nil {
		return notFound()
	}
	return stagesOf(c, []*SeedBoard{b})
}

func listStages(c *call) response {
	var bs []*SeedBoard
	for i := range c.st.Seed.Boards {
		bs = append(bs, &c.st.Seed.Boards[i])
	}
	return stagesOf(c, bs)
}

func stagesOf(c *call, bs []*SeedBoard) response {
	p, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	var xs []boardStage
	for _, b := range bs {
		for i, s := range b.Stages {
			xs = append(xs, boardStage{s, b, i})
		}
	}
	return pageOf(c, "stages", xs, p, renderStage)
}

func showStage(c *call) response {
	id, _ := c.id()
	s, b := c.st.stage(id)
	if s == nil {
		return notFound()
	}
	i := 0
	for j := range b.Stages {
		if b.Stages[j].ID == id {
			i = j
		}
	}
	return ok(obj{}.add("stage", renderStage(boardStage{*s, b, i})))
}

func renderActivityType(a activityType, order int) any {
	return obj{}.add("id", a.id).add("name", a.name).
		add("icon", obj{}.add("order", order).add("id", a.icon).add("displayName", a.name).add("iconName", strings.ToLower(a.icon)).add("isSystem", true)).
		add("updateLastContacted", a.id != -4)
}

func listActivityTypes(c *call) response {
	p, bad := c.paging(100)
	if bad != nil {
		return *bad
	}
	idx := map[int64]int{}
	for i, a := range activityTypes {
		idx[a.id] = i
	}
	return pageOf(c, "activityTypes", activityTypes, p, func(a activityType) any { return renderActivityType(a, idx[a.id]+1) })
}

func showActivityType(c *call) response {
	id, err := strconv.ParseInt(c.params[0], 10, 64)
	for i, a := range activityTypes {
		if err == nil && a.id == id {
			return ok(obj{}.add("activityType", renderActivityType(a, i+1)))
		}
	}
	return notFound()
}

func showSite(c *call) response {
	s := c.st.Seed.Site
	return ok(obj{}.add("site", obj{}.add("url", "https://"+s.Subdomain+".capsulecrm.com").add("subdomain", s.Subdomain).add("name", s.Name)))
}
