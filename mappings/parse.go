package mappings

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// ParseOption configures Parse.
type ParseOption func(*parseConfig)

type parseConfig struct {
	lookupEnv func(string) (string, bool)
}

// WithEnv sets how ${NAME} is resolved (default os.LookupEnv); tests pass a map.
func WithEnv(lookup func(string) (string, bool)) ParseOption {
	return func(c *parseConfig) { c.lookupEnv = lookup }
}

// Parse reads a mapping and reports every YAML and structure problem at once.
// The Mapping is returned even when there are problems, as far as it could
// be read, so tools can still show it.
func Parse(src []byte, filename string, opts ...ParseOption) (*Mapping, Problems) {
	cfg := parseConfig{lookupEnv: os.LookupEnv}
	for _, o := range opts {
		o(&cfg)
	}
	p := &mparser{c: &problems{file: filename}, env: cfg.lookupEnv}
	m := &Mapping{File: filename}
	root := parseYAML(src, p.c)
	if root != nil {
		p.checkSecrets(root, "")
		p.top(root, m)
	}
	return m, p.c.list.sorted()
}

type mparser struct {
	c   *problems
	env func(string) (string, bool)
}

// keys reports unknown keys of a map node, with a did-you-mean.
func (p *mparser) keys(n *node, path string, allowed []string) {
	for _, k := range n.keys {
		if !contains(allowed, k.str) {
			hint := didYouMean(k.str, allowed)
			if hint == "" {
				hint = "allowed: " + strings.Join(allowed, ", ")
			}
			p.c.errorf(k.pos, join(path, k.str), hint, "unknown key %q", k.str)
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (p *mparser) want(n *node, kind nodeKind, path, hint string) bool {
	if n.kind == kind {
		return true
	}
	p.c.errorf(n.pos, path, hint, "expected %s, found %s", kind, n.kind)
	return false
}

var envRef = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// str reads a scalar and resolves ${NAME} from the environment ($$ is a
// literal dollar). Secret-looking variables are refused: credentials belong
// in CAPSULE_TOKEN, read by the tool, never copied into a mapping.
func (p *mparser) str(n *node, path string) string {
	if n.kind != nodeScalar {
		p.c.errorf(n.pos, path, "write a single value", "expected a single value, found %s", n.kind)
		return ""
	}
	if !strings.Contains(n.str, "$") {
		return n.str
	}
	refused := false
	out := envRef.ReplaceAllStringFunc(n.str, func(m string) string {
		if m == "$$" {
			return "$"
		}
		name := m[2 : len(m)-1]
		if secretName(name) {
			p.c.errorf(n.pos, path, "credentials are read from CAPSULE_TOKEN by the tool, never from the mapping", "${%s} looks like a secret", name)
			return ""
		}
		v, ok := p.env(name)
		if !ok {
			p.c.errorf(n.pos, path, "set it in the environment, or write $$ for a literal dollar", "environment variable %s is not set", name)
		}
		// The name need not say "token" for the value to be one: refuse
		// it here, and drop the whole value so no later message echoes it.
		if looksLikeToken(strings.TrimSpace(v)) {
			p.c.errorf(n.pos, path, "credentials are read from CAPSULE_TOKEN by the tool, never from the mapping", "${%s} holds a value that looks like an access token", name)
			refused = true
			return ""
		}
		return v
	})
	if refused {
		return ""
	}
	return out
}

// raw reads a scalar without interpolation (expressions and templates).
func (p *mparser) raw(n *node, path string) string {
	if n.kind != nodeScalar {
		p.c.errorf(n.pos, path, "write it as one quoted line", "expected a single value, found %s", n.kind)
		return ""
	}
	return n.str
}

func (p *mparser) oneOf(n *node, path string, allowed []string) string {
	s := p.str(n, path)
	if s != "" && !contains(allowed, s) {
		hint := didYouMean(s, allowed)
		if hint == "" {
			hint = "one of: " + strings.Join(allowed, ", ")
		}
		p.c.errorf(n.pos, path, hint, "%q is not allowed here", s)
	}
	return s
}

func (p *mparser) top(n *node, m *Mapping) {
	if !p.want(n, nodeMap, "", "a mapping starts with `version: 1` and `records:`") {
		return
	}
	p.keys(n, "", topKeys)
	if v := n.get("version"); v != nil {
		s := p.str(v, "version")
		if s != "1" {
			p.c.errorf(v.pos, "version", "this tool reads version 1", "unsupported version %q", s)
		}
		m.Version = 1
	} else {
		p.c.errorf(n.pos, "version", "add `version: 1` at the top", "missing version")
	}
	if s := n.get("source"); s != nil {
		p.source(s, &m.Source)
	}
	if d := n.get("defaults"); d != nil {
		p.defaults(d, &m.Defaults)
	}
	recs := n.get("records")
	if recs == nil {
		p.c.errorf(n.pos, "records", "add `records:` with at least one named record", "missing records")
		return
	}
	if !p.want(recs, nodeMap, "records", "records are named: `records: {person: {entity: person, ...}}`") {
		return
	}
	for i, k := range recs.keys {
		m.Records = append(m.Records, p.record(k, recs.vals[i]))
	}
	if len(m.Records) == 0 {
		p.c.errorf(recs.pos, "records", "add at least one record", "no records")
	}
}

func (p *mparser) source(n *node, s *SourceOptions) {
	if !p.want(n, nodeMap, "source", "") {
		return
	}
	p.keys(n, "source", sourceKeys)
	if c := n.get("csv"); c != nil && p.want(c, nodeMap, "source.csv", "") {
		p.keys(c, "source.csv", csvKeys)
		if d := c.get("delimiter"); d != nil {
			s.Delimiter = p.str(d, "source.csv.delimiter")
			if len([]rune(s.Delimiter)) != 1 {
				p.c.errorf(d.pos, "source.csv.delimiter", `for a tab write "\t" in double quotes`, "the delimiter must be one character, found %q", s.Delimiter)
			}
		}
		if e := c.get("encoding"); e != nil {
			s.Encoding = p.str(e, "source.csv.encoding")
		}
	}
	if v := n.get("sheet"); v != nil {
		s.Sheet = p.str(v, "source.sheet")
	}
	if v := n.get("header_row"); v != nil {
		s.HeaderRow = p.posInt(v, "source.header_row")
	}
	if v := n.get("key"); v != nil {
		s.Key = p.spec(v, "source.key")
	}
}

func (p *mparser) posInt(n *node, path string) int {
	s := p.str(n, path)
	i, err := strconv.Atoi(s)
	if err != nil || i < 1 {
		p.c.errorf(n.pos, path, "write a whole number from 1", "%q is not a positive whole number", s)
		return 0
	}
	return i
}

func (p *mparser) defaults(n *node, d *Defaults) {
	if !p.want(n, nodeMap, "defaults", "") {
		return
	}
	d.Pos = n.pos
	p.keys(n, "defaults", defaultsKeys)
	for i, k := range n.keys {
		v, path := n.vals[i], "defaults."+k.str
		switch k.str {
		case "phone_region":
			d.PhoneRegion = strings.ToUpper(p.str(v, path))
			if !validRegion(d.PhoneRegion) {
				p.c.errorf(v.pos, path, "a two-letter ISO country code such as GB, US, DE", "unknown phone region %q", d.PhoneRegion)
			}
		case "phone_region_guessed":
			d.PhoneRegionGuessed = p.boolean(v, path)
		case "duplicates":
			d.Duplicates = p.oneOf(v, path, dupModes)
		case "date_format":
			d.DateFormat = p.str(v, path)
			p.checkLayout(v.pos, path, d.DateFormat)
		case "locale":
			d.Locale = p.oneOf(v, path, localeNames())
		case "currency":
			d.Currency = p.str(v, path)
		case "on_match":
			d.OnMatch = p.oneOf(v, path, onMatchVals)
		case "on_no_match":
			d.OnNoMatch = p.oneOf(v, path, onNoMatch)
		case "lists":
			d.Lists = p.oneOf(v, path, listModes)
		}
	}
}

var recordName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func (p *mparser) record(k, n *node) *RecordSpec {
	r := &RecordSpec{Name: k.str, Pos: k.pos}
	path := "records." + k.str
	if !recordName.MatchString(k.str) {
		p.c.errorf(k.pos, path, "use letters, digits, _ or -, starting with a letter", "record name %q is not a simple name", k.str)
	}
	if !p.want(n, nodeMap, path, "a record has `entity:` and `fields:`") {
		return r
	}
	p.keys(n, path, recordKeys)
	ev := n.get("entity")
	if ev == nil {
		p.c.errorf(n.pos, path+".entity", "one of: person, organisation, opportunity, project, note, task", "missing entity")
	} else {
		r.EntityPos = ev.pos
		r.Entity = p.oneOf(ev, path+".entity", sortedKeys(entityNames))
	}
	if w := n.get("when"); w != nil {
		r.When = &Spec{Pos: w.pos, Path: path + ".when", Expr: p.raw(w, path+".when"), exprPos: w.pos, exprQuoted: w.quoted}
	}
	if mt := n.get("match"); mt != nil {
		r.Match = p.match(mt, path+".match")
	}
	if v := n.get("on_match"); v != nil {
		r.OnMatch = p.oneOf(v, path+".on_match", onMatchVals)
	}
	if v := n.get("on_no_match"); v != nil {
		r.OnNoMatch = p.oneOf(v, path+".on_no_match", onNoMatch)
	}
	if v := n.get("duplicates"); v != nil {
		r.Duplicates = p.oneOf(v, path+".duplicates", dupModes)
	}
	r.Lists = map[string]string{}
	if v := n.get("lists"); v != nil {
		if v.kind == nodeMap {
			for i, lk := range v.keys {
				lp := path + ".lists." + lk.str
				if !contains(listFieldNames(), lk.str) {
					p.c.errorf(lk.pos, lp, didYouMean(lk.str, listFieldNames()), "%q is not a list field", lk.str)
				}
				r.Lists[lk.str] = p.oneOf(v.vals[i], lp, listModes)
			}
		} else {
			r.Lists[""] = p.oneOf(v, path+".lists", listModes)
		}
	}
	f := n.get("fields")
	if f == nil {
		p.c.errorf(n.pos, path+".fields", "add `fields:` naming Capsule fields and their columns", "missing fields")
		return r
	}
	if !p.want(f, nodeMap, path+".fields", "fields are `capsuleField: Column Name`") {
		return r
	}
	ename, cat := r.Entity, catalog[catalogKey(r.Entity)]
	if cat == nil {
		// The entity is already reported. Check the fields as those of the
		// entity it is a typo of, else not at all: read as another
		// entity's they would only give misleading errors.
		ename = closestWord(r.Entity, sortedKeys(entityNames))
		if cat = catalog[catalogKey(ename)]; cat == nil {
			return r
		}
	}
	for i, fk := range f.keys {
		fpath := path + ".fields." + fk.str
		def, ok := cat[fk.str]
		if cat != nil && !ok {
			hint := didYouMean(fk.str, sortedKeys(cat))
			if hint == "" {
				hint = "fields of " + ename + ": " + strings.Join(sortedKeys(cat), ", ")
			}
			p.c.errorf(fk.pos, fpath, hint, "%s has no field %q", ename, fk.str)
			continue
		}
		r.Fields = append(r.Fields, p.field(fk, f.vals[i], fpath, def))
	}
	return r
}

func listFieldNames() []string { return append(sortedKeys(listItems), "tags", "fields") }

func (p *mparser) match(n *node, path string) []MatchSpec {
	items := []*node{n}
	if n.kind == nodeSeq {
		items = n.items
	}
	var out []MatchSpec
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", path, i)
		switch it.kind {
		case nodeScalar:
			w := p.oneOf(it, ip, append(append([]string{}, matchWords...), "id"))
			if w == "id" {
				p.c.errorf(it.pos, ip, "write `{id: Capsule ID}` naming the column that holds the id", "matching on id needs the column holding it")
				continue
			}
			out = append(out, MatchSpec{Kind: MatchKind(w), Pos: it.pos})
		case nodeMap:
			p.keys(it, ip, matchObjKeys)
			if f := it.get("field"); f != nil {
				out = append(out, MatchSpec{Kind: MatchField, Field: p.str(f, ip+".field"), Pos: f.pos})
			}
			if f := it.get("id"); f != nil {
				out = append(out, MatchSpec{Kind: MatchID, Src: p.spec(f, ip+".id"), Pos: f.pos})
			}
		default:
			p.c.errorf(it.pos, ip, "email, phone, name, {field: Name} or {id: Column}", "expected a match key, found %s", it.kind)
		}
	}
	return out
}

func (p *mparser) field(k, n *node, path string, def fieldDef) *FieldSpec {
	f := &FieldSpec{Name: k.str, Pos: k.pos, Path: path}
	switch def.kind {
	case fkList:
		p.listField(f, n)
	case fkTags:
		if n.kind == nodeSeq {
			for i, it := range n.items {
				f.Multi = append(f.Multi, p.spec(it, fmt.Sprintf("%s[%d]", path, i)))
			}
		} else {
			f.Multi = []*Spec{p.spec(n, path)}
		}
	case fkCustom:
		if p.want(n, nodeMap, path, "custom fields are `Field Name In Capsule: Column`") {
			for i, ck := range n.keys {
				cp := path + "." + ck.str
				f.Custom = append(f.Custom, &FieldSpec{Name: ck.str, Pos: ck.pos, Path: cp, Value: p.spec(n.vals[i], cp)})
			}
		}
	case fkMoney:
		if n.kind == nodeMap && n.get("amount") != nil {
			p.keys(n, path, moneyKeys)
			for i, sk := range n.keys {
				if contains(moneyKeys, sk.str) {
					var codes []string
					if sk.str == "currency" && isCurrencyCode(n.vals[i].str) {
						codes = []string{n.vals[i].str}
					}
					f.Sub = append(f.Sub, &FieldSpec{Name: sk.str, Pos: sk.pos, Path: path + "." + sk.str, Value: p.constOrSpec(n.vals[i], path+"."+sk.str, codes)})
				}
			}
		} else {
			f.Sub = []*FieldSpec{{Name: "amount", Pos: n.pos, Path: path + ".amount", Value: p.spec(n, path)}}
		}
	default:
		f.Value = p.spec(n, path)
	}
	return f
}

func (p *mparser) listField(f *FieldSpec, n *node) {
	subs := listItems[f.Name]
	items := []*node{n}
	if n.kind == nodeSeq {
		items = n.items
	}
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", f.Path, i)
		var item []*FieldSpec
		if it.kind == nodeScalar {
			item = append(item, &FieldSpec{Name: subs[0], Pos: it.pos, Path: ip, Value: p.spec(it, ip)})
		} else if p.want(it, nodeMap, ip, fmt.Sprintf("each item names its parts: %s", strings.Join(subs, ", "))) {
			p.keys(it, ip, subs)
			for j, sk := range it.keys {
				if contains(subs, sk.str) {
					sp := ip + "." + sk.str
					item = append(item, &FieldSpec{Name: sk.str, Pos: sk.pos, Path: sp, Value: p.constOrSpec(it.vals[j], sp, listItemEnums[f.Name][sk.str])})
				}
			}
			if it.get(subs[0]) == nil && f.Name != "addresses" {
				p.c.errorf(it.pos, ip, fmt.Sprintf("add `%s:`", subs[0]), "item has no %s", subs[0])
			}
		}
		f.Items = append(f.Items, item)
	}
}
