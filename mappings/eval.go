package mappings

import (
	"fmt"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
)

// Eval turns one row into one Op per record, in dependency order (Records()).
// rowErrs collects every op's Errors; when it is not empty the row is
// rejected as a whole. Eval is safe for concurrent use.
func (p *Program) Eval(rec *formats.Record) ([]Op, []RowError) {
	sc := p.pool.Get().(*scratch)
	defer p.pool.Put(sc)
	ops := make([]Op, len(p.records))
	if blankRow(rec) {
		// Spreadsheets and CSV exports are full of empty lines: a row with no
		// value at all is skipped, not rejected for its missing fields.
		for i, r := range p.records {
			ops[i] = Op{Record: r.name, Entity: r.entity, PartyType: r.partyType, Skipped: true, SkipReason: "the row is blank"}
		}
		return ops, nil
	}
	var srcKey string
	var rowErrs []RowError
	sc.warns = sc.warns[:0]
	if p.key != nil {
		v, _, err := p.key.eval(rec, sc)
		if err != nil {
			rowErrs = append(rowErrs, RowError{Field: "source.key", Column: p.key.colName, Message: err.Error()})
		}
		srcKey = scalarText(v)
	}
	for i, r := range p.records {
		op := &ops[i]
		op.Record, op.Entity, op.PartyType, op.SourceKey = r.name, r.entity, r.partyType, srcKey
		op.OnMatch, op.OnNoMatch, op.Lists, op.Duplicates = r.onMatch, r.onNoMatch, r.lists, r.dups
		if r.when != nil {
			res, err := r.when.run(rec, sc)
			if err != nil {
				op.Errors = append(op.Errors, RowError{Record: r.name, Field: r.spec.When.Path, Message: "condition failed: " + firstLine(err.Error())})
			} else if b, _ := res.(bool); !b {
				op.Skipped = true
				continue
			}
		}
		op.Body = make(map[string]any, len(r.fields)+1)
		switch {
		case r.entity == EntityParty:
			op.Body["type"] = r.partyType
		case r.entity == EntityEntry:
			op.Body["type"] = "note"
		}
		p.rowRegion(r, rec, sc)
		for _, f := range r.fields {
			p.evalField(op, r, f, rec, sc, ops)
		}
		p.matchKeys(op, r, rec, sc)
		for _, w := range sc.warns {
			w.Record = r.name
			op.Warnings = append(op.Warnings, w)
		}
		sc.warns = sc.warns[:0]
		op.Missing = missing(op, r)
		rowErrs = append(rowErrs, op.Errors...)
	}
	return ops, rowErrs
}

// rowRegion sets the region phone numbers of r are read in for this row:
// the country of r's own address, else of the first record with one.
func (p *Program) rowRegion(r *crec, rec *formats.Record, sc *scratch) {
	sc.rowRegion, sc.rowCountry = "", ""
	for _, c := range []*cvalue{r.country, p.country} {
		if c == nil {
			continue
		}
		v, _, err := c.eval(rec, sc)
		if err != nil || v == nil {
			continue
		}
		name, err := p.ctab.normalise(scalarText(v))
		if err != nil {
			continue
		}
		if iso := p.ctab.byName[name]; iso != "" && validRegion(iso) {
			sc.rowRegion, sc.rowCountry = iso, name
			return
		}
	}
}

// blankRow reports whether every cell of rec is empty or spaces.
func blankRow(rec *formats.Record) bool {
	for _, v := range rec.Values {
		if !v.IsBlank() {
			return false
		}
	}
	return true
}

func (op *Op) fail(f string, v *cvalue, err error) {
	col := ""
	if v != nil {
		col = v.colName
	}
	op.Errors = append(op.Errors, RowError{Record: op.Record, Field: f, Column: col, Message: err.Error()})
}

func scalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func (p *Program) evalField(op *Op, r *crec, f *cfield, rec *formats.Record, sc *scratch, ops []Op) {
	switch f.def.kind {
	case fkList:
		p.evalList(op, f, rec, sc)
	case fkTags:
		var tags []any
		add := func(s string) {
			s = strings.TrimSpace(s)
			if s == "" {
				return
			}
			for _, t := range tags { // rows carry few tags: a scan beats a map
				if strings.EqualFold(t.(map[string]any)["name"].(string), s) {
					return
				}
			}
			tags = append(tags, map[string]any{"name": s})
		}
		for _, v := range f.multi {
			one, list, err := v.eval(rec, sc)
			if err != nil {
				op.fail(v.path, v, err)
				continue
			}
			add(scalarText(one))
			for _, s := range list {
				add(s)
			}
		}
		if len(tags) > 0 {
			op.Body["tags"] = tags
		}
	case fkCustom:
		var out []any
		for _, c := range f.custom {
			one, list, err := c.val.eval(rec, sc)
			if err != nil {
				op.fail(c.val.path, c.val, err)
				continue
			}
			if list != nil {
				one = strings.Join(list, ";") // multi-select lists are semicolon-separated
			}
			if one == nil {
				continue
			}
			out = append(out, map[string]any{"definition": map[string]any{"name": c.name}, "value": one})
		}
		if len(out) > 0 {
			op.Body["fields"] = out
		}
	case fkMoney:
		money := map[string]any{}
		for _, s := range f.sub {
			one, _, err := s.val.eval(rec, sc)
			if err != nil {
				op.fail(s.val.path, s.val, err)
				continue
			}
			if one != nil {
				money[s.name] = one
			}
		}
		if _, ok := money["amount"]; !ok {
			return
		}
		if _, ok := money["currency"]; !ok {
			if p.m.Defaults.Currency == "" {
				op.fail(f.path, nil, fmt.Errorf("an amount needs a currency; add value.currency or defaults.currency"))
				return
			}
			money["currency"] = p.m.Defaults.Currency
		}
		op.Body["value"] = money
	default:
		v := f.val
		if v == nil {
			return
		}
		if v.record != "" {
			if t, ok := p.index[v.record]; ok && !ops[t].Skipped {
				op.Refs = append(op.Refs, Ref{Field: f.name, Kind: RefRecord, Record: v.record})
			}
			return
		}
		one, list, err := v.eval(rec, sc)
		if err != nil {
			op.fail(f.path, v, err)
			return
		}
		if list != nil {
			one = strings.Join(list, ", ")
		}
		id := v.idOf(rec)
		if one == nil && id == "" {
			return
		}
		switch f.def.kind {
		case fkLink, fkUser, fkNamed, fkMilestone:
			name := ""
			if one != nil {
				name = scalarText(one)
			}
			op.Refs = append(op.Refs, Ref{Field: f.name, Kind: f.def.refKind, Name: name, ID: id, Pipeline: v.pipelineOf(rec)})
		default:
			op.Body[f.name] = one
		}
	}
}

func (p *Program) evalList(op *Op, f *cfield, rec *formats.Record, sc *scratch) {
	mainKey := listItems[f.name][0]
	var out []any
	for _, item := range f.items {
		var mains []string
		rest := make(map[string]any, len(item))
		failed := false
		for _, it := range item {
			one, list, err := it.val.eval(rec, sc)
			if err != nil {
				op.fail(it.val.path, it.val, err)
				failed = true
				continue
			}
			if it.name == mainKey {
				if list != nil {
					mains = list
				} else if one != nil {
					mains = []string{scalarText(one)}
				}
			} else if one != nil {
				rest[it.name] = one
			} else if list != nil {
				rest[it.name] = strings.Join(list, ", ")
			}
		}
		if failed {
			continue
		}
		if f.name == "addresses" { // an address is its parts; there is no one main value
			if len(rest) > 0 || len(mains) > 0 {
				if len(mains) > 0 {
					rest[mainKey] = strings.Join(mains, "\n")
				}
				out = append(out, rest)
			}
			continue
		}
		for i, m := range mains {
			if hasListValue(out, mainKey, m) {
				continue
			}
			e := rest
			if i < len(mains)-1 { // the last value reuses rest; earlier ones copy it
				e = make(map[string]any, len(rest)+1)
				for rk, rv := range rest {
					e[rk] = rv
				}
			}
			e[mainKey] = m
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		op.Body[f.name] = out
	}
}

func firstListValue(body map[string]any, field, key string) string {
	l, _ := body[field].([]any)
	if len(l) == 0 {
		return ""
	}
	m, _ := l[0].(map[string]any)
	return scalarText(m[key])
}

func (p *Program) matchKeys(op *Op, r *crec, rec *formats.Record, sc *scratch) {
	for _, m := range r.match {
		k := MatchKey{Kind: m.kind, Field: m.field}
		switch m.kind {
		case MatchEmail:
			k.Value = strings.ToLower(firstListValue(op.Body, "emailAddresses", "address"))
		case MatchPhone:
			k.Value = firstListValue(op.Body, "phoneNumbers", "number")
		case MatchName:
			if r.partyType == "person" {
				k.Value = strings.TrimSpace(scalarText(op.Body["firstName"]) + " " + scalarText(op.Body["lastName"]))
			} else {
				k.Value = scalarText(op.Body["name"])
			}
		case MatchField:
			fs, _ := op.Body["fields"].([]any)
			for _, x := range fs {
				fm := x.(map[string]any)
				if strings.EqualFold(fm["definition"].(map[string]any)["name"].(string), m.field) {
					k.Value = scalarText(fm["value"])
				}
			}
		case MatchID:
			v, _, err := m.src.eval(rec, sc)
			if err != nil {
				op.fail(m.src.path, m.src, err)
			}
			k.Value = strings.TrimSpace(scalarText(v))
		}
		if k.Value != "" {
			op.Match = append(op.Match, k)
		}
	}
}

func hasRef(op *Op, field string) bool {
	for _, r := range op.Refs {
		if r.Field == field {
			return true
		}
	}
	return false
}

// missing lists fields Capsule requires on create that the row left empty.
func missing(op *Op, r *crec) []string {
	var out []string
	if r.partyType == "person" && op.Body["firstName"] == nil && op.Body["lastName"] == nil {
		out = append(out, "firstName or lastName")
	}
	for _, name := range r.required {
		if op.Body[name] == nil && !hasRef(op, name) {
			out = append(out, name)
		}
	}
	if r.entity == EntityEntry && !hasRef(op, "party") && !hasRef(op, "opportunity") && !hasRef(op, "kase") {
		out = append(out, "party, opportunity or kase")
	}
	return out
}

// hasListValue reports whether an item with this main value (ignoring case)
// is already in the list, so a row never sends the same email twice.
func hasListValue(items []any, key, v string) bool {
	for _, it := range items {
		if s, _ := it.(map[string]any)[key].(string); strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}
