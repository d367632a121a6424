package mappings

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// genSchema builds schema.json from the parser's own tables plus the
// descriptions editors show; TestSchemaUpToDate compares it with the file.
func genSchema() map[string]any {
	obj := func(props map[string]any, extra ...any) map[string]any {
		m := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	enum := func(desc string, vals []string) map[string]any {
		return map[string]any{"type": "string", "enum": vals, "description": desc}
	}
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/$defs/" + name} }
	scalar := []any{"string", "number", "boolean"}

	var noArg, withArg []string
	for _, n := range sortedKeys(transformSpecs) {
		if transformSpecs[n].minArgs == 0 {
			noArg = append(noArg, n)
		}
		if transformSpecs[n].maxArgs > 0 {
			withArg = append(withArg, n)
		}
	}
	argProps := map[string]any{}
	for _, n := range withArg {
		argProps[n] = map[string]any{"description": transformSpecs[n].usage,
			"oneOf": []any{map[string]any{"type": scalar}, map[string]any{"type": "array", "items": map[string]any{"type": scalar}}}}
	}
	step := map[string]any{"oneOf": []any{
		enum("a transform without arguments", noArg),
		map[string]any{"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": false, "properties": argProps},
	}}
	specProps := map[string]any{
		"column":          str("a column of the input, by its header name"),
		"index":           map[string]any{"type": "integer", "minimum": 1, "description": "a column by position, 1 = first"},
		"value":           map[string]any{"type": scalar, "description": "a constant"},
		"expr":            str("an expression; {Column Name} reads a cell"),
		"template":        str("text with {Column Name} placeholders"),
		"record":          str("another record of the same row (links only)"),
		"transform":       map[string]any{"oneOf": []any{ref("step"), map[string]any{"type": "array", "items": ref("step")}}},
		"type":            enum("the value's type", valueTypes),
		"locale":          enum("how numbers are written: en 1,234.5; de 1.234,5; fr 1 234,5", localeNames()),
		"format":          map[string]any{"description": "date layouts, Go (02/01/2006) or DD/MM/YYYY", "oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}},
		"region":          str("phone region for numbers without a country code, e.g. GB"),
		"default":         map[string]any{"type": scalar, "description": "used when the value is blank"},
		"map":             map[string]any{"type": "object", "description": "lookup table: file value -> Capsule value; _other is the fallback", "additionalProperties": map[string]any{"type": scalar}},
		"reject_unmapped": map[string]any{"type": "boolean", "description": "reject rows whose value is not in map"},
		"split":           str("split one cell into several values at this separator"),
		"join":            str("join several values with this separator"),
		"pipeline":        str("the pipeline a milestone name belongs to"),
		"id":              str("links by name: the column holding the linked record's Capsule id, used when that record exists in the account"),
		"reverse": map[string]any{"description": "export direction of a computed value", "oneOf": []any{
			map[string]any{"type": "string"},
			obj(map[string]any{"column": str("export column"), "expr": str("expression over `value`")}, "required", []string{"column"}),
		}},
	}
	defs := map[string]any{
		"step":   step,
		"spec":   obj(specProps),
		"value":  map[string]any{"oneOf": []any{map[string]any{"type": []any{"string", "number"}, "description": "a column name"}, ref("spec")}},
		"tags":   map[string]any{"oneOf": []any{ref("value"), map[string]any{"type": "array", "items": ref("value")}}},
		"custom": map[string]any{"type": "object", "description": "Capsule custom fields by their names", "additionalProperties": ref("value")},
		"money":  map[string]any{"oneOf": []any{ref("value"), obj(map[string]any{"amount": ref("value"), "currency": ref("value")}, "required", []string{"amount"})}},
	}
	for _, lf := range sortedKeys(listItems) {
		props := map[string]any{}
		for _, s := range listItems[lf] {
			props[s] = ref("value")
		}
		item := obj(props)
		defs["list_"+lf] = map[string]any{"oneOf": []any{ref("value"), item, map[string]any{"type": "array", "items": map[string]any{"oneOf": []any{ref("value"), item}}}}}
	}
	var allOf []any
	for _, word := range sortedKeys(entityNames) {
		key := catalogKey(word)
		if word == "organization" {
			key = "organisation"
		}
		name := "fields_" + key
		if _, done := defs[name]; !done {
			props := map[string]any{}
			for f, def := range catalog[key] {
				switch def.kind {
				case fkList:
					props[f] = ref("list_" + f)
				case fkTags:
					props[f] = ref("tags")
				case fkCustom:
					props[f] = ref("custom")
				case fkMoney:
					props[f] = ref("money")
				default:
					props[f] = ref("value")
				}
			}
			defs[name] = obj(props)
		}
		allOf = append(allOf, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"entity": map[string]any{"const": word}}},
			"then": map[string]any{"properties": map[string]any{"fields": ref(name)}},
		})
	}
	matchKey := map[string]any{"oneOf": []any{
		enum("match key", matchWords),
		obj(map[string]any{"field": str("custom field holding an external id")}, "required", []string{"field"}),
		obj(map[string]any{"id": ref("value")}, "required", []string{"id"}),
	}}
	listsProps := map[string]any{}
	for _, n := range listFieldNames() {
		listsProps[n] = enum("update semantics", listModes)
	}
	defs["record"] = obj(map[string]any{
		"entity":      enum("what the record is in Capsule", sortedKeys(entityNames)),
		"when":        str("condition; the record is written only when it is true"),
		"match":       map[string]any{"oneOf": []any{matchKey, map[string]any{"type": "array", "items": matchKey}}},
		"on_match":    enum("what to do when a match is found", onMatchVals),
		"on_no_match": enum("what to do when none is found", onNoMatch),
		"duplicates":  enum("what a later row resolving to the same record does", dupModes),
		"lists":       map[string]any{"oneOf": []any{enum("update semantics of list fields", listModes), obj(listsProps)}},
		"fields":      map[string]any{"type": "object"},
	}, "required", []string{"entity", "fields"}, "allOf", allOf)
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://github.com/capsule-etl/capsule-etl/mappings/schema.json",
		"title":                "capsule-etl mapping",
		"description":          "Declarative mapping between files and Capsule CRM records. See mappings/REFERENCE.md.",
		"type":                 "object",
		"required":             []string{"version", "records"},
		"additionalProperties": false,
		"properties": map[string]any{
			"version": map[string]any{"const": 1},
			"source": obj(map[string]any{
				"csv":        obj(map[string]any{"delimiter": str("one character"), "encoding": str("e.g. utf-8, windows-1252")}),
				"sheet":      str("XLSX sheet name"),
				"header_row": map[string]any{"type": "integer", "minimum": 1},
				"key":        ref("value"),
			}),
			"defaults": obj(map[string]any{
				"phone_region": str("ISO region for phone numbers without a country code"),
				"phone_region_guessed": map[string]any{"type": "boolean",
					"description": "phone_region is a guess (init writes it): numbers without a country code are kept as written, with a warning"},
				"duplicates":  enum("default for records", dupModes),
				"date_format": str("date layout"),
				"locale":      enum("number locale", localeNames()),
				"currency":    str("ISO currency of opportunity values"),
				"on_match":    enum("default for records", onMatchVals),
				"on_no_match": enum("default for records", onNoMatch),
				"lists":       enum("default for records", listModes),
			}),
			"records": map[string]any{"type": "object", "minProperties": 1,
				"propertyNames":        map[string]any{"pattern": recordName.String()},
				"additionalProperties": ref("record")},
		},
		"$defs": defs,
	}
}

func TestSchemaUpToDate(t *testing.T) {
	got, err := json.MarshalIndent(genSchema(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("schema.json"), append(got, '\n'))
}
