package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPartyCreateShowLocation(t *testing.T) {
	h := newHarness(t)
	r := h.must(201, "POST", "/parties", map[string]any{"party": map[string]any{
		"type": "person", "firstName": "Ada", "lastName": "Lovelace",
		"emailAddresses": []any{map[string]any{"type": "Work", "address": "ada@example.com"}},
		"addresses":      []any{map[string]any{"city": "London", "country": "UK"}},
		"websites":       []any{map[string]any{"address": "adal", "service": "GITHUB"}},
	}})
	p := r.obj("party")
	id := int64(p["id"].(float64))
	if got, want := r.header.Get("Location"), fmt.Sprintf("%s/parties/%d", h.base, id); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if p["owner"].(map[string]any)["username"] != "sandbox" {
		t.Errorf("owner should default to the token's user, got %v", p["owner"])
	}
	addr := p["addresses"].([]any)[0].(map[string]any)
	if addr["country"] != "United Kingdom" {
		t.Errorf("country alias UK stored as %v, want United Kingdom", addr["country"])
	}
	web := p["websites"].([]any)[0].(map[string]any)
	if web["url"] != "https://github.com/adal" {
		t.Errorf("website url = %v", web["url"])
	}
	if _, has := p["tags"]; has {
		t.Error("tags present without embed")
	}
	if p["createdAt"] != "2026-03-01T10:00:00Z" {
		t.Errorf("createdAt = %v", p["createdAt"])
	}
	g := h.must(200, "GET", fmt.Sprintf("/parties/%d", id), nil)
	if g.obj("party")["firstName"] != "Ada" {
		t.Errorf("GET party = %s", g.raw)
	}
}

func TestPartyValidation(t *testing.T) {
	cases := []struct {
		name  string
		party map[string]any
		want  string
	}{
		{"no type", map[string]any{"name": "X"}, "type: type must be person or organisation"},
		{"bad type", map[string]any{"type": "robot"}, "type: type must be person or organisation"},
		{"person without names", map[string]any{"type": "person", "jobTitle": "CEO"}, "firstName: firstName or lastName is required"},
		{"organisation without name", map[string]any{"type": "organisation"}, "name: name is required"},
		{"unknown country", map[string]any{"type": "organisation", "name": "A", "addresses": []any{map[string]any{"country": "Atlantis"}}}, "country: unknown country"},
		{"bad website service", map[string]any{"type": "organisation", "name": "A", "websites": []any{map[string]any{"address": "x", "service": "MYSPACE"}}}, "service: service must be one of"},
		{"empty phone", map[string]any{"type": "organisation", "name": "A", "phoneNumbers": []any{map[string]any{"number": ""}}}, "number: number is required"},
	}
	h := newHarness(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/parties", map[string]any{"party": tc.party})
			if r.status != 422 || r.body["message"] != "Validation Failed" {
				t.Fatalf("status %d body %s", r.status, r.raw)
			}
			if !strings.HasPrefix(strings.Join(r.errFields(), "|"), tc.want) {
				t.Errorf("errors %v, want prefix %q", r.errFields(), tc.want)
			}
		})
	}
	if n := h.srv.Stats().Records["parties"]; n != 0 {
		t.Errorf("invalid creates stored %d parties", n)
	}
}

func TestPartyChildRowRules(t *testing.T) {
	h := newHarness(t)
	id := h.create("parties", "party", map[string]any{"type": "organisation", "name": "Acme",
		"phoneNumbers": []any{map[string]any{"number": "111"}, map[string]any{"number": "222"}}})
	p := h.must(200, "GET", fmt.Sprintf("/parties/%d", id), nil).obj("party")
	phones := p["phoneNumbers"].([]any)
	id1 := phones[0].(map[string]any)["id"]
	id2 := phones[1].(map[string]any)["id"]
	r := h.must(200, "PUT", fmt.Sprintf("/parties/%d", id), map[string]any{"party": map[string]any{
		"about": "updated",
		"phoneNumbers": []any{
			map[string]any{"id": id1, "number": "111-new", "type": "Work"},
			map[string]any{"id": id2, "_destroy": true},
			map[string]any{"number": "333"},
		},
	}})
	got := r.obj("party")
	if got["name"] != "Acme" || got["about"] != "updated" {
		t.Errorf("partial PUT changed absent keys or missed present ones: %s", r.raw)
	}
	var nums []string
	for _, x := range got["phoneNumbers"].([]any) {
		nums = append(nums, x.(map[string]any)["number"].(string))
	}
	if want := []string{"111-new", "222", "333"}; !slices.Equal(nums, want) {
		t.Errorf("numbers after update/_destroy/append = %v, want %v", nums, want)
	}
	r = h.must(200, "PUT", fmt.Sprintf("/parties/%d", id), map[string]any{"party": map[string]any{
		"phoneNumbers": []any{map[string]any{"id": id2, "_delete": true}},
	}})
	if n := len(r.obj("party")["phoneNumbers"].([]any)); n != 2 {
		t.Errorf("after _delete %d numbers, want 2", n)
	}
	h.must(200, "PUT", fmt.Sprintf("/parties/%d", id), map[string]any{"party": map[string]any{"phoneNumbers": []any{}}})
	if r := h.must(200, "GET", fmt.Sprintf("/parties/%d", id), nil); len(r.obj("party")["phoneNumbers"].([]any)) != 2 {
		t.Error("sending [] changed the collection")
	}
}

func TestPartyTagsAndFields(t *testing.T) {
	seed := Seed{Fields: []SeedFieldDef{
		{Entity: "parties", Name: "Size", Type: "number"},
		{Entity: "parties", Name: "Tier", Type: "list", Options: []string{"Gold", "Silver"}},
		{Entity: "parties", Name: "Active", Type: "boolean"},
	}}
	h := newHarness(t, WithSeed(seed))
	defs := h.must(200, "GET", "/parties/fields/definitions", nil).list("definitions")
	sizeID := defs[0]["id"]
	id := h.create("parties", "party", map[string]any{"type": "organisation", "name": "Acme",
		"tags":   []any{map[string]any{"name": "VIP"}},
		"fields": []any{map[string]any{"definition": map[string]any{"id": sizeID}, "value": 42}, map[string]any{"definition": map[string]any{"name": "tier"}, "value": "Gold"}},
	})
	path := fmt.Sprintf("/parties/%d?embed=tags,fields", id)
	p := h.must(200, "PUT", path, map[string]any{"party": map[string]any{"tags": []any{map[string]any{"name": "vip"}, map[string]any{"name": "Partner"}}}}).obj("party")
	tags := p["tags"].([]any)
	if len(tags) != 2 || tags[0].(map[string]any)["name"] != "VIP" {
		t.Errorf("tags by name should match case-insensitively and create new ones: %v", tags)
	}
	fields := p["fields"].([]any)
	if v := fields[0].(map[string]any)["value"]; v != "42" {
		t.Errorf("number field returned as %#v, want the string \"42\"", v)
	}
	tagList := h.must(200, "GET", "/parties/tags", nil).list("tags")
	if len(tagList) != 2 {
		t.Errorf("GET /parties/tags = %v", tagList)
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"list value not in options", map[string]any{"fields": []any{map[string]any{"definition": map[string]any{"name": "Tier"}, "value": "Bronze"}}}, "field.value"},
		{"null boolean", map[string]any{"fields": []any{map[string]any{"definition": map[string]any{"name": "Active"}, "value": nil}}}, "field.value"},
		{"unknown definition", map[string]any{"fields": []any{map[string]any{"definition": map[string]any{"name": "Nope"}, "value": "x"}}}, "fields"},
		{"tag not attached", map[string]any{"tags": []any{map[string]any{"name": "Other", "_delete": true}}}, "tags"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("PUT", fmt.Sprintf("/parties/%d", id), map[string]any{"party": tc.body})
			if r.status != 422 || !strings.HasPrefix(strings.Join(r.errFields(), "|"), tc.field+":") {
				t.Errorf("status %d errors %v, want 422 on %s", r.status, r.errFields(), tc.field)
			}
		})
	}
	r := h.do("PUT", fmt.Sprintf("/parties/%d", id), map[string]any{"party": map[string]any{"fields": []any{map[string]any{"definition": map[string]any{"name": "Tierr"}, "value": "Gold"}}}})
	if got := strings.Join(r.errFields(), "|"); !strings.Contains(got, `field definition "Tierr" not found (defined: "Size", "Tier", "Active")`) {
		t.Errorf("unknown definition error %q should name it and the defined ones", got)
	}
	tagID := tags[0].(map[string]any)["id"]
	p = h.must(200, "PUT", path, map[string]any{"party": map[string]any{"tags": []any{map[string]any{"id": tagID, "_delete": true}}}}).obj("party")
	if len(p["tags"].([]any)) != 1 {
		t.Errorf("detach by id failed: %v", p["tags"])
	}
}

func TestPartyListPagingSinceAndLink(t *testing.T) {
	h := newHarness(t)
	var ids []int64
	for i := range 5 {
		ids = append(ids, h.create("parties", "party", org(fmt.Sprintf("Org %d", i))))
	}
	if !slices.IsSorted(ids) {
		t.Errorf("ids not increasing: %v", ids)
	}
	r := h.must(200, "GET", "/parties?perPage=2", nil)
	if got := r.ids("parties"); !slices.Equal(got, ids[:2]) {
		t.Errorf("page 1 = %v", got)
	}
	link := r.header.Get("Link")
	want := fmt.Sprintf("<%s/parties?page=2&perPage=2>; rel=\"next\"", h.base)
	if link != want {
		t.Fatalf("Link = %q, want %q", link, want)
	}
	if got := h.follow(link).ids("parties"); !slices.Equal(got, ids[2:4]) {
		t.Errorf("following rel=next gave %v", got)
	}
	r2 := h.must(200, "GET", "/parties?page=3&perPage=2", nil)
	if got := r2.ids("parties"); !slices.Equal(got, ids[4:]) {
		t.Errorf("page 3 = %v", got)
	}
	if r.header.Get("X-Pagination-Has-More") != "true" || r2.header.Get("X-Pagination-Has-More") != "false" {
		t.Error("X-Pagination-Has-More wrong")
	}
	if l := r2.header.Get("Link"); strings.Contains(l, "next") || !strings.Contains(l, `rel="prev"`) {
		t.Errorf("last page Link = %q", l)
	}
	for _, bad := range []string{"perPage=0", "perPage=101", "page=0", "perPage=x"} {
		if r := h.do("GET", "/parties?"+bad, nil); r.status != 422 {
			t.Errorf("%s: status %d, want 422", bad, r.status)
		}
	}
	// since is strictly after updatedAt, second precision.
	mark := h.clock.now().Format(timeLayout)
	h.clock.advance(time.Second)
	h.must(200, "PUT", fmt.Sprintf("/parties/%d", ids[1]), map[string]any{"party": map[string]any{"about": "x"}})
	got := h.must(200, "GET", "/parties?since="+mark, nil).ids("parties")
	if !slices.Equal(got, []int64{ids[1]}) {
		t.Errorf("since=%s gave %v, want [%d]", mark, got, ids[1])
	}
}

// The Link header must work when followed as is.
func (h *harness) follow(link string) result {
	h.t.Helper()
	u := strings.TrimPrefix(strings.Split(link, ">")[0], "<")
	return h.must(200, "GET", u, nil)
}

func TestPartySearchShowMultipleDeleted(t *testing.T) {
	h := newHarness(t)
	a := h.create("parties", "party", org("Acme Widgets"))
	b := h.create("parties", "party", person("Grace", "Hopper"))
	c := h.create("parties", "party", person("Alan", "Turing"))
	if got := h.must(200, "GET", "/parties/search?q=hopp", nil).ids("parties"); !slices.Equal(got, []int64{b}) {
		t.Errorf("search hopp = %v", got)
	}
	if got := h.must(200, "GET", "/parties?q=hopp", nil).ids("parties"); len(got) != 3 {
		t.Errorf("q on the plain list must be ignored, got %v", got)
	}
	r := h.must(200, "GET", fmt.Sprintf("/parties/%d,%d", a, c), nil)
	if got := r.ids("parties"); !slices.Equal(got, []int64{a, c}) {
		t.Errorf("show multiple = %v", got)
	}
	h.must(404, "GET", fmt.Sprintf("/parties/%d,999999", a), nil)
	h.must(422, "GET", "/parties/1,2,3,4,5,6,7,8,9,10,11", nil)
	mark := h.clock.now().Add(-time.Second).Format(timeLayout)
	h.must(422, "GET", "/parties/deleted", nil)
	h.must(204, "DELETE", fmt.Sprintf("/parties/%d", b), nil)
	d := h.must(200, "GET", "/parties/deleted?since="+mark, nil).list("parties")
	if len(d) != 1 || int64(d[0]["id"].(float64)) != b || d[0]["deletedAt"] != "2026-03-01T10:00:00Z" {
		t.Errorf("deleted feed = %v", d)
	}
	h.must(404, "GET", fmt.Sprintf("/parties/%d", b), nil)
}

func TestPartyDeleteCascades(t *testing.T) {
	h := newHarness(t)
	acme := h.create("parties", "party", org("Acme"))
	emp := h.create("parties", "party", map[string]any{"type": "person", "firstName": "E", "organisation": map[string]any{"id": acme}})
	ms := h.must(200, "GET", "/milestones", nil).ids("milestones")[0]
	opp := h.create("opportunities", "opportunity", map[string]any{"name": "Deal", "party": map[string]any{"id": acme}, "milestone": map[string]any{"id": ms}})
	k := h.create("kases", "kase", map[string]any{"name": "P", "party": map[string]any{"id": acme}})
	h.create("tasks", "task", map[string]any{"description": "t", "dueOn": "2026-03-02", "party": map[string]any{"id": acme}})
	h.create("entries", "entry", map[string]any{"type": "note", "content": "n", "party": map[string]any{"id": acme}})
	mark := h.clock.now().Add(-time.Second).Format(timeLayout)
	h.must(204, "DELETE", fmt.Sprintf("/parties/%d", acme), nil)
	recs := h.srv.Stats().Records
	want := map[string]int{"parties": 1, "opportunities": 0, "kases": 0, "tasks": 0, "entries": 0}
	for k, v := range want {
		if recs[k] != v {
			t.Errorf("after cascade %s = %d, want %d", k, recs[k], v)
		}
	}
	if o := h.must(200, "GET", fmt.Sprintf("/parties/%d", emp), nil).obj("party")["organisation"]; o != nil {
		t.Errorf("employee still linked to %v", o)
	}
	if got := h.must(200, "GET", "/opportunities/deleted?since="+mark, nil).ids("opportunities"); !slices.Equal(got, []int64{opp}) {
		t.Errorf("opportunity deleted feed = %v", got)
	}
	if got := h.must(200, "GET", "/kases/deleted?since="+mark, nil).ids("kases"); !slices.Equal(got, []int64{k}) {
		t.Errorf("kase deleted feed = %v", got)
	}
}

func TestPartyEmbeds(t *testing.T) {
	h := newHarness(t, WithSeed(Seed{Fields: []SeedFieldDef{{Entity: "parties", Name: "Must", Type: "text", Important: true}}}))
	acme := h.create("parties", "party", org("Acme"))
	p := h.create("parties", "party", map[string]any{"type": "person", "lastName": "L", "organisation": map[string]any{"name": "acme"}})
	cases := []struct {
		name, query string
		check       func(map[string]any) bool
	}{
		{"no embed", "", func(m map[string]any) bool {
			_, t1 := m["tags"]
			_, t2 := m["fields"]
			_, t3 := m["missingImportantFields"]
			return !t1 && !t2 && !t3 && m["organisation"].(map[string]any)["id"].(float64) == float64(acme)
		}},
		{"organisation", "?embed=organisation", func(m map[string]any) bool {
			_, full := m["organisation"].(map[string]any)["emailAddresses"]
			return full
		}},
		{"missingImportantFields", "?embed=missingImportantFields,bogus", func(m map[string]any) bool { return m["missingImportantFields"] == true }},
		{"tags and fields", "?embed=tags,fields", func(m map[string]any) bool {
			return len(m["tags"].([]any)) == 0 && len(m["fields"].([]any)) == 0
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.must(200, "GET", fmt.Sprintf("/parties/%d%s", p, tc.query), nil)
			if !tc.check(r.obj("party")) {
				t.Errorf("party = %s", r.raw)
			}
		})
	}
	if n := h.srv.Stats().Records["parties"]; n != 2 {
		t.Errorf("organisation by name should link the existing one, have %d parties", n)
	}
}
