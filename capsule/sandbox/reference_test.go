package sandbox

import (
	"testing"
)

func TestReferenceData(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, path, key string
		check           func(t *testing.T, r result)
	}{
		{"countries", "/countries", "countries", func(t *testing.T, r result) {
			list := r.list("countries")
			if len(list) < 240 || len(list) > 250 {
				t.Errorf("%d countries, want the ISO 3166-1 list (249)", len(list))
			}
			seen := map[any]bool{}
			for _, c := range list {
				if seen[c["alpha3Code"]] {
					t.Errorf("duplicate country %v", c)
				}
				seen[c["alpha3Code"]] = true
			}
			found := false
			for _, c := range list {
				if c["name"] == "United States" {
					found = c["alpha2Code"] == "US" && c["alpha3Code"] == "USA" && c["numericCode"].(float64) == 840
				}
			}
			if !found {
				t.Error("United States/US/USA/840 missing")
			}
		}},
		{"currencies", "/currencies", "currencies", func(t *testing.T, r result) {
			codes := map[any]bool{}
			for _, c := range r.list("currencies") {
				codes[c["code"]] = true
			}
			for _, want := range []string{"GBP", "USD", "EUR", "JPY"} {
				if !codes[want] {
					t.Errorf("currency %s missing", want)
				}
			}
		}},
		{"activity types", "/activitytypes", "activityTypes", func(t *testing.T, r result) {
			want := map[float64]string{-1: "Note", -2: "Meeting", -3: "Call", -4: "Task completed"}
			for _, a := range r.list("activityTypes") {
				if want[a["id"].(float64)] != a["name"] {
					t.Errorf("activity type %v", a)
				}
			}
		}},
		{"milestones", "/milestones", "milestones", func(t *testing.T, r result) {
			var won, lost bool
			for _, m := range r.list("milestones") {
				won = won || (m["name"] == "Won" && m["probability"].(float64) == 100 && m["complete"] == true)
				lost = lost || (m["name"] == "Lost" && m["probability"].(float64) == 0 && m["complete"] == true)
			}
			if !won || !lost {
				t.Error("closing Won/Lost milestones missing")
			}
		}},
		{"pipelines", "/pipelines", "pipelines", func(t *testing.T, r result) {
			if len(r.list("pipelines")) != 1 {
				t.Error("want one default pipeline")
			}
		}},
		{"boards", "/boards", "boards", func(t *testing.T, r result) {
			if len(r.list("boards")) != 1 {
				t.Error("want one board")
			}
		}},
		{"stages", "/stages", "stages", func(t *testing.T, r result) {
			if len(r.list("stages")) < 2 {
				t.Error("want stages")
			}
		}},
		{"lost reasons", "/lostreasons", "lostReasons", func(t *testing.T, r result) {
			if len(r.list("lostReasons")) == 0 {
				t.Error("no lost reasons")
			}
		}},
		{"users", "/users", "users", func(t *testing.T, r result) {
			if r.list("users")[0]["username"] != "sandbox" {
				t.Error("token user missing")
			}
		}},
		{"current user", "/users/current", "user", func(t *testing.T, r result) {
			if r.obj("user")["username"] != "sandbox" {
				t.Errorf("current user = %v", r.obj("user"))
			}
		}},
		{"teams", "/teams", "teams", func(t *testing.T, r result) {
			if r.body["teams"] == nil {
				t.Error("teams key missing")
			}
		}},
		{"site", "/site", "site", func(t *testing.T, r result) {
			if r.obj("site")["subdomain"] != "sandbox" {
				t.Errorf("site = %v", r.obj("site"))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.must(200, "GET", tc.path, nil)
			if _, has := r.body[tc.key]; !has {
				t.Fatalf("wrapper key %q missing: %s", tc.key, r.raw)
			}
			tc.check(t, r)
		})
	}
}

func TestCountryNames(t *testing.T) {
	cases := []struct{ in, want string }{
		{"USA", "United States"}, {"us", "United States"}, {"United Kingdom", "United Kingdom"},
		{"GBR", "United Kingdom"}, {"france", "France"}, {"DE", "Germany"},
		{"St. Kitts & Nevis", "Saint Kitts and Nevis"}, {"CD", "Democratic Republic of the Congo"}, {"Myanmar (Burma)", "Myanmar"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := countryName(tc.in)
			if !ok || got != tc.want {
				t.Errorf("countryName(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
	if _, ok := countryName("Atlantis"); ok {
		t.Error("Atlantis accepted")
	}
}

func TestTagAndFieldDefinitionEndpoints(t *testing.T) {
	h := newHarness(t)
	r := h.must(201, "POST", "/opportunities/tags", map[string]any{"tag": map[string]any{"name": "Hobby", "dataTag": true}})
	tagID := r.obj("tag")["id"]
	if r.header.Get("Location") == "" {
		t.Error("tag create without Location")
	}
	h.must(422, "POST", "/opportunities/tags", map[string]any{"tag": map[string]any{"name": "hobby"}})
	d := h.must(201, "POST", "/opportunities/fields/definitions", map[string]any{"definition": map[string]any{
		"name": "Sport", "type": "list", "options": []string{"Ski"}, "tag": map[string]any{"id": tagID}}}).obj("definition")
	if d["tag"].(map[string]any)["name"] != "Hobby" {
		t.Errorf("definition = %v", d)
	}
	h.must(422, "POST", "/opportunities/fields/definitions", map[string]any{"definition": map[string]any{"name": "X", "type": "list"}})
	h.must(204, "DELETE", "/opportunities/tags/"+formatID(tagID), nil)
	h.must(404, "GET", "/opportunities/tags/"+formatID(tagID), nil)
}

func formatID(v any) string {
	return fmtInt(int64(v.(float64)))
}
