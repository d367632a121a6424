package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// childRow is one item of a child collection in a write body. Capsule's
// rules: no id appends, id updates, id + "_delete": true removes; the
// Rails-style "_destroy" is not honoured.
type childRow struct {
	id     int64
	delete bool
	m      map[string]json.RawMessage
}

func childRows(m map[string]json.RawMessage, key string, v *validation) ([]childRow, bool) {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return nil, false
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		v.add(key, key+" must be an array of objects")
		return nil, true
	}
	rows := make([]childRow, 0, len(items))
	for _, it := range items {
		row := childRow{m: it}
		if idRaw, has := it["id"]; has && !isNull(idRaw) {
			if err := json.Unmarshal(idRaw, &row.id); err != nil {
				v.add(key+".id", "id must be a number")
				continue
			}
		}
		if d, has := it["_delete"]; has {
			var b bool
			_ = json.Unmarshal(d, &b)
			row.delete = b
		}
		rows = append(rows, row)
	}
	return rows, true
}

var (
	websiteServices = []string{"URL", "SKYPE", "TWITTER", "LINKED_IN", "FACEBOOK", "XING", "FEED", "GOOGLE_PLUS", "FLICKR", "GITHUB", "YOUTUBE", "INSTAGRAM", "PINTEREST", "TIKTOK", "THREADS", "BLUESKY", "SNAPCHAT"}
	websitePrefix   = map[string]string{"TWITTER": "https://twitter.com/", "GITHUB": "https://github.com/", "YOUTUBE": "https://www.youtube.com/", "INSTAGRAM": "https://www.instagram.com/", "PINTEREST": "https://www.pinterest.com/", "SKYPE": "skype:"}
)

// applyContacts applies the rows for one contact collection. kind is
// phoneNumber, emailAddress, address or website (the 422 resource name).
func (c *call) applyContacts(list []contact, rows []childRow, kind string, v *validation) []contact {
	out := slices.Clone(list)
	for _, row := range rows {
		idx := slices.IndexFunc(out, func(x contact) bool { return x.ID == row.id })
		if row.id != 0 && idx < 0 {
			v.add(kind+".id", fmt.Sprintf("%s %d not found on this record", kind, row.id))
			continue
		}
		if row.delete {
			if idx >= 0 {
				out = slices.Delete(out, idx, idx+1)
			}
			continue
		}
		var ct contact
		if idx >= 0 {
			ct = out[idx]
		}
		cv := &validation{resource: kind}
		if t, present := str(row.m, "type", cv); present {
			ct.Type = t
		}
		switch kind {
		case "phoneNumber":
			if n, present := str(row.m, "number", cv); present {
				ct.Number = deref(n)
			}
			if ct.Number == "" {
				cv.add("number", "number is required")
			}
		case "emailAddress":
			if a, present := str(row.m, "address", cv); present {
				ct.Address = deref(a)
			}
			if ct.Address == "" {
				cv.add("address", "address is required")
			}
		case "website":
			if a, present := str(row.m, "address", cv); present {
				ct.Address = deref(a)
			}
			if s, present := str(row.m, "service", cv); present {
				ct.Service = strings.ToUpper(deref(s))
			}
			if ct.Service == "" {
				ct.Service = "URL"
			}
			if ct.Address == "" {
				cv.add("address", "address is required")
			}
			if !slices.Contains(websiteServices, ct.Service) {
				cv.add("service", "service must be one of "+strings.Join(websiteServices, ", "))
			}
		case "address":
			for _, f := range []struct {
				k string
				p **string
			}{{"street", &ct.Street}, {"city", &ct.City}, {"state", &ct.State}, {"zip", &ct.Zip}} {
				if s, present := str(row.m, f.k, cv); present {
					*f.p = s
				}
			}
			if s, present := str(row.m, "country", cv); present {
				if s == nil {
					ct.Country = nil
				} else if name, known := countryName(*s); known {
					ct.Country = &name
				} else {
					cv.add("country", "unknown country")
				}
			}
		}
		v.errs = append(v.errs, cv.errs...)
		if cv.failed() {
			continue
		}
		if idx >= 0 {
			out[idx] = ct
		} else {
			ct.ID = c.st.newID()
			out = append(out, ct)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func renderContacts(list []contact, kind string) []any {
	out := make([]any, 0, len(list))
	for _, ct := range list {
		o := obj{}.add("id", ct.ID).add("type", sp(ct.Type))
		switch kind {
		case "phoneNumber":
			o = o.add("number", ct.Number)
		case "emailAddress":
			o = o.add("address", ct.Address)
		case "website":
			url := ct.Address
			if p, has := websitePrefix[ct.Service]; has && !strings.Contains(url, "://") {
				url = p + url
			} else if !strings.Contains(url, "://") && ct.Service == "URL" {
				url = "http://" + url
			}
			o = o.add("address", ct.Address).add("service", ct.Service).add("url", url)
		case "address":
			o = o.add("street", sp(ct.Street)).add("city", sp(ct.City)).add("state", sp(ct.State)).
				add("country", sp(ct.Country)).add("zip", sp(ct.Zip))
		}
		out = append(out, o)
	}
	return out
}

// applyTags attaches by name (case-insensitive, created on first use) or id
// and detaches by id + _delete.
func (c *call) applyTags(entity string, tags []int64, rows []childRow, v *validation) []int64 {
	out := slices.Clone(tags)
	for _, row := range rows {
		var t *tagDef
		switch {
		case row.id != 0:
			t = c.st.tagByID(entity, row.id)
			if t == nil {
				v.add("tags", fmt.Sprintf("tag %d not found", row.id))
				continue
			}
		default:
			var name string
			_ = json.Unmarshal(row.m["name"], &name)
			if strings.TrimSpace(name) == "" {
				v.add("tags", "tag name or id is required")
				continue
			}
			t = c.st.tagByName(entity, strings.TrimSpace(name), !row.delete)
			if t == nil {
				v.add("tags", "tag not found to delete")
				continue
			}
		}
		idx := slices.Index(out, t.ID)
		if row.delete {
			if idx < 0 {
				v.add("tags", "tag not found to delete")
				continue
			}
			out = slices.Delete(out, idx, idx+1)
			continue
		}
		if idx < 0 {
			out = append(out, t.ID)
		}
	}
	return out
}

// applyFields sets custom field values; definitions are found by id or
// name; values are checked against the definition type.
func (c *call) applyFields(entity string, vals []fieldValue, rows []childRow, v *validation) []fieldValue {
	out := slices.Clone(vals)
	for _, row := range rows {
		idx := -1
		if row.id != 0 {
			idx = slices.IndexFunc(out, func(f fieldValue) bool { return f.ID == row.id })
			if idx < 0 {
				v.add("fields", fmt.Sprintf("field value %d not found on this record", row.id))
				continue
			}
			if row.delete {
				out = slices.Delete(out, idx, idx+1)
				continue
			}
		}
		var def *fieldDef
		if idx >= 0 {
			def = c.st.fieldDef(entity, out[idx].DefID)
		}
		if d, has := row.m["definition"]; has {
			var dr struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			}
			_ = json.Unmarshal(d, &dr)
			def = nil
			for _, x := range c.st.FieldDefs[entity] {
				if (dr.ID != 0 && x.ID == dr.ID) || (dr.ID == 0 && dr.Name != "" && strings.EqualFold(x.Name, dr.Name)) {
					def = x
				}
			}
		}
		if def == nil {
			v.add("fields", unknownDefinition(row.m["definition"], c.st.FieldDefs[entity]))
			continue
		}
		raw, has := row.m["value"]
		if !has {
			v.add("field.value", "value is required")
			continue
		}
		val, clear, msg := fieldValueOf(def, raw)
		if msg != "" {
			v.add("field.value", msg)
			continue
		}
		if idx < 0 {
			// One value per definition: setting by definition replaces it.
			idx = slices.IndexFunc(out, func(f fieldValue) bool { return f.DefID == def.ID })
		}
		switch {
		case clear && idx >= 0:
			out = slices.Delete(out, idx, idx+1)
		case clear:
		case idx >= 0:
			out[idx].Value = val
		default:
			out = append(out, fieldValue{ID: c.st.newID(), DefID: def.ID, Value: val})
		}
	}
	return out
}

// fieldValueOf converts a written value to its stored form; numbers are
// stored (and returned) as strings.
func fieldValueOf(def *fieldDef, raw json.RawMessage) (val any, clear bool, msg string) {
	if isNull(raw) {
		if def.Type == "boolean" {
			return nil, false, "invalid type for field"
		}
		return nil, true, ""
	}
	switch def.Type {
	case "boolean":
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, false, "invalid type for field"
		}
		return b, false, ""
	case "number":
		var n json.Number
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s == "" {
				return nil, true, ""
			}
			n = json.Number(s)
		} else if json.Unmarshal(raw, &n) != nil {
			return nil, false, "invalid type for field"
		}
		if _, err := strconv.ParseFloat(n.String(), 64); err != nil {
			return nil, false, "invalid type for field"
		}
		return n.String(), false, ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false, "invalid type for field"
	}
	if s == "" {
		return nil, true, ""
	}
	switch def.Type {
	case "date":
		if !validDate(s) {
			return nil, false, "invalid date for field: use YYYY-MM-DD"
		}
	case "list":
		if !slices.Contains(def.Options, s) {
			return nil, false, fmt.Sprintf("value %q is not one of the options of %s", s, def.Name)
		}
	}
	return s, false, ""
}

// unknownDefinition names the custom field a value was sent for, and the
// ones that exist, so a typo in a mapping's custom field name shows at once.
func unknownDefinition(raw json.RawMessage, defs []*fieldDef) string {
	var dr struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	_ = json.Unmarshal(raw, &dr)
	what := "field definition not found"
	switch {
	case dr.Name != "":
		what = fmt.Sprintf("field definition %q not found", dr.Name)
	case dr.ID != 0:
		what = fmt.Sprintf("field definition %d not found", dr.ID)
	}
	if len(defs) == 0 {
		return what + " (no custom fields are defined for this entity)"
	}
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = strconv.Quote(d.Name)
	}
	return what + " (defined: " + strings.Join(names, ", ") + ")"
}
