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
	return envRef.ReplaceAllStringFunc(n.str, func(m string) string {
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
		return v
	})
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
	cat := catalog[catalogKey(r.Entity)]
	for i, fk := range f.keys {
		fpath := path + ".fields." + fk.str
		def, ok := cat[fk.str]
		if cat != nil && !ok {
			hint := didYouMean(fk.str, sortedKeys(cat))
			if hint == "" {
				hint = "fields of " + r.Entity + ": " + strings.Join(sortedKeys(cat), ", ")
			}
			p.c.errorf(fk.pos, fpath, hint, "%s has no field %q", r.Entity, fk.str)
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

// spec reads a value source: a bare string is a column name, an object says more.
func (p *mparser) spec(n *node, path string) *Spec {
	s := &Spec{Pos: n.pos, Path: path}
	switch n.kind {
	case nodeScalar:
		s.Column = p.str(n, path)
		if s.Column == "" {
			p.c.errorf(n.pos, path, "name a column, or write {value: ...} for a constant", "empty column name")
		}
		return s
	case nodeNull:
		p.c.errorf(n.pos, path, "name a column, or remove the key", "no value given")
		return s
	case nodeSeq:
		p.c.errorf(n.pos, path, "name one column here; lists are for emails, phones, addresses, websites and tags", "expected a column or a source object, found a list")
		return s
	}
	p.keys(n, path, specKeys)
	sources := 0
	for i, k := range n.keys {
		v, kp := n.vals[i], path+"."+k.str
		switch k.str {
		case "column":
			s.Column, sources = p.str(v, kp), sources+1
		case "index":
			s.Index, sources = p.posInt(v, kp), sources+1
		case "value":
			s.HasConst, s.Const, sources = true, p.str(v, kp), sources+1
		case "expr":
			s.Expr, s.exprPos, s.exprQuoted, sources = p.raw(v, kp), v.pos, v.quoted, sources+1
		case "template":
			s.Template, sources = p.raw(v, kp), sources+1
		case "record":
			s.Record, sources = p.str(v, kp), sources+1
		case "transform":
			s.Transforms = p.transforms(v, kp)
		case "type":
			s.Type = p.oneOf(v, kp, valueTypes)
		case "locale":
			s.Locale = p.oneOf(v, kp, localeNames())
		case "format":
			if v.kind == nodeSeq {
				for j, it := range v.items {
					s.Formats = append(s.Formats, p.str(it, fmt.Sprintf("%s[%d]", kp, j)))
					p.checkLayout(it.pos, kp, s.Formats[len(s.Formats)-1])
				}
			} else {
				s.Formats = []string{p.str(v, kp)}
				p.checkLayout(v.pos, kp, s.Formats[0])
			}
		case "region":
			s.Region = strings.ToUpper(p.str(v, kp))
			if !validRegion(s.Region) {
				p.c.errorf(v.pos, kp, "a two-letter ISO country code such as GB, US, DE", "unknown phone region %q", s.Region)
			}
		case "default":
			d := p.str(v, kp)
			s.Default = &d
		case "map":
			p.lookupTable(v, kp, s)
		case "reject_unmapped":
			s.RejectUnmapped = p.boolean(v, kp)
		case "split":
			s.Split = p.str(v, kp)
		case "join":
			s.Join = p.str(v, kp)
		case "pipeline":
			s.Pipeline = p.str(v, kp)
		case "reverse":
			s.Reverse = p.reverse(v, kp)
		}
	}
	if sources == 0 {
		p.c.errorf(n.pos, path, "add one of column, index, value, expr, template or record", "no source for this value")
	} else if sources > 1 {
		p.c.errorf(n.pos, path, "keep exactly one of column, index, value, expr, template, record", "more than one source for this value")
	}
	if s.Other != nil && s.RejectUnmapped {
		p.c.errorf(n.pos, path+".reject_unmapped", "remove _other or reject_unmapped", "a lookup table cannot both fall back and reject unmapped values")
	}
	return s
}

func (p *mparser) boolean(n *node, path string) bool {
	switch strings.ToLower(p.str(n, path)) {
	case "true", "yes":
		return true
	case "false", "no":
		return false
	}
	p.c.errorf(n.pos, path, "write true or false", "expected true or false")
	return false
}

func (p *mparser) lookupTable(n *node, path string, s *Spec) {
	if !p.want(n, nodeMap, path, "a lookup table is `{In File: In Capsule, _other: Fallback}`") {
		return
	}
	for i, k := range n.keys {
		to := p.str(n.vals[i], path+"."+k.str)
		if k.str == "_other" {
			s.Other = &to
			continue
		}
		s.Map = append(s.Map, MapEntry{From: k.str, To: to})
	}
}

func (p *mparser) reverse(n *node, path string) *ReverseSpec {
	r := &ReverseSpec{Pos: n.pos}
	if n.kind == nodeScalar {
		r.Column = p.str(n, path)
		return r
	}
	if !p.want(n, nodeMap, path, "`reverse: Column` or `reverse: {column: C, expr: \"...\"}`") {
		return r
	}
	p.keys(n, path, reverseKeys)
	if v := n.get("column"); v != nil {
		r.Column = p.str(v, path+".column")
	} else {
		p.c.errorf(n.pos, path, "add `column:`", "reverse needs the export column")
	}
	if v := n.get("expr"); v != nil {
		r.Expr = p.raw(v, path+".expr")
	}
	return r
}

func (p *mparser) transforms(n *node, path string) []TransformSpec {
	items := []*node{n}
	if n.kind == nodeSeq {
		items = n.items
	}
	var out []TransformSpec
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", path, i)
		t := TransformSpec{Pos: it.pos}
		switch it.kind {
		case nodeScalar:
			t.Name = it.str
		case nodeMap:
			if len(it.keys) != 1 {
				p.c.errorf(it.pos, ip, "write each step as its own list item", "a transform step has one name")
				continue
			}
			t.Name = it.keys[0].str
			a := it.vals[0]
			switch a.kind {
			case nodeSeq:
				for j, x := range a.items {
					t.Args = append(t.Args, p.str(x, fmt.Sprintf("%s.%s[%d]", ip, t.Name, j)))
				}
			case nodeMap:
				for j, ak := range a.keys {
					t.Args = append(t.Args, ak.str, p.str(a.vals[j], ip+"."+ak.str))
				}
			default:
				t.Args = []string{p.str(a, ip+"."+t.Name)}
			}
		default:
			p.c.errorf(it.pos, ip, "", "expected a transform name")
			continue
		}
		spec, ok := transformSpecs[t.Name]
		if !ok {
			hint := didYouMean(t.Name, sortedKeys(transformSpecs))
			if hint == "" {
				hint = "known: " + strings.Join(sortedKeys(transformSpecs), ", ")
			}
			p.c.errorf(it.pos, ip, hint, "unknown transform %q", t.Name)
			continue
		}
		if len(t.Args) < spec.minArgs || len(t.Args) > spec.maxArgs {
			p.c.errorf(it.pos, ip, spec.usage, "wrong arguments for %s", t.Name)
			continue
		}
		if t.Name == "regex" {
			if _, err := regexp.Compile(t.Args[0]); err != nil {
				p.c.errorf(it.pos, ip, "Go regular expression syntax (RE2)", "bad pattern: %v", err)
			}
		}
		out = append(out, t)
	}
	return out
}

var secretKey = regexp.MustCompile(`(?i)^(token|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|password|passwd|secret|client[_-]?secret|bearer|authorization)$`)

func secretName(name string) bool {
	u := strings.ToUpper(name)
	return strings.Contains(u, "TOKEN") || strings.Contains(u, "SECRET") || strings.Contains(u, "PASSWORD") || strings.HasSuffix(u, "API_KEY")
}

// tokenLike catches pasted credentials: a long unbroken run of letters and
// digits mixing both, as personal access tokens are.
var tokenLike = regexp.MustCompile(`^[A-Za-z0-9+/_\-=.]{32,}$`)

func looksLikeToken(s string) bool {
	if !tokenLike.MatchString(s) || strings.Contains(s, "/") && strings.Count(s, "/") > 3 {
		return false
	}
	var letters, digits bool
	for _, r := range s {
		letters = letters || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		digits = digits || (r >= '0' && r <= '9')
	}
	return letters && digits
}

// checkSecrets refuses anything that looks like a credential: mappings are
// shared and committed, tokens never belong in them.
func (p *mparser) checkSecrets(n *node, path string) {
	const hint = "set CAPSULE_TOKEN in the environment instead; never put a token in a mapping"
	switch n.kind {
	case nodeMap:
		for i, k := range n.keys {
			kp := join(path, k.str)
			if secretKey.MatchString(k.str) {
				p.c.errorf(k.pos, kp, hint, "mappings must not hold credentials (key %q)", k.str)
				continue
			}
			p.checkSecrets(n.vals[i], kp)
		}
	case nodeSeq:
		for i, it := range n.items {
			p.checkSecrets(it, fmt.Sprintf("%s[%d]", path, i))
		}
	case nodeScalar:
		if looksLikeToken(n.str) {
			p.c.errorf(n.pos, path, hint, "this value looks like an access token")
		}
	}
}

// constOrSpec reads a value where Capsule has a fixed vocabulary (an email's
// type, a website's service, a currency): a bare word from that vocabulary is
// the value itself, anything else is a column as usual.
func (p *mparser) constOrSpec(n *node, path string, vocab []string) *Spec {
	if n.kind == nodeScalar {
		for _, w := range vocab {
			if strings.EqualFold(w, n.str) {
				return &Spec{Pos: n.pos, Path: path, HasConst: true, Const: w}
			}
		}
	}
	return p.spec(n, path)
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
