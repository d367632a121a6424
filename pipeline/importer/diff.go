package importer

import (
	"sort"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/mappings"
)

// listKinds are the child-row lists of a record and how their items are
// compared (normalised), so merge never piles up a value already there.
var listKinds = map[string]func(map[string]any) string{
	"emailAddresses": func(m map[string]any) string { return normText(str(m["address"])) },
	"phoneNumbers":   func(m map[string]any) string { return normPhone(str(m["number"])) },
	"websites": func(m map[string]any) string {
		return normText(str(m["address"])) + "\x00" + normText(str(m["service"]))
	},
	"addresses": func(m map[string]any) string {
		return normText(str(m["street"])) + "\x00" + normText(str(m["city"])) + "\x00" + normText(str(m["zip"])) + "\x00" + normText(str(m["country"]))
	},
	"tags": func(m map[string]any) string { return normText(str(m["name"])) },
}

// diff compares a row's body with a record (from Capsule, or planned) and
// returns the update body holding only what changes, the changes, and the
// previous values of the changed fields (for rollback).
//
// foldNames compares name, firstName and lastName case-insensitively: the
// record was found by its name, so a row differing only in case is the
// same record, not a rename.
func diff(body map[string]any, lists map[string]mappings.ListMode, rec map[string]any, foldNames bool) (map[string]any, []Change, map[string]any) {
	upd := map[string]any{}
	prev := map[string]any{}
	var changes []Change
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := body[k]
		if k == "type" {
			continue
		}
		mode := lists[k]
		if mode == "" {
			mode = mappings.ListMerge
		}
		switch {
		case k == "fields":
			if add := diffFields(items(v), items(rec[k]), mode); len(add) > 0 {
				upd[k] = add
				prev[k] = rec[k]
				changes = append(changes, Change{Field: k, Old: fieldsView(items(rec[k])), New: fieldsView(items(add))})
			}
		case listKinds[k] != nil:
			if add := diffList(items(v), items(rec[k]), mode, listKinds[k]); len(add) > 0 {
				upd[k] = add
				prev[k] = rec[k]
				changes = append(changes, Change{Field: k, Old: rec[k], New: add})
			}
		case foldNames && (k == "name" || k == "firstName" || k == "lastName"):
			if normText(canon(v)) != normText(canon(rec[k])) {
				upd[k] = v
				prev[k] = rec[k]
				changes = append(changes, Change{Field: k, Old: rec[k], New: v})
			}
		default:
			if canon(v) != canon(rec[k]) {
				upd[k] = v
				prev[k] = rec[k]
				changes = append(changes, Change{Field: k, Old: rec[k], New: v})
			}
		}
	}
	return upd, changes, prev
}

func diffList(row, have []map[string]any, mode mappings.ListMode, norm func(map[string]any) string) []any {
	var out []any
	seen := make(map[string]bool, len(have)+len(row))
	for _, h := range have {
		seen[norm(h)] = true
	}
	inRow := make(map[string]bool, len(row))
	for _, it := range row {
		n := norm(it)
		inRow[n] = true
		if mode == mappings.ListAppend || !seen[n] {
			out = append(out, it)
			seen[n] = true
		}
	}
	if mode == mappings.ListReplace {
		for _, h := range have {
			if id := scalar(h["id"]); id != "" && !inRow[norm(h)] {
				out = append(out, map[string]any{"id": h["id"], "_delete": true})
			}
		}
	}
	return out
}

func fieldName(m map[string]any) string {
	def, _ := m["definition"].(map[string]any)
	return normText(str(def["name"]))
}

func diffFields(row, have []map[string]any, mode mappings.ListMode) []any {
	var out []any
	byName := make(map[string]map[string]any, len(have))
	for _, h := range have {
		byName[fieldName(h)] = h
	}
	inRow := map[string]bool{}
	for _, it := range row {
		n := fieldName(it)
		inRow[n] = true
		h := byName[n]
		if h == nil || !sameValue(h["value"], it["value"]) {
			out = append(out, it)
			byName[n] = it
		}
	}
	if mode == mappings.ListReplace {
		for _, h := range have {
			if id := scalar(h["id"]); id != "" && !inRow[fieldName(h)] {
				out = append(out, map[string]any{"id": h["id"], "_delete": true})
			}
		}
	}
	return out
}

func fieldsView(fs []map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range fs {
		def, _ := f["definition"].(map[string]any)
		out[str(def["name"])] = f["value"]
	}
	return out
}

// canon renders a value for comparison: numbers by value, strings
// trimmed, objects by sorted keys, nulls and blanks alike.
func canon(v any) string {
	var b strings.Builder
	canonInto(&b, v)
	return b.String()
}

func canonInto(b *strings.Builder, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			if k == "id" && len(x) > 1 {
				continue // a nested ref {id, name}: compare what the row gives
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for _, k := range keys {
			if canon(x[k]) == "" {
				continue
			}
			b.WriteString(k)
			b.WriteByte(':')
			canonInto(b, x[k])
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for _, e := range x {
			canonInto(b, e)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case []map[string]any:
		b.WriteByte('[')
		for _, e := range x {
			canonInto(b, e)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case string:
		b.WriteString(strings.TrimSpace(x))
	default:
		b.WriteString(scalar(x))
	}
}

// apply merges an update into a record view, so a later duplicate row is
// compared with the record as this run leaves it.
func apply(view, upd map[string]any) {
	for k, v := range upd {
		if k == "fields" || listKinds[k] != nil {
			var l []any
			for _, it := range items(view[k]) {
				l = append(l, it)
			}
			for _, it := range items(v) {
				if it["_delete"] == nil {
					l = append(l, it)
				}
			}
			if k == "fields" {
				// One value per definition: the newest wins.
				seen := map[string]int{}
				var out []any
				for _, it := range l {
					m := it.(map[string]any)
					if i, ok := seen[fieldName(m)]; ok {
						out[i] = m
						continue
					}
					seen[fieldName(m)] = len(out)
					out = append(out, m)
				}
				l = out
			}
			view[k] = l
			continue
		}
		view[k] = v
	}
}

// sameValue compares custom field values; Capsule answers numbers as
// strings ("12.0" for 12), so numbers compare by value.
func sameValue(a, b any) bool {
	ca, cb := canon(a), canon(b)
	if ca == cb {
		return true
	}
	fa, ea := strconv.ParseFloat(ca, 64)
	fb, eb := strconv.ParseFloat(cb, 64)
	return ea == nil && eb == nil && fa == fb
}
