package importer

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// Match keys are compared normalised: e-mails and names lower-cased with
// spaces squashed, phones reduced to + and digits, custom fields by
// lower-cased definition name.

func normText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func normPhone(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// keyOf turns a mapping match key into the normalised journal form.
func keyOf(k mappings.MatchKey) journal.MatchKey {
	switch k.Kind {
	case mappings.MatchEmail:
		return journal.MatchKey{Kind: "email", Value: normText(k.Value)}
	case mappings.MatchPhone:
		return journal.MatchKey{Kind: "phone", Value: normPhone(k.Value)}
	case mappings.MatchName:
		return journal.MatchKey{Kind: "name", Value: normText(k.Value)}
	case mappings.MatchField:
		return journal.MatchKey{Kind: "field:" + normText(k.Field), Value: strings.TrimSpace(k.Value)}
	case mappings.MatchID:
		return journal.MatchKey{Kind: "id", Value: strings.TrimSpace(k.Value)}
	}
	return journal.MatchKey{Kind: string(k.Kind), Value: k.Value}
}

// recordKeys computes the match keys of a record (as Capsule returns it, or
// as a planned body will create it).
func recordKeys(k *kind, id string, rec map[string]any) []journal.MatchKey {
	var keys []journal.MatchKey
	add := func(kind, v string) {
		if v != "" {
			keys = append(keys, journal.MatchKey{Kind: kind, Value: v})
		}
	}
	if id != "" {
		add("id", id)
	}
	if k == kindPers {
		add("name", normText(str(rec["firstName"])+" "+str(rec["lastName"])))
	} else {
		add("name", normText(str(rec["name"])))
	}
	for _, it := range items(rec["emailAddresses"]) {
		add("email", normText(str(it["address"])))
	}
	for _, it := range items(rec["phoneNumbers"]) {
		add("phone", normPhone(str(it["number"])))
	}
	for _, it := range items(rec["fields"]) {
		def, _ := it["definition"].(map[string]any)
		if name := normText(str(def["name"])); name != "" {
			add("field:"+name, strings.TrimSpace(scalar(it["value"])))
		}
	}
	return keys
}

// str returns s when v is a string.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// scalar renders a JSON scalar as text (numbers without trailing zeros).
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return x.String()
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// items returns the objects of a JSON array value.
func items(v any) []map[string]any {
	arr, _ := v.([]any)
	if arr == nil {
		if ms, ok := v.([]map[string]any); ok {
			return ms
		}
		return nil
	}
	out := make([]map[string]any, 0, len(arr))
	for _, x := range arr {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// idOf reads {"id": n} (or a bare id) as text.
func refID(v any) string {
	if m, ok := v.(map[string]any); ok {
		return scalar(m["id"])
	}
	return ""
}
