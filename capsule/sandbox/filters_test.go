package sandbox

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestPartyFilters(t *testing.T) {
	h := newHarness(t, WithSeed(Seed{Fields: []SeedFieldDef{{Entity: "parties", ID: 900, Name: "Employees", Type: "number"}}}))
	acme := h.create("parties", "party", map[string]any{"type": "organisation", "name": "Acme Ltd",
		"tags": []any{map[string]any{"name": "Customer"}}, "fields": []any{map[string]any{"definition": map[string]any{"id": 900}, "value": 250}}})
	h.clock.advance(48 * time.Hour)
	ada := h.create("parties", "party", map[string]any{"type": "person", "firstName": "Ada", "lastName": "King",
		"organisation":   map[string]any{"id": acme},
		"emailAddresses": []any{map[string]any{"address": "ada@acme.test"}},
		"phoneNumbers":   []any{map[string]any{"number": "+44 20 7946 0000"}}})
	bob := h.create("parties", "party", map[string]any{"type": "person", "firstName": "Bob", "lastName": "Smith"})
	cases := []struct {
		name  string
		conds []map[string]any
		want  []int64
	}{
		{"id is", []map[string]any{{"field": "id", "operator": "is", "value": ada}}, []int64{ada}},
		{"name contains", []map[string]any{{"field": "name", "operator": "contains", "value": "acm"}}, []int64{acme}},
		{"name starts with", []map[string]any{{"field": "name", "operator": "starts with", "value": "bo"}}, []int64{bob}},
		{"name ends with", []map[string]any{{"field": "name", "operator": "ends with", "value": "king"}}, []int64{ada}},
		{"email is", []map[string]any{{"field": "email", "operator": "is", "value": "ADA@acme.test"}}, []int64{ada}},
		{"phone contains", []map[string]any{{"field": "phone", "operator": "contains", "value": "7946"}}, []int64{ada}},
		{"type is not", []map[string]any{{"field": "type", "operator": "is not", "value": "person"}}, []int64{acme}},
		{"tag is", []map[string]any{{"field": "tag", "operator": "is", "value": "customer"}}, []int64{acme}},
		{"org.name", []map[string]any{{"field": "org.name", "operator": "is", "value": "Acme Ltd"}}, []int64{ada}},
		{"custom greater", []map[string]any{{"field": "custom:900", "operator": "is greater than", "value": 100}}, []int64{acme}},
		{"custom less", []map[string]any{{"field": "custom:900", "operator": "is less than", "value": 100}}, nil},
		{"addedOn before", []map[string]any{{"field": "addedOn", "operator": "is before", "value": "2026-03-02"}}, []int64{acme}},
		{"updatedOn after", []map[string]any{{"field": "updatedOn", "operator": "is after", "value": "2026-03-02"}}, []int64{ada, bob}},
		{"AND", []map[string]any{{"field": "type", "operator": "is", "value": "person"}, {"field": "name", "operator": "contains", "value": "smith"}}, []int64{bob}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.must(200, "POST", "/parties/filters/results", map[string]any{"filter": map[string]any{"conditions": tc.conds}})
			if got := r.ids("parties"); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	bad := []struct{ name, field, op string }{
		{"response name", "createdAt", "is"},
		{"unknown custom", "custom:1", "is"},
		{"operator for type", "name", "is after"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/parties/filters/results", map[string]any{"filter": map[string]any{"conditions": []any{map[string]any{"field": tc.field, "operator": tc.op, "value": "2026-01-01"}}}})
			if r.status != 422 {
				t.Errorf("status %d, want 422", r.status)
			}
		})
	}
	r := h.do("POST", "/parties/filters/results", map[string]any{"filter": map[string]any{"conditions": []any{map[string]any{"field": "lastContactedAt", "operator": "is", "value": "x"}}}})
	if fmt.Sprint(r.errFields()) != "[conditions[0].field: invalid field name]" {
		t.Errorf("errors = %v", r.errFields())
	}
}

func TestOpportunityAndKaseFilters(t *testing.T) {
	h := newHarness(t)
	p := h.create("parties", "party", org("A"))
	ms := h.milestones()
	o1 := h.create("opportunities", "opportunity", map[string]any{"name": "Big", "party": map[string]any{"id": p}, "milestone": map[string]any{"id": ms["New"]}})
	h.create("opportunities", "opportunity", map[string]any{"name": "Small", "party": map[string]any{"id": p}, "milestone": map[string]any{"id": ms["Won"]}})
	k := h.create("kases", "kase", map[string]any{"name": "Build", "party": map[string]any{"id": p}})
	got := h.must(200, "POST", "/opportunities/filters/results", map[string]any{"filter": map[string]any{"conditions": []any{
		map[string]any{"field": "milestone", "operator": "is", "value": "new"}}}}).ids("opportunities")
	if !slices.Equal(got, []int64{o1}) {
		t.Errorf("milestone filter = %v", got)
	}
	got = h.must(200, "POST", "/kases/filters/results", map[string]any{"filter": map[string]any{"conditions": []any{
		map[string]any{"field": "name", "operator": "is", "value": "build"}}}}).ids("kases")
	if !slices.Equal(got, []int64{k}) {
		t.Errorf("kase filter = %v", got)
	}
}
