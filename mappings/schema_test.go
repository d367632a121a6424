package mappings

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/capsule-etl/capsule-etl/formats"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func yamlInstance(t *testing.T, src []byte) any {
	t.Helper()
	j, err := yaml.YAMLToJSON(src)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestExamplesValidateAgainstSchema: every example mapping and a draft
// satisfy the published schema; a broken mapping does not.
func TestExamplesValidateAgainstSchema(t *testing.T) {
	s := compileSchema(t)
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) < 3 {
		t.Fatalf("found %d examples", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(yamlInstance(t, b)); err != nil {
				t.Errorf("%s does not validate: %v", f, err)
			}
		})
	}
	t.Run("draft", func(t *testing.T) {
		d, err := Draft(formats.NewHeader([]string{"Record ID", "First Name", "Email", "Company", "Deal Name", "Amount", "Stage"}), nil, DraftOptions{Entity: "opportunity"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlInstance(t, d)); err != nil {
			t.Errorf("draft does not validate: %v\n%s", err, d)
		}
	})
	for name, bad := range map[string]string{
		"unknown key":     "version: 1\nrecords:\n  p: {entity: person, feilds: {}}\n",
		"unknown field":   "version: 1\nrecords:\n  p: {entity: person, fields: {nme: A}}\n",
		"wrong entity":    "version: 1\nrecords:\n  p: {entity: persn, fields: {}}\n",
		"bad transform":   "version: 1\nrecords:\n  p: {entity: person, fields: {firstName: {column: A, transform: [upr]}}}\n",
		"spec key typo":   "version: 1\nrecords:\n  p: {entity: person, fields: {firstName: {colum: A}}}\n",
		"missing version": "records:\n  p: {entity: person, fields: {}}\n",
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			if err := s.Validate(yamlInstance(t, []byte(bad))); err == nil {
				t.Error("schema accepted it")
			}
		})
	}
}

// TestSchemaKeysMatchParser reads schema.json as data and compares every
// object's keys with what the parser accepts, so a key added to one and not
// the other fails here.
func TestSchemaKeysMatchParser(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(Schema, &s); err != nil {
		t.Fatal(err)
	}
	props := func(m any, path ...string) []string {
		cur := m
		for _, p := range path {
			cur = cur.(map[string]any)[p]
		}
		var out []string
		for k := range cur.(map[string]any)["properties"].(map[string]any) {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	defs := s["$defs"].(map[string]any)
	sorted := func(l []string) []string { c := append([]string{}, l...); sort.Strings(c); return c }
	cases := []struct {
		name      string
		got, want []string
	}{
		{"top", props(s), sorted(topKeys)},
		{"source", props(s, "properties", "source"), sorted(sourceKeys)},
		{"source.csv", props(s, "properties", "source", "properties", "csv"), sorted(csvKeys)},
		{"defaults", props(s, "properties", "defaults"), sorted(defaultsKeys)},
		{"record", props(defs, "record"), sorted(recordKeys)},
		{"value spec", props(defs, "spec"), sorted(specKeys)},
	}
	for _, key := range []string{"person", "organisation", "opportunity", "project", "note", "task"} {
		cases = append(cases, struct {
			name      string
			got, want []string
		}{"fields of " + key, props(defs, "fields_"+key), sortedKeys(catalog[key])})
	}
	for lf, subs := range listItems {
		item := defs["list_"+lf].(map[string]any)["oneOf"].([]any)[1]
		cases = append(cases, struct {
			name      string
			got, want []string
		}{"items of " + lf, props(item), sorted(subs)})
	}
	step := defs["step"].(map[string]any)["oneOf"].([]any)
	var tnames []string
	for _, v := range step[0].(map[string]any)["enum"].([]any) {
		tnames = append(tnames, v.(string))
	}
	tnames = append(tnames, props(step[1])...)
	tnames = uniq(tnames)
	cases = append(cases, struct {
		name      string
		got, want []string
	}{"transforms", tnames, sortedKeys(transformSpecs)})
	for _, c := range cases {
		if strings.Join(c.got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: schema has %v, parser accepts %v", c.name, c.got, c.want)
		}
	}
}

func uniq(l []string) []string {
	sort.Strings(l)
	var out []string
	for i, s := range l {
		if i == 0 || s != l[i-1] {
			out = append(out, s)
		}
	}
	return out
}
