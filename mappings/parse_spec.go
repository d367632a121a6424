package mappings

import (
	"fmt"
	"regexp"
	"strings"
)

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
		case "id":
			s.ID = p.str(v, kp)
			if s.ID == "" {
				p.c.errorf(v.pos, kp, "name the column holding the linked record's Capsule id", "empty id column")
			}
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
