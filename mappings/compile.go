package mappings

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/capsule-etl/capsule-etl/formats"
)

// Program is a compiled mapping: everything checked, expressions compiled,
// columns resolved against the header. It is safe for concurrent Eval.
type Program struct {
	m       *Mapping
	header  *formats.Header
	records []*crec // dependency order
	index   map[string]int
	key     *cvalue
	country *cvalue // the row's country for records that map none themselves
	ctab    *countryTable
	pool    sync.Pool
}

type crec struct {
	spec      *RecordSpec
	name      string
	entity    Entity
	partyType string
	catKey    string
	when      *compiledExpr
	fields    []*cfield
	match     []cmatch
	onMatch   OnMatch
	onNoMatch OnNoMatch
	dups      string // duplicates: merge, skip or reject ("" = merge)
	lists     map[string]ListMode
	deps      []string // records this one refers to
	required  []string // fields Capsule requires on create, sorted
	country   *cvalue  // the country of the record's first address, if mapped
}

type cfield struct {
	name   string
	path   string
	def    fieldDef
	val    *cvalue
	items  [][]citem
	multi  []*cvalue
	custom []citem
	sub    []citem
}

type citem struct {
	name string
	val  *cvalue
}

type cmatch struct {
	kind  MatchKind
	field string
	src   *cvalue
}

// Records returns the record names in dependency order (a record comes after
// every record it refers to).
func (p *Program) Records() []string {
	out := make([]string, len(p.records))
	for i, r := range p.records {
		out[i] = r.name
	}
	return out
}

// Mapping returns the parsed mapping the program was compiled from.
func (p *Program) Mapping() *Mapping { return p.m }

// compiler carries state while compiling one mapping.
type compiler struct {
	c      *problems
	m      *Mapping
	header *formats.Header
	names  map[string]*RecordSpec
	ctab   *countryTable
}

// Compile checks m against header (nil skips the column checks and resolves
// columns by name on each row) and builds a Program. Problems include those
// of anything Parse could not model; the Program is nil when any is an error.
func Compile(m *Mapping, header *formats.Header) (*Program, Problems) {
	if m == nil {
		return nil, Problems{{Message: "no mapping", Severity: SeverityError}}
	}
	cc := &compiler{c: &problems{file: m.File}, m: m, header: header, names: map[string]*RecordSpec{}, ctab: countries()}
	prog := &Program{m: m, header: header, index: map[string]int{}, ctab: cc.ctab}
	prog.pool.New = func() any { return &scratch{} }
	for _, r := range m.Records {
		if prev, dup := cc.names[r.Name]; dup {
			cc.c.errorf(r.Pos, "records."+r.Name, fmt.Sprintf("first defined at line %d", prev.Pos.Line), "record %q defined twice", r.Name)
		}
		cc.names[r.Name] = r
	}
	var recs []*crec
	for _, r := range m.Records {
		recs = append(recs, cc.record(r))
	}
	if m.Source.Key != nil {
		prog.key = cc.value(m.Source.Key, fieldDef{kind: fkText}, "")
	}
	prog.records = cc.order(recs)
	for _, r := range prog.records {
		if r.country != nil && prog.country == nil {
			prog.country = r.country
		}
	}
	for i, r := range prog.records {
		prog.index[r.name] = i
	}
	probs := cc.c.list.sorted()
	if probs.HasErrors() {
		return nil, probs
	}
	return prog, probs
}

func (cc *compiler) record(r *RecordSpec) *crec {
	path := "records." + r.Name
	cr := &crec{spec: r, name: r.Name, catKey: catalogKey(r.Entity)}
	en, ok := entityNames[r.Entity]
	if ok {
		cr.entity, cr.partyType = en.entity, en.partyType
	}
	cr.onMatch = OnMatch(firstNonEmpty(r.OnMatch, cc.m.Defaults.OnMatch, string(Update)))
	cr.onNoMatch = OnNoMatch(firstNonEmpty(r.OnNoMatch, cc.m.Defaults.OnNoMatch, string(Create)))
	cr.dups = firstNonEmpty(r.Duplicates, cc.m.Defaults.Duplicates)
	if cr.dups == "merge" {
		cr.dups = ""
	}
	cr.lists = map[string]ListMode{}
	deflt := ListMode(firstNonEmpty(r.Lists[""], cc.m.Defaults.Lists, string(ListMerge)))
	cat := catalog[cr.catKey]
	for _, name := range sortedKeys(cat) {
		if cat[name].required {
			cr.required = append(cr.required, name)
		}
	}
	for name, def := range cat {
		if def.kind == fkList || def.kind == fkTags || def.kind == fkCustom {
			cr.lists[name] = deflt
			if mode, ok := r.Lists[name]; ok && mode != "" {
				cr.lists[name] = ListMode(mode)
			}
		}
	}
	if r.When != nil {
		cr.when = cc.expr(r.When, true)
	}
	for _, f := range r.Fields {
		def := cat[f.Name]
		cr.fields = append(cr.fields, cc.field(cr, f, def))
	}
	cc.matches(cr, r, path)
	return cr
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (cc *compiler) field(cr *crec, f *FieldSpec, def fieldDef) *cfield {
	cf := &cfield{name: f.Name, path: f.Path, def: def}
	switch def.kind {
	case fkList:
		for _, item := range f.Items {
			var ci []citem
			for _, sub := range item {
				sdef := fieldDef{kind: fkText}
				if en := listItemEnums[f.Name][sub.Name]; en != nil {
					sdef = fieldDef{kind: fkEnum, enum: en}
				}
				v := cc.value(sub.Value, sdef, listItemTransform[f.Name][sub.Name])
				ci = append(ci, citem{name: sub.Name, val: v})
				if f.Name == "addresses" && sub.Name == "country" && cr.country == nil && v != nil {
					cr.country = v
				}
			}
			cf.items = append(cf.items, ci)
		}
	case fkTags:
		for _, s := range f.Multi {
			cf.multi = append(cf.multi, cc.value(s, fieldDef{kind: fkText}, ""))
		}
	case fkCustom:
		for _, cfs := range f.Custom {
			cf.custom = append(cf.custom, citem{name: cfs.Name, val: cc.value(cfs.Value, fieldDef{kind: fkCustom}, "")})
		}
	case fkMoney:
		for _, s := range f.Sub {
			d := fieldDef{kind: fkDecimal}
			if s.Name == "currency" {
				d = fieldDef{kind: fkText}
			}
			cf.sub = append(cf.sub, citem{name: s.Name, val: cc.value(s.Value, d, "")})
		}
	default:
		cf.val = cc.value(f.Value, def, "")
		if cf.val == nil {
			break
		}
		s := f.Value
		if s.Record != "" {
			cc.recordRef(cr, f, def)
		}
		if s.Split != "" && s.Join == "" && !hasJoinStep(s) {
			cc.c.warnf(s.Pos, f.Path+".split", "add `join: \", \"` to say how they are combined, or remove split", "%s holds one value; split values will be joined with \", \"", f.Name)
		}
		if def.kind == fkMilestone && s.Pipeline == "" {
			cc.c.errorf(f.Pos, f.Path, "add `pipeline: Name` so the milestone name is looked up in the right pipeline", "milestone without pipeline")
		}
		if def.kind != fkMilestone && s.Pipeline != "" {
			cc.c.errorf(s.Pos, f.Path+".pipeline", "pipeline only applies to milestone", "unexpected pipeline")
		}
		if s.ID != "" && (def.kind != fkLink || s.Record != "") {
			cc.c.errorf(s.Pos, f.Path+".id", "id only applies to organisation, party, opportunity and kase looked up by name",
				"unexpected id")
		}
	}
	return cf
}

// recordRef checks a {record: name} reference and records the dependency.
func (cc *compiler) recordRef(cr *crec, f *FieldSpec, def fieldDef) {
	s := f.Value
	target, ok := cc.names[s.Record]
	if !ok {
		cc.c.errorf(s.Pos, f.Path+".record", didYouMean(s.Record, sortedKeys(cc.names)), "no record named %q", s.Record)
		return
	}
	want := map[RefKind][]string{
		RefOrganisation: {"organisation", "organization"},
		RefParty:        {"person", "organisation", "organization"},
		RefOpportunity:  {"opportunity"},
		RefKase:         {"project", "kase"},
	}[def.refKind]
	if !contains(want, target.Entity) {
		cc.c.errorf(s.Pos, f.Path+".record", fmt.Sprintf("%s must refer to a record of entity %s", f.Name, strings.Join(want, " or ")),
			"record %q is a %s", s.Record, target.Entity)
		return
	}
	cr.deps = append(cr.deps, s.Record)
}

var errNoColumn = errors.New("no such column")

// value compiles a Spec for a field of the given kind; autoStep is a
// transform applied when the spec names none (e.g. email for addresses).
func (cc *compiler) value(s *Spec, def fieldDef, autoStep string) *cvalue {
	if s == nil {
		return nil
	}
	v := &cvalue{spec: s, path: s.Path, col: -1, record: s.Record, split: s.Split, join: s.Join, def: s.Default,
		other: s.Other, reject: s.RejectUnmapped, pipeline: s.Pipeline, pipeCol: -1, idCol: -1, kind: def.kind, enum: def.enum}
	if col, ok := pipelineColumn(s.Pipeline); ok {
		// A file holding milestones of several pipelines names the pipeline
		// per row (the default export layout has a Pipeline column).
		v.pipeline, v.pipeCol, v.pipeColName = "", cc.column(col, s.Pos, s.Path+".pipeline"), col
	}
	if s.ID != "" && def.kind == fkLink && s.Record == "" {
		v.idColName, v.idCol = s.ID, cc.column(s.ID, s.Pos, s.Path+".id")
	}
	switch {
	case s.Column != "":
		v.colName = s.Column
		v.col = cc.column(s.Column, s.Pos, s.Path)
	case s.Index > 0:
		v.col = s.Index - 1
		v.colName = fmt.Sprintf("#%d", s.Index)
		if cc.header != nil {
			if s.Index > cc.header.Len() {
				cc.c.errorf(s.Pos, s.Path, fmt.Sprintf("the input has %d columns", cc.header.Len()), "column %d does not exist", s.Index)
			} else {
				v.colName = cc.header.Names()[s.Index-1]
			}
		}
	case s.HasConst:
		v.isConst, v.constVal = true, s.Const
	case s.Expr != "":
		v.ex = cc.expr(s, false)
	case s.Template != "":
		v.tpl = cc.template(s)
	}
	region := cc.m.Defaults.PhoneRegion
	if s.Region != "" {
		region = s.Region
	}
	if len(s.Transforms) == 0 && autoStep != "" && !v.isConst {
		v.steps = append(v.steps, compileStep(TransformSpec{Name: "trim"}, region, cc.ctab), compileStep(TransformSpec{Name: autoStep}, region, cc.ctab))
	}
	for _, t := range s.Transforms {
		v.steps = append(v.steps, compileStep(t, region, cc.ctab))
	}
	for i := range v.steps {
		st := &v.steps[i]
		if st.phone && !st.regionSet {
			st.regionSet = s.Region != ""
			st.guessed = !st.regionSet && cc.m.Defaults.PhoneRegionGuessed
		}
	}
	if len(s.Map) > 0 {
		v.table = make(map[string]string, len(s.Map)*2)
		for _, e := range s.Map {
			v.table[e.From] = e.To
		}
		for _, e := range s.Map {
			if _, ok := v.table[strings.ToLower(e.From)]; !ok {
				v.table[strings.ToLower(e.From)] = e.To
			}
		}
	}
	v.typ = s.Type
	if v.typ == "" {
		v.typ = map[fieldKind]string{fkDate: "date", fkTimestamp: "timestamp", fkInt: "integer", fkDecimal: "decimal"}[def.kind]
	}
	v.locale = firstNonEmpty(s.Locale, cc.m.Defaults.Locale)
	for _, l := range s.Formats {
		v.layouts = append(v.layouts, spreadsheetLayout(l))
	}
	if len(v.layouts) == 0 && cc.m.Defaults.DateFormat != "" {
		v.layouts = []string{spreadsheetLayout(cc.m.Defaults.DateFormat)}
	}
	cc.checkTypes(v, s, def)
	return v
}

// checkTypes catches values that can never fit their field.
func (cc *compiler) checkTypes(v *cvalue, s *Spec, def fieldDef) {
	if s.Type != "" {
		allowed := map[fieldKind][]string{
			fkText: {"string"}, fkDate: {"date"}, fkTimestamp: {"timestamp"}, fkInt: {"integer", "number"},
			fkDecimal: {"decimal", "number", "integer"}, fkCustom: valueTypes,
		}[def.kind]
		if !contains(allowed, s.Type) {
			hint := "remove `type:`"
			if len(allowed) > 0 {
				hint = "this field takes " + strings.Join(allowed, " or ")
			}
			cc.c.errorf(s.Pos, s.Path+".type", hint, "type %s does not fit this field", s.Type)
		}
	}
	if s.Record != "" && def.kind != fkLink {
		cc.c.errorf(s.Pos, s.Path+".record", "record: only links a person to its organisation, or an opportunity, project, note or task to a party, opportunity or project", "this field cannot refer to a record")
	}
	if v.isConst {
		if _, _, err := v.finish(formats.StringValue(v.constVal), v.constVal, false, nil); err != nil {
			cc.c.errorf(s.Pos, s.Path, "fix the constant", "type mismatch: %v", err)
		}
	}
}

func (cc *compiler) column(name string, pos Pos, path string) int {
	if cc.header == nil {
		return -2 // resolved by name on each row
	}
	i, ok := cc.header.Index(name)
	if !ok {
		hint := didYouMean(name, cc.header.Names())
		if hint == "" {
			hint = "columns: " + shortList(cc.header.Names(), 12)
		}
		cc.c.errorf(pos, path, hint, "column %q is not in the input", name)
		return -1
	}
	return i
}

func shortList(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", … (%d more)", len(names)-n)
}

func (cc *compiler) matches(cr *crec, r *RecordSpec, path string) {
	specs := r.Match
	if specs == nil {
		switch cr.partyType {
		case "person":
			specs = []MatchSpec{{Kind: MatchEmail}}
		case "organisation":
			specs = []MatchSpec{{Kind: MatchName}}
		}
	}
	for i, ms := range specs {
		mp := fmt.Sprintf("%s.match[%d]", path, i)
		m := cmatch{kind: ms.Kind, field: ms.Field}
		switch ms.Kind {
		case MatchEmail, MatchPhone:
			if cr.entity != EntityParty {
				cc.c.errorf(ms.Pos, mp, "match on name, {field: ...} or {id: ...}", "%s records have no %s", r.Entity, ms.Kind)
			}
		case MatchName:
			if cr.entity == EntityEntry || cr.entity == EntityTask {
				cc.c.errorf(ms.Pos, mp, "notes and tasks are matched by {id: ...} only", "%s records have no name", r.Entity)
			}
		case MatchField:
			if !cr.hasCustom(ms.Field) {
				cc.c.errorf(ms.Pos, mp, "map that custom field under fields.fields so its value is known", "custom field %q is not mapped in this record", ms.Field)
			}
		case MatchID:
			m.src = cc.value(ms.Src, fieldDef{kind: fkText}, "")
		}
		cr.match = append(cr.match, m)
	}
}

func (cr *crec) hasCustom(name string) bool {
	for _, f := range cr.fields {
		for _, c := range f.custom {
			if strings.EqualFold(c.name, name) {
				return true
			}
		}
	}
	return false
}

func hasJoinStep(s *Spec) bool {
	for _, t := range s.Transforms {
		if t.Name == "join" {
			return true
		}
	}
	return false
}

// pipelineColumn reports whether a pipeline setting is a "{Column}"
// placeholder and returns the column name.
func pipelineColumn(p string) (string, bool) {
	if len(p) > 2 && p[0] == '{' && p[len(p)-1] == '}' {
		return strings.TrimSpace(p[1 : len(p)-1]), true
	}
	return "", false
}
