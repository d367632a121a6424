package mappings

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/capsule-etl/capsule-etl/formats"
)

// Export is the reverse direction of one record of a mapping: Capsule
// records of that record's entity become rows with these columns.
type Export struct {
	Record string
	Header *formats.Header
	cols   []exportCol
}

type exportCol struct {
	name string
	get  func(rec map[string]any) (formats.Value, error)
}

// Row turns one Capsule record (decoded JSON, as the API returns it with
// embed=tags,fields) into cells in Header order.
func (e *Export) Row(rec map[string]any) ([]formats.Value, error) {
	out := make([]formats.Value, len(e.cols))
	for i, c := range e.cols {
		v, err := c.get(rec)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.name, err)
		}
		out[i] = v
	}
	return out, nil
}

// Reverse builds the export of the named record ("" picks the first person
// record, else the one with the most fields). Columns of records it links to with
// {record: ...} are filled from the nested link (e.g. a person's company
// name). Warnings name every part that cannot be exported.
func (p *Program) Reverse(record string) (*Export, Problems) {
	c := &problems{file: p.m.File}
	var main *crec
	for _, r := range p.m.Records {
		cr := p.records[p.index[r.Name]]
		if record == cr.name || (record == "" && main == nil && cr.partyType == "person") {
			main = cr
		}
	}
	if main == nil && record == "" {
		for _, cr := range p.records { // else the richest record
			if main == nil || len(cr.fields) > len(main.fields) {
				main = cr
			}
		}
	}
	if main == nil {
		c.errorf(Pos{}, "records", didYouMean(record, p.Records()), "no record named %q", record)
		return nil, c.list
	}
	rb := &revBuilder{p: p, c: c, seen: map[string]bool{}}
	rb.record(main, nil)
	names := make([]string, len(rb.cols))
	for i, col := range rb.cols {
		names[i] = col.name
	}
	return &Export{Record: main.name, Header: formats.NewHeader(names), cols: rb.cols}, c.list.sorted()
}

type revBuilder struct {
	p    *Program
	c    *problems
	cols []exportCol
	seen map[string]bool
}

func (rb *revBuilder) add(name string, get func(map[string]any) (formats.Value, error)) {
	if name == "" || rb.seen[name] {
		return
	}
	rb.seen[name] = true
	rb.cols = append(rb.cols, exportCol{name: name, get: get})
}

// getter reads part of a Capsule record.
type getter func(rec map[string]any) any

func field(name string) getter {
	return func(rec map[string]any) any { return rec[name] }
}

func nested(parent getter, key string) getter {
	return func(rec map[string]any) any {
		m, _ := parent(rec).(map[string]any)
		if m == nil {
			return nil
		}
		if key == "name" && m["name"] == nil && (m["firstName"] != nil || m["lastName"] != nil) {
			return strings.TrimSpace(text(m["firstName"]) + " " + text(m["lastName"]))
		}
		return m[key]
	}
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return formats.FloatValue(x).Text()
	}
	return fmt.Sprint(v)
}

// record adds the columns of r; via is how to reach r's fields from the
// exported record (nil for the main record).
func (rb *revBuilder) record(r *crec, via getter) {
	at := func(name string) getter {
		if via == nil {
			return field(name)
		}
		return nested(via, name)
	}
	for _, f := range r.fields {
		switch f.def.kind {
		case fkList:
			if via == nil {
				rb.list(f)
			}
		case fkTags:
			if via == nil {
				rb.tags(f)
			}
		case fkCustom:
			if via == nil {
				for _, cf := range f.custom {
					rb.scalar(cf.val, customValue(cf.name), cf.val.path)
				}
			}
		case fkMoney:
			for _, s := range f.sub {
				rb.scalar(s.val, nested(at("value"), s.name), s.val.path)
			}
		case fkLink:
			if f.val.record != "" {
				if via == nil {
					rb.record(rb.p.records[rb.p.index[f.val.record]], field(f.name))
				}
				continue
			}
			rb.scalar(f.val, nested(at(f.name), "name"), f.path)
			if f.val != nil && f.val.idColName != "" {
				get := nested(at(f.name), "id")
				rb.add(f.val.idColName, func(rec map[string]any) (formats.Value, error) {
					if s := text(get(rec)); s != "" {
						return formats.StringValue(s), nil
					}
					return formats.Value{}, nil
				})
			}
		case fkUser, fkNamed, fkMilestone:
			rb.scalar(f.val, nested(at(f.name), "name"), f.path)
			if f.def.kind == fkMilestone && f.val != nil && f.val.pipeColName != "" {
				// pipeline: "{Column}" is written back from milestone.pipeline.name,
				// which the exporter fills in (the API's milestone stub has no pipeline).
				get := nested(nested(at(f.name), "pipeline"), "name")
				rb.add(f.val.pipeColName, func(rec map[string]any) (formats.Value, error) {
					if s := text(get(rec)); s != "" {
						return formats.StringValue(s), nil
					}
					return formats.Value{}, nil
				})
			}
		default:
			rb.scalar(f.val, at(f.name), f.path)
		}
	}
	if via == nil {
		for _, m := range r.match {
			if m.kind == MatchID {
				rb.scalar(m.src, field("id"), m.src.path)
			}
		}
	}
}

func customValue(name string) getter {
	return func(rec map[string]any) any {
		fs, _ := rec["fields"].([]any)
		for _, x := range fs {
			fm, _ := x.(map[string]any)
			def, _ := fm["definition"].(map[string]any)
			if def != nil && strings.EqualFold(text(def["name"]), name) {
				return fm["value"]
			}
		}
		return nil
	}
}

// scalar adds one column fed by v, if v reads a column.
func (rb *revBuilder) scalar(v *cvalue, get getter, path string) {
	if v == nil || v.isConst || v.record != "" {
		return
	}
	col := v.colName
	var post func(string) (string, error)
	switch {
	case v.ex != nil || (v.tpl != nil && v.spec.Reverse != nil):
		r := v.spec.Reverse
		if r == nil {
			rb.c.warnf(v.spec.Pos, path, "add `reverse: {column: Name, expr: \"...\"}` using `value`", "expression left out of the export")
			return
		}
		col = r.Column
		if r.Expr != "" {
			prog, err := expr.Compile(r.Expr, expr.Env(map[string]any{"value": ""}))
			if err != nil {
				rb.c.errorf(r.Pos, path+".reverse.expr", "the expression sees the Capsule value as `value`", "bad expression: %v", firstLine(err.Error()))
				return
			}
			post = func(s string) (string, error) {
				out, err := vm.Run(prog, map[string]any{"value": s})
				return anyText(out), err
			}
		}
	case v.tpl != nil:
		var lit []string
		cols := 0
		for _, p := range v.tpl {
			if p.col == -1 && p.name == "" {
				lit = append(lit, p.lit)
			} else {
				cols++
				col = p.name
			}
		}
		prefix, suffix := "", ""
		if cols == 1 && len(v.tpl) <= 3 {
			if v.tpl[0].name == "" && v.tpl[0].col == -1 {
				prefix = v.tpl[0].lit
			}
			if last := v.tpl[len(v.tpl)-1]; last.name == "" && last.col == -1 && len(v.tpl) > 1 {
				suffix = last.lit
			}
			post = func(s string) (string, error) {
				return strings.TrimSuffix(strings.TrimPrefix(s, prefix), suffix), nil
			}
		} else {
			rb.c.warnf(v.spec.Pos, path, "add `reverse: {column: Name, expr: \"...\"}`", "template with several columns left out of the export")
			return
		}
	}
	inv := rb.inverse(v, path)
	for _, st := range v.steps {
		if st.name == "replace" || st.name == "regex" {
			rb.c.warnf(v.spec.Pos, path, "the export holds the value as stored in Capsule", "%s cannot be undone on export", st.name)
		}
	}
	sep := firstNonEmpty(v.split, v.join)
	rb.add(col, func(rec map[string]any) (formats.Value, error) {
		raw := get(rec)
		if raw == nil {
			return formats.Value{}, nil
		}
		if l, ok := raw.([]any); ok {
			parts := make([]string, 0, len(l))
			for _, e := range l {
				parts = append(parts, inv(text(e)))
			}
			return formats.StringValue(strings.Join(parts, sep)), nil
		}
		if b, ok := raw.(bool); ok {
			return formats.BoolValue(b), nil
		}
		s := text(raw)
		if sep != "" && v.split != "" {
			// stored joined by Capsule (multi-select): give it back with the file's separator
			s = strings.Join(splitClean(s, ";"), sep)
		}
		s = inv(s)
		s = rb.format(v, s)
		if post != nil {
			var err error
			if s, err = post(s); err != nil {
				return formats.Value{}, err
			}
		}
		if s == "" {
			return formats.Value{}, nil
		}
		return formats.StringValue(s), nil
	})
}

// format writes dates and numbers back the way the mapping reads them, so
// the exported file re-imports to the same values.
func (rb *revBuilder) format(v *cvalue, s string) string {
	switch v.typ {
	case "date", "timestamp":
		if len(v.layouts) == 0 {
			return s
		}
		for _, l := range []string{time.RFC3339, time.DateOnly} {
			if t, err := time.Parse(l, s); err == nil {
				return t.Format(v.layouts[0])
			}
		}
	case "number", "decimal", "integer":
		if loc, ok := locales[v.locale]; ok && loc.decimal != '.' {
			return strings.Replace(s, ".", string(loc.decimal), 1)
		}
	}
	return s
}

// inverse returns the lookup table read backwards when it is one-to-one.
func (rb *revBuilder) inverse(v *cvalue, path string) func(string) string {
	if len(v.spec.Map) == 0 {
		return func(s string) string { return s }
	}
	back := map[string]string{}
	for _, e := range v.spec.Map {
		if prev, dup := back[e.To]; dup {
			rb.c.warnf(v.spec.Pos, path+".map", "the export writes the first value listed, which imports the same way",
				"lookup table is not one-to-one (%q and %q both give %q)", prev, e.From, e.To)
			continue
		}
		back[e.To] = e.From
	}
	if v.other != nil {
		if _, ok := back[*v.other]; !ok {
			rb.c.warnf(v.spec.Pos, path+".map._other", "", "values that fell back to %q export as %q", *v.other, *v.other)
		}
	}
	return func(s string) string {
		if f, ok := back[s]; ok {
			return f
		}
		return s
	}
}

// list exports list items: the n-th item of the mapping takes the n-th
// element of its type (or of any type when it names none); a split column
// takes that element and every later one of its type, joined by its
// separator.
func (rb *revBuilder) list(f *cfield) {
	mainKey := listItems[f.name][0]
	used := map[string]int{}
	for _, item := range f.items {
		typ := ""
		for _, it := range item {
			if it.name == "type" && it.val.isConst {
				typ = it.val.constVal
			}
		}
		nth := used[typ]
		used[typ]++
		all := false
		for _, it := range item {
			if it.name == mainKey && it.val.split != "" {
				all = true
			}
		}
		for _, it := range item {
			name, t, n, whole := it.name, typ, nth, all
			get := func(rec map[string]any) any {
				l, _ := rec[f.name].([]any)
				var vals []any
				k := 0
				for _, e := range l {
					m, _ := e.(map[string]any)
					if t != "" && !strings.EqualFold(text(m["type"]), t) {
						continue
					}
					if whole { // a split column takes this and every later element
						if k >= n {
							vals = append(vals, m[name])
						}
						k++
						continue
					}
					if k == n {
						return m[name]
					}
					k++
				}
				if whole && len(vals) > 0 {
					return vals
				}
				return nil
			}
			rb.scalar(it.val, get, it.val.path)
		}
	}
}

// tags: one column with a separator gets every tag; several columns get one
// tag each, in order.
func (rb *revBuilder) tags(f *cfield) {
	for i, v := range f.multi {
		i, many := i, len(f.multi) > 1
		rb.scalar(v, func(rec map[string]any) any {
			l, _ := rec["tags"].([]any)
			names := make([]any, 0, len(l))
			for _, e := range l {
				m, _ := e.(map[string]any)
				names = append(names, m["name"])
			}
			if many || v.split == "" {
				if i < len(names) {
					return names[i]
				}
				return nil
			}
			return names
		}, v.path)
	}
}
