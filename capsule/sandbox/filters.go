package sandbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

type fieldKind int

const (
	kString fieldKind = iota
	kNumber
	kDate
	kBool
)

// extractor yields every value a record has for a filter field; a
// condition holds when any value matches ("is not": when none equals).
type extractor struct {
	kind fieldKind
	get  func(c *call, id int64) []any
}

// fieldFor resolves a filter field name, including custom:{id}.
func fieldFor(c *call, e, name string) (extractor, bool) {
	if rest, isCustom := strings.CutPrefix(name, "custom:"); isCustom {
		def, err := strconv.ParseInt(rest, 10, 64)
		d := c.st.fieldDef(e, def)
		if err != nil || d == nil {
			return extractor{}, false
		}
		kind := map[string]fieldKind{"number": kNumber, "date": kDate, "boolean": kBool}[d.Type]
		return extractor{kind, func(c *call, id int64) []any {
			switch e {
			case "parties":
				return customValues(c.st.Parties[id].Fields, def)
			case "opportunities":
				return customValues(c.st.Opportunities[id].Fields, def)
			}
			return customValues(c.st.Kases[id].Fields, def)
		}}, true
	}
	switch e {
	case "parties":
		return partyField(name)
	case "opportunities":
		return oppField(name)
	}
	return kaseField(name)
}

var operatorsByKind = map[fieldKind][]string{
	kString: {"is", "is not", "contains", "starts with", "ends with"},
	kNumber: {"is", "is not", "is greater than", "is less than"},
	kDate:   {"is", "is not", "is after", "is before", "is older than", "is within last", "is within next"},
	kBool:   {"is", "is not"},
}

type condition struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

// compiled is a condition ready to run against records.
type compiled struct {
	ex   extractor
	op   string
	want any // string, float64, bool or nil
}

func filterHandler(e string) func(*call) response {
	res := resourceFor(e)
	return func(c *call) response {
		p, bad := c.paging(100)
		if bad != nil {
			return *bad
		}
		var body struct {
			Filter struct {
				Conditions []condition `json:"conditions"`
			} `json:"filter"`
		}
		if err := json.Unmarshal(c.body, &body); err != nil {
			return badRequest(`body must be {"filter": {"conditions": [{"field", "operator", "value"}]}}`)
		}
		v := &validation{resource: "filter"}
		var conds []compiled
		for i, cd := range body.Filter.Conditions {
			ex, found := fieldFor(c, e, cd.Field)
			if !found {
				v.add(fmt.Sprintf("conditions[%d].field", i), "invalid field name")
				continue
			}
			if !containsStr(operatorsByKind[ex.kind], cd.Operator) {
				v.add(fmt.Sprintf("conditions[%d].operator", i), fmt.Sprintf("invalid operator %q for field %s", cd.Operator, cd.Field))
				continue
			}
			want, msg := conditionValue(ex.kind, cd.Operator, cd.Value)
			if msg != "" {
				v.add(fmt.Sprintf("conditions[%d].value", i), msg)
				continue
			}
			conds = append(conds, compiled{ex, cd.Operator, want})
		}
		if v.failed() {
			return v.response()
		}
		var ids []int64
		for _, id := range res.ids(c.st) {
			all := true
			for _, cd := range conds {
				if !cd.holds(c, id) {
					all = false
					break
				}
			}
			if all {
				ids = append(ids, id)
			}
		}
		return pageOf(c, e, ids, p, func(id int64) any { return res.render(c, id) })
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func conditionValue(kind fieldKind, op string, raw json.RawMessage) (any, string) {
	if len(raw) == 0 || isNull(raw) {
		if op == "is" || op == "is not" {
			return nil, ""
		}
		return nil, "value is required"
	}
	switch {
	case op == "is older than" || op == "is within last" || op == "is within next":
		var n float64
		if json.Unmarshal(raw, &n) != nil {
			return nil, "value must be a number of days"
		}
		return n, ""
	case kind == kNumber:
		var n json.Number
		var s string
		if json.Unmarshal(raw, &s) == nil {
			n = json.Number(s)
		} else if json.Unmarshal(raw, &n) != nil {
			return nil, "value must be a number"
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil {
			return nil, "value must be a number"
		}
		return f, ""
	case kind == kBool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, "value must be true or false"
		}
		return b, ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return nil, "value must be a string"
		}
		s = n.String()
	}
	if kind == kDate && !validDate(s) {
		return nil, "value must be a date (YYYY-MM-DD)"
	}
	return s, ""
}

func (cd compiled) holds(c *call, id int64) bool {
	vals := cd.ex.get(c, id)
	if cd.want == nil {
		empty := len(vals) == 0
		return empty == (cd.op == "is")
	}
	if cd.op == "is not" {
		for _, v := range vals {
			if equalValue(v, cd.want) {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if cd.match(c, v) {
			return true
		}
	}
	return false
}

func equalValue(have, want any) bool {
	switch w := want.(type) {
	case string:
		return strings.EqualFold(fmt.Sprint(have), w)
	case float64:
		return toFloat(have) == w
	}
	return have == want
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

func (cd compiled) match(c *call, have any) bool {
	hs := strings.ToLower(fmt.Sprint(have))
	switch cd.op {
	case "is":
		return equalValue(have, cd.want)
	case "contains":
		return strings.Contains(hs, strings.ToLower(cd.want.(string)))
	case "starts with":
		return strings.HasPrefix(hs, strings.ToLower(cd.want.(string)))
	case "ends with":
		return strings.HasSuffix(hs, strings.ToLower(cd.want.(string)))
	case "is greater than":
		return toFloat(have) > cd.want.(float64)
	case "is less than":
		return toFloat(have) < cd.want.(float64)
	case "is after":
		return hs > cd.want.(string)
	case "is before":
		return hs < cd.want.(string)
	}
	day, err := time.Parse(dateLayout, hs)
	if err != nil {
		return false
	}
	today := c.now.Truncate(24 * time.Hour)
	n := time.Duration(cd.want.(float64)) * 24 * time.Hour
	switch cd.op {
	case "is older than":
		return day.Before(today.Add(-n))
	case "is within last":
		return !day.Before(today.Add(-n)) && !day.After(today)
	case "is within next":
		return !day.Before(today) && !day.After(today.Add(n))
	}
	return false
}
