package sandbox

import "strings"

type route struct {
	method  string
	pattern string // template used in stats, e.g. "/parties/{id}"
	segs    []string
	h       func(*call) response
	// readOnly marks POSTs that only read (filter queries): no 403, no faults.
	readOnly bool
}

// routes lists literal paths before templated ones so "/parties/search"
// never reaches "/parties/{id}".
var routeTable = buildRoutes()

func r(method, pattern string, h func(*call) response) route {
	return route{method: method, pattern: pattern, segs: strings.Split(strings.Trim(pattern, "/"), "/"), h: h}
}

func buildRoutes() []route {
	var rs []route
	for _, e := range []string{"parties", "opportunities", "kases"} {
		rs = append(rs,
			r("GET", "/"+e+"/search", listHandler(e, true)),
			r("GET", "/"+e+"/deleted", deletedHandler(e)),
			r("GET", "/"+e+"/tags", listTags(e)),
			r("POST", "/"+e+"/tags", createTag(e)),
			r("GET", "/"+e+"/tags/{id}", showTag(e)),
			r("GET", "/"+e+"/tags/{id}/definitions", tagFieldDefs(e)),
			r("DELETE", "/"+e+"/tags/{id}", deleteTag(e)),
			r("GET", "/"+e+"/fields/definitions", listFieldDefs(e)),
			r("POST", "/"+e+"/fields/definitions", createFieldDef(e)),
			r("GET", "/"+e+"/fields/definitions/{id}", showFieldDef(e)),
			route{method: "POST", pattern: "/" + e + "/filters/results", segs: []string{e, "filters", "results"}, h: filterHandler(e), readOnly: true},
			r("GET", "/"+e+"/{id}/entries", entriesOf(e)),
		)
	}
	for _, e := range []string{"parties", "opportunities", "kases", "tasks"} {
		rs = append(rs,
			r("GET", "/"+e, listHandler(e, false)),
			r("GET", "/"+e+"/{id}", showHandler(e)),
			r("POST", "/"+e, createHandler(e)),
			r("PUT", "/"+e+"/{id}", updateHandler(e)),
			r("DELETE", "/"+e+"/{id}", deleteHandler(e)),
		)
	}
	rs = append(rs,
		r("GET", "/parties/{id}/people", partyPeople),
		r("GET", "/parties/{id}/opportunities", partyOpportunities),
		r("GET", "/parties/{id}/kases", partyKases),
		r("GET", "/opportunities/{id}/kases", opportunityKases),
		r("GET", "/opportunities/{id}/parties", listMoreParties("opportunities")),
		r("POST", "/opportunities/{id}/parties/{id}", linkParty("opportunities")),
		r("DELETE", "/opportunities/{id}/parties/{id}", unlinkParty("opportunities")),
		r("GET", "/kases/{id}/parties", listMoreParties("kases")),
		r("POST", "/kases/{id}/parties/{id}", linkParty("kases")),
		r("DELETE", "/kases/{id}/parties/{id}", unlinkParty("kases")),
		r("GET", "/entries", listEntries),
		r("GET", "/entries/{id}", showEntry),
		r("POST", "/entries", createEntry),
		r("PUT", "/entries/{id}", updateEntry),
		r("DELETE", "/entries/{id}", deleteEntry),
		r("GET", "/users", listUsers),
		r("GET", "/users/current", currentUser),
		r("GET", "/users/{id}", showUser),
		r("GET", "/teams", listTeams),
		r("GET", "/teams/{id}", showTeam),
		r("GET", "/pipelines", listPipelines),
		r("GET", "/pipelines/{id}", showPipelines),
		r("POST", "/pipelines", createPipeline),
		r("GET", "/pipelines/{id}/milestones", pipelineMilestones),
		r("GET", "/milestones", listMilestones),
		r("GET", "/milestones/{id}", showMilestone),
		r("POST", "/milestones", createMilestone),
		r("PUT", "/milestones/{id}", updateMilestone),
		r("DELETE", "/milestones/{id}", deleteMilestone),
		r("GET", "/lostreasons", listLostReasons),
		r("GET", "/lostreasons/{id}", showLostReason),
		r("POST", "/lostreasons", createLostReason),
		r("PUT", "/lostreasons/{id}", updateLostReason),
		r("GET", "/categories", listCategories),
		r("GET", "/boards", listBoards),
		r("GET", "/boards/{id}", showBoard),
		r("GET", "/boards/{id}/stages", boardStages),
		r("GET", "/stages", listStages),
		r("GET", "/stages/{id}", showStage),
		r("GET", "/activitytypes", listActivityTypes),
		r("GET", "/activitytypes/{id}", showActivityType),
		r("GET", "/countries", listCountries),
		r("GET", "/currencies", listCurrencies),
		r("GET", "/site", showSite),
		r("GET", "/jobs/{id}", showJob),
		r("GET", "/resthooks", listRestHooks),
		r("GET", "/resthooks/{id}", showRestHook),
		r("POST", "/resthooks", createRestHook),
		r("DELETE", "/resthooks/{id}", deleteRestHook),
	)
	return rs
}

// match finds the route for method and path. When only the method is wrong,
// methodOK is false so the caller answers 405.
func match(method, path string) (rt *route, params []string, methodOK bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	methodOK = true
	pathSeen := false
	for i := range routeTable {
		cand := &routeTable[i]
		p, ok := matchSegs(cand.segs, segs)
		if !ok {
			continue
		}
		if cand.method == method {
			return cand, p, true
		}
		pathSeen = true
	}
	return nil, nil, !pathSeen
}

func matchSegs(pat, segs []string) ([]string, bool) {
	if len(pat) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pat {
		if p == "{id}" {
			if segs[i] == "" {
				return nil, false
			}
			params = append(params, segs[i])
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}
