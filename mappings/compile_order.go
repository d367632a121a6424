package mappings

import (
	"sort"
	"strings"
)

var entityTier = map[Entity]int{EntityParty: 0, EntityOpportunity: 2, EntityKase: 3, EntityEntry: 4, EntityTask: 4}

func tier(r *crec) int {
	if r.partyType == "person" {
		return 1
	}
	return entityTier[r.entity]
}

// order sorts records so each comes after those it refers to; ties follow
// the usual Capsule load order, then file order. Cycles are problems.
func (cc *compiler) order(recs []*crec) []*crec {
	byName := map[string]*crec{}
	for _, r := range recs {
		byName[r.name] = r
	}
	const (
		white = iota
		grey
		black
	)
	state := map[string]int{}
	var cyc bool
	var visit func(r *crec, stack []string)
	visit = func(r *crec, stack []string) {
		state[r.name] = grey
		for _, d := range r.deps {
			t := byName[d]
			if t == nil {
				continue
			}
			switch state[d] {
			case grey:
				if !cyc {
					cycle := append(append([]string{}, stack...), r.name, d)
					cc.c.errorf(r.spec.Pos, "records."+r.name, "records may only refer to each other in one direction", "references form a cycle: %s", strings.Join(cycle, " → "))
				}
				cyc = true
			case white:
				visit(t, append(stack, r.name))
			}
		}
		state[r.name] = black
	}
	for _, r := range recs {
		if state[r.name] == white {
			visit(r, nil)
		}
	}
	out := append([]*crec{}, recs...)
	sort.SliceStable(out, func(i, j int) bool { return tier(out[i]) < tier(out[j]) })
	if cyc {
		return out
	}
	// Kahn over the tier-sorted list keeps the preferred order where free.
	done := map[string]bool{}
	var res []*crec
	for len(res) < len(out) {
		for _, r := range out {
			if done[r.name] {
				continue
			}
			ready := true
			for _, d := range r.deps {
				if byName[d] != nil && !done[d] {
					ready = false
				}
			}
			if ready {
				done[r.name] = true
				res = append(res, r)
				break
			}
		}
	}
	return res
}
