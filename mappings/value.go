package mappings

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
)

// cvalue is a compiled Spec: where a value comes from and how it is shaped.
type cvalue struct {
	spec        *Spec
	path        string
	col         int // header index; -1 none; -2 resolve colName per row
	colName     string
	isConst     bool
	constVal    string
	ex          *compiledExpr
	tpl         []tplPart
	record      string
	steps       []step
	table       map[string]string
	other       *string
	reject      bool
	split       string
	join        string
	def         *string
	pipeline    string
	pipeCol     int    // pipeline read per row from this column (pipeline: "{Column}")
	pipeColName string // "" = the pipeline is the constant above
	idCol       int    // links: the linked record's id is read from this column
	idColName   string // "" = no id column
	typ         string
	locale      string
	layouts     []string
	kind        fieldKind
	enum        []string
}

func cell(rec *formats.Record, col int, name string) formats.Value {
	if col == -2 {
		i, ok := rec.Header.Index(name)
		if !ok {
			return formats.Value{}
		}
		col = i
	}
	if col < 0 || col >= len(rec.Values) {
		return formats.Value{}
	}
	return rec.Values[col]
}

// eval computes the value for one row: a scalar (string, json.Number, bool),
// or a list of strings after a split; nil and nil when blank.
func (v *cvalue) eval(rec *formats.Record, sc *scratch) (any, []string, error) {
	var raw formats.Value
	var text string
	switch {
	case v.col >= 0 || v.col == -2:
		raw = cell(rec, v.col, v.colName)
		text = raw.Text()
	case v.isConst:
		raw = formats.StringValue(v.constVal)
		text = v.constVal
	case v.ex != nil:
		r, err := v.ex.run(rec, sc)
		if err != nil {
			return nil, nil, fmt.Errorf("expression failed: %v", firstLine(err.Error()))
		}
		switch x := r.(type) {
		case time.Time:
			raw = formats.TimestampValue(x)
		case bool:
			raw = formats.BoolValue(x)
		case int:
			raw = formats.IntValue(int64(x))
		case float64:
			raw = formats.FloatValue(x)
		default:
			raw = formats.StringValue(anyText(r))
		}
		text = raw.Text()
	case v.tpl != nil:
		sc.sb.Reset()
		for _, p := range v.tpl {
			if p.col == -1 && p.name == "" {
				sc.sb.WriteString(p.lit)
				continue
			}
			sc.sb.WriteString(cell(rec, p.col, p.name).Text())
		}
		text = sc.sb.String()
		raw = formats.StringValue(text)
	default:
		return nil, nil, nil
	}
	return v.finish(raw, text, false, sc)
}

func splitClean(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// finish applies split, transforms, lookup table, default, join and the
// target type. Compile also runs it on constants to catch mismatches early.
func (v *cvalue) finish(raw formats.Value, text string, _ bool, sc *scratch) (any, []string, error) {
	touched := false
	var list []string
	isList := false
	if v.split != "" {
		list, isList, touched = splitClean(text, v.split), true, true
	}
	var err error
	for _, st := range v.steps {
		touched = true
		switch st.isList {
		case 1:
			if !isList {
				list, isList = splitClean(text, st.split), true
			} else {
				var flat []string
				for _, e := range list {
					flat = append(flat, splitClean(e, st.split)...)
				}
				list = flat
			}
		case 2:
			if isList {
				text, list, isList = strings.Join(list, st.join), nil, false
			}
		default:
			if isList {
				out := list[:0]
				for _, e := range list {
					if e, err = v.apply(st, e, sc); err != nil {
						return nil, nil, err
					}
					if e != "" {
						out = append(out, e)
					}
				}
				list = out
			} else if text, err = v.apply(st, text, sc); err != nil {
				return nil, nil, err
			}
		}
	}
	if v.table != nil {
		touched = true
		if isList {
			for i, e := range list {
				if list[i], err = v.lookup(e); err != nil {
					return nil, nil, err
				}
			}
		} else if strings.TrimSpace(text) != "" {
			if text, err = v.lookup(text); err != nil {
				return nil, nil, err
			}
		}
	}
	if isList && v.join != "" {
		text, list, isList = strings.Join(list, v.join), nil, false
	}
	if isList {
		if len(list) == 0 && v.def != nil {
			return *v.def, nil, nil
		}
		for i, e := range list {
			if list[i], err = v.enumOf(e); err != nil {
				return nil, nil, err
			}
		}
		return nil, list, nil
	}
	if strings.TrimSpace(text) == "" {
		if v.def == nil {
			return nil, nil, nil
		}
		text, touched = *v.def, true
	}
	if touched {
		raw = formats.StringValue(text)
	}
	return v.typed(raw, text)
}

// apply runs one transform step. A phone step reads numbers without a
// country code in the row's country when the mapping has one, else in its
// region, and keeps a number that does not fit as written, with a warning
// on the row (sc nil: a constant checked at compile time, read strictly).
func (v *cvalue) apply(st step, s string, sc *scratch) (string, error) {
	if !st.phone || sc == nil {
		return st.apply(s)
	}
	region, from := st.region, "phone_region "+st.region
	if st.regionSet {
		from = "region " + st.region
	}
	guessed := st.guessed
	if sc.rowRegion != "" {
		region, from, guessed = sc.rowRegion, "the row's country ("+sc.rowCountry+")", false
	}
	out, warn := phoneAsWritten(s, region, from, guessed)
	if warn != "" {
		sc.warns = append(sc.warns, RowError{Field: v.path, Column: v.colName, Message: warn})
	}
	return out, nil
}

func (v *cvalue) lookup(s string) (string, error) {
	k := strings.TrimSpace(s)
	if to, ok := v.table[k]; ok {
		return to, nil
	}
	if to, ok := v.table[strings.ToLower(k)]; ok {
		return to, nil
	}
	if v.other != nil {
		return *v.other, nil
	}
	if v.reject {
		return "", fmt.Errorf("%q is not in the lookup table (reject_unmapped is set)", k)
	}
	return s, nil
}

func (v *cvalue) enumOf(s string) (string, error) {
	if v.kind != fkEnum {
		return s, nil
	}
	for _, e := range v.enum {
		if strings.EqualFold(e, s) || strings.EqualFold(strings.ReplaceAll(e, "_", ""), strings.ReplaceAll(s, " ", "")) {
			return e, nil
		}
	}
	return "", fmt.Errorf("%q is not one of %s", s, strings.Join(v.enum, ", "))
}

func (v *cvalue) typed(raw formats.Value, text string) (any, []string, error) {
	switch v.typ {
	case "date":
		t, err := parseTime(raw, text, v.layouts)
		if err != nil {
			return nil, nil, err
		}
		return t.Format(time.DateOnly), nil, nil
	case "timestamp":
		t, err := parseTime(raw, text, v.layouts)
		if err != nil {
			return nil, nil, err
		}
		return t.UTC().Format("2006-01-02T15:04:05Z"), nil, nil
	case "number", "decimal", "integer":
		var n string
		switch raw.Kind() {
		case formats.Int, formats.Float, formats.Decimal:
			n = raw.Text()
		default:
			var err error
			if n, err = parseNumber(text, v.locale); err != nil {
				return nil, nil, err
			}
		}
		if v.typ == "integer" {
			if i := strings.IndexByte(n, '.'); i >= 0 {
				if strings.Trim(n[i+1:], "0") != "" {
					return nil, nil, fmt.Errorf("%q is not a whole number", text)
				}
				n = n[:i]
			}
		}
		return json.Number(n), nil, nil
	case "boolean":
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "true", "yes", "y", "1", "x", "ja", "oui", "si", "sí", "wahr", "vrai":
			return true, nil, nil
		case "false", "no", "n", "0", "nein", "non", "falsch", "faux":
			return false, nil, nil
		}
		return nil, nil, fmt.Errorf("%q is not yes/no or true/false", text)
	case "string":
		return text, nil, nil
	}
	if v.kind == fkCustom {
		switch raw.Kind() {
		case formats.Bool:
			return raw.Bool(), nil, nil
		case formats.Int, formats.Float, formats.Decimal:
			return json.Number(raw.Text()), nil, nil
		}
	}
	s, err := v.enumOf(text)
	return s, nil, err
}

// idOf is the linked record's Capsule id given for this row, if any.
func (v *cvalue) idOf(rec *formats.Record) string {
	if v.idColName == "" {
		return ""
	}
	return strings.TrimSpace(cell(rec, v.idCol, v.idColName).Text())
}

// pipelineOf is the pipeline a milestone name is looked up in for this row.
func (v *cvalue) pipelineOf(rec *formats.Record) string {
	if v.pipeColName == "" {
		return v.pipeline
	}
	return strings.TrimSpace(cell(rec, v.pipeCol, v.pipeColName).Text())
}
