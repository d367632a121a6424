package mappings

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// node is a position-carrying YAML tree, simpler than goccy's AST: maps keep
// their key order (field order matters for export columns) and every node
// knows where it starts, so each problem can name a line and column.
type node struct {
	kind   nodeKind
	pos    Pos
	str    string // scalar text (keys are scalars too)
	quoted bool
	keys   []*node // map keys, in file order
	vals   []*node // map values, parallel to keys
	items  []*node // sequence entries
}

type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeScalar
	nodeMap
	nodeSeq
)

func (k nodeKind) String() string {
	return [...]string{"nothing", "a single value", "a set of keys", "a list"}[k]
}

// get returns the value of key k in a map node.
func (n *node) get(k string) *node {
	if n == nil || n.kind != nodeMap {
		return nil
	}
	for i, key := range n.keys {
		if key.str == k {
			return n.vals[i]
		}
	}
	return nil
}

// parseYAML turns bytes into the node tree; syntax errors come back as one
// positioned problem.
func parseYAML(src []byte, c *problems) *node {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		var se *yaml.SyntaxError
		pos := Pos{1, 1}
		msg := err.Error()
		if errors.As(err, &se) {
			msg = se.Message
			if se.Token != nil && se.Token.Position != nil {
				pos = Pos{se.Token.Position.Line, se.Token.Position.Column}
			}
		}
		c.errorf(pos, "", syntaxHint(src, pos, msg), "YAML syntax error: %s", msg)
		return nil
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		c.errorf(Pos{1, 1}, "", "start from `capsule-etl init INPUT`", "the mapping is empty")
		return nil
	}
	if len(f.Docs) > 1 {
		c.errorf(tokPos(f.Docs[1].GetToken()), "", "keep one mapping per file", "more than one YAML document")
	}
	return convert(f.Docs[0].Body, c, 0)
}

func tokPos(t *token.Token) Pos {
	if t == nil || t.Position == nil {
		return Pos{}
	}
	return Pos{t.Position.Line, t.Position.Column}
}

const maxDepth = 64

func convert(an ast.Node, c *problems, depth int) *node {
	if an == nil {
		return &node{kind: nodeNull}
	}
	pos := tokPos(an.GetToken())
	if depth > maxDepth {
		c.errorf(pos, "", "flatten the mapping", "nesting deeper than %d levels", maxDepth)
		return &node{kind: nodeNull, pos: pos}
	}
	switch n := an.(type) {
	case *ast.DocumentNode:
		return convert(n.Body, c, depth+1)
	case *ast.NullNode:
		return &node{kind: nodeNull, pos: pos}
	case *ast.StringNode:
		t := n.GetToken()
		q := t != nil && (t.Type == token.SingleQuoteType || t.Type == token.DoubleQuoteType)
		return &node{kind: nodeScalar, pos: pos, str: n.Value, quoted: q}
	case *ast.LiteralNode:
		s := ""
		if n.Value != nil {
			s = n.Value.Value
		}
		return &node{kind: nodeScalar, pos: pos, str: s, quoted: true}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return &node{kind: nodeScalar, pos: pos, str: an.GetToken().Value}
	case *ast.AnchorNode:
		return convert(n.Value, c, depth+1)
	case *ast.TagNode:
		return convert(n.Value, c, depth+1)
	case *ast.AliasNode:
		c.errorf(pos, "", "write the value out; aliases make a mapping hard to review", "YAML aliases (*name) are not supported")
		return &node{kind: nodeNull, pos: pos}
	case *ast.MappingNode:
		m := &node{kind: nodeMap, pos: pos}
		for _, mv := range n.Values {
			addPair(m, mv, c, depth)
		}
		if len(n.Values) > 0 && !n.IsFlowStyle {
			m.pos = m.keys[0].pos
		}
		return m
	case *ast.MappingValueNode:
		m := &node{kind: nodeMap}
		addPair(m, n, c, depth)
		m.pos = m.keys[0].pos
		return m
	case *ast.SequenceNode:
		s := &node{kind: nodeSeq, pos: pos}
		for _, v := range n.Values {
			s.items = append(s.items, convert(v, c, depth+1))
		}
		return s
	case *ast.MappingKeyNode:
		return convert(n.Value, c, depth+1)
	}
	c.errorf(pos, "", "", "unsupported YAML construct %s", an.Type())
	return &node{kind: nodeNull, pos: pos}
}

func addPair(m *node, mv *ast.MappingValueNode, c *problems, depth int) {
	k := convert(mv.Key, c, depth+1)
	if k.kind == nodeNull && k.pos == (Pos{}) {
		k.pos = tokPos(mv.GetToken())
	}
	if k.kind != nodeScalar {
		c.errorf(k.pos, "", "keys are plain names", "a key must be a single value, not %s", k.kind)
		k = &node{kind: nodeScalar, pos: k.pos, str: fmt.Sprintf("<%s>", k.kind)}
	}
	for _, prev := range m.keys {
		if prev.str == k.str {
			c.errorf(k.pos, "", fmt.Sprintf("first given at line %d", prev.pos.Line), "key %q given twice", k.str)
		}
	}
	v := convert(mv.Value, c, depth+1)
	if v.kind == nodeNull && v.pos == (Pos{}) {
		v.pos = k.pos
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
}

// syntaxHint says what to change near a YAML syntax error. Tabs get their own
// hint: editors show them as spaces, and YAML refuses them as indentation.
func syntaxHint(src []byte, pos Pos, msg string) string {
	lines := strings.Split(string(src), "\n")
	if pos.Line >= 1 && pos.Line <= len(lines) {
		line := lines[pos.Line-1]
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if strings.Contains(indent, "\t") || strings.Contains(msg, "'\t'") {
			return fmt.Sprintf("line %d is indented with a tab: YAML indentation must be spaces (replace the tab with spaces, as many as the lines around it use)", pos.Line)
		}
	}
	return "check indentation, colons and quotes around this place"
}
