package mappings

import (
	"errors"
	"strings"
)

func (cc *compiler) colIdx(pos Pos, path string) func(string) int {
	return func(name string) int { return cc.column(name, pos, path) }
}

func (cc *compiler) expr(s *Spec, asBool bool) *compiledExpr {
	src := s.Expr
	if strings.TrimSpace(src) == "" {
		cc.c.errorf(s.Pos, s.Path, "write an expression such as \"{Status} == 'Active'\"", "empty expression")
		return nil
	}
	ce, _, err := compileExpr(src, asBool, cc.colIdx(s.exprPos, s.Path))
	if err != nil {
		pos := s.exprPos
		var ee *exprError
		if errors.As(err, &ee) && !strings.Contains(src[:min(len(src), ee.Offset)], "\n") {
			pos.Column += ee.Offset
			if s.exprQuoted {
				pos.Column++
			}
		}
		hint := "{Column Name} reads a cell; strings in single quotes; and/or/not, ==, !=, <, >, +, -"
		if asBool {
			hint = "a condition must give true or false, e.g. \"{Status} != 'Dead'\""
		}
		if strings.Contains(err.Error(), `Operator("=")`) {
			hint = "compare with ==, not ="
		}
		cc.c.errorf(pos, s.Path, hint, "bad expression: %v", firstLine(err.Error()))
		return nil
	}
	return ce
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (cc *compiler) template(s *Spec) []tplPart {
	var parts []tplPart
	rest := s.Template
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			parts = append(parts, tplPart{lit: rest, col: -1})
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			cc.c.errorf(s.Pos, s.Path, "close each {Column Name} with }", "unclosed { in template")
			return nil
		}
		if i > 0 {
			parts = append(parts, tplPart{lit: rest[:i], col: -1})
		}
		name := strings.TrimSpace(rest[i+1 : i+j])
		parts = append(parts, tplPart{name: name, col: cc.column(name, s.Pos, s.Path)})
		rest = rest[i+j+1:]
	}
	return parts
}

// tplPart is literal text or a column of a template.
type tplPart struct {
	lit  string
	col  int
	name string
}
