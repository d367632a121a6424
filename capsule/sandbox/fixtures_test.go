package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fixtureDir holds responses recorded from the real Capsule API (copied
// from the shared fixtures directory; see its README).
const fixtureDir = "testdata/fixtures"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return b
}

// keyShape lists every key path in v with whether its value is null, so
// two documents compare by shape and explicit nulls, not by values.
func keyShape(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			keyShape(prefix+"."+k, e, out)
		}
	case []any:
		for _, e := range x {
			keyShape(prefix+"[]", e, out)
		}
	case nil:
		out[prefix] = "null"
	default:
		if _, seen := out[prefix]; !seen {
			out[prefix] = "value"
		}
	}
}

func shapeOf(t *testing.T, raw []byte, pick func(map[string]any) any) map[string]string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	keyShape("", pick(doc), out)
	return out
}

func TestRecordShapesMatchFixtures(t *testing.T) {
	seed := Seed{Fields: []SeedFieldDef{{Entity: "kases", Name: "Interests", Type: "list", Options: []string{"Skiing"}, Tag: "Hobby interests"}}}
	h := newHarness(t, WithSeed(seed))
	orgID := h.create("parties", "party", map[string]any{"type": "organisation", "name": "Capsule", "owner": nil,
		"emailAddresses": []any{map[string]any{"address": "support@capsulecrm.com"}},
		"websites":       []any{map[string]any{"address": "capsulecrm", "service": "TWITTER"}}})
	personID := h.create("parties", "party", map[string]any{"type": "person", "firstName": "Maia", "lastName": "Hilton",
		"emailAddresses": []any{map[string]any{"address": "integration.user@example.com"}}})
	kaseID := h.create("kases", "kase", map[string]any{"name": "Research", "party": map[string]any{"id": personID},
		"expectedCloseOn": "2015-12-09", "description": "d",
		"fields": []any{map[string]any{"definition": map[string]any{"name": "Interests"}, "value": "Skiing"}}})
	first := func(key string) func(map[string]any) any {
		return func(d map[string]any) any { return d[key].([]any)[0] }
	}
	second := func(key string) func(map[string]any) any {
		return func(d map[string]any) any { return d[key].([]any)[1] }
	}
	wrapped := func(key string) func(map[string]any) any { return func(d map[string]any) any { return d[key] } }
	cases := []struct {
		name, fixture string
		pickFixture   func(map[string]any) any
		path          string
		pickOurs      func(map[string]any) any
		body          any
	}{
		{"organisation", "parties-list-response.recorded.json", first("parties"), fmt.Sprintf("/parties/%d", orgID), wrapped("party"), nil},
		{"person", "parties-list-response.recorded.json", second("parties"), fmt.Sprintf("/parties/%d", personID), wrapped("party"), nil},
		{"kase with fields", "kases-list-response.recorded.json", first("kases"), fmt.Sprintf("/kases/%d?embed=fields", kaseID), wrapped("kase"), nil},
		{"task", "task-create-response.recorded.json", wrapped("task"), "/tasks", wrapped("task"),
			map[string]any{"task": map[string]any{"description": "Brand new task", "dueOn": "2025-05-20"}}},
		{"field definitions", "kases-field-definitions-list-response.recorded.json", first("definitions"), "/kases/fields/definitions", first("definitions"), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := shapeOf(t, readFixture(t, tc.fixture), tc.pickFixture)
			var r result
			if tc.body != nil {
				r = h.must(201, "POST", tc.path, tc.body)
			} else {
				r = h.must(200, "GET", tc.path, nil)
			}
			got := shapeOf(t, r.raw, tc.pickOurs)
			var diffs []string
			for k, v := range want {
				if g, has := got[k]; !has {
					diffs = append(diffs, "missing "+k)
				} else if v == "null" && g != "null" {
					diffs = append(diffs, "want explicit null at "+k)
				}
			}
			for k := range got {
				if _, has := want[k]; !has {
					diffs = append(diffs, "extra "+k)
				}
			}
			slices.Sort(diffs)
			if len(diffs) > 0 {
				t.Errorf("shape differs from %s:\n%v\nours: %s", tc.fixture, diffs, r.raw)
			}
		})
	}
}
