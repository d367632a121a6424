package mappings

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/capsule-etl/capsule-etl/formats"
)

// exprEnv is everything an expression can see: the cells it names (as C[i],
// rewritten from {Column Name}) and the helper functions registered below.
// Nothing else of the process is reachable, which is the sandbox.
type exprEnv struct {
	C []any
}

// rewriteCols replaces {Column Name} with C[i], collecting the names in
// cols. at maps each rune offset of the result back to the source, so expr's
// error positions point into the user's text.
func rewriteCols(src string, cols *[]string) (string, []int, error) {
	var b strings.Builder
	var at []int
	rs := []rune(src)
	inStr := rune(0)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if inStr != 0 {
			if r == '\\' && i+1 < len(rs) {
				b.WriteRune(r)
				at = append(at, i)
				i++
				r = rs[i]
			} else if r == inStr {
				inStr = 0
			}
			b.WriteRune(r)
			at = append(at, i)
			continue
		}
		if r == '"' || r == '\'' || r == '`' {
			inStr = r
		}
		if r != '{' {
			b.WriteRune(r)
			at = append(at, i)
			continue
		}
		end := -1
		for j := i + 1; j < len(rs); j++ {
			if rs[j] == '}' {
				end = j
				break
			}
		}
		if end < 0 {
			return "", nil, fmt.Errorf("column %d: unclosed {", i+1)
		}
		name := strings.TrimSpace(string(rs[i+1 : end]))
		idx := -1
		for k, c := range *cols {
			if c == name {
				idx = k
			}
		}
		if idx < 0 {
			idx = len(*cols)
			*cols = append(*cols, name)
		}
		ref := fmt.Sprintf("C[%d]", idx)
		for range ref {
			at = append(at, i)
		}
		b.WriteString(ref)
		i = end
	}
	at = append(at, len(rs))
	return b.String(), at, nil
}

func exprHelpers() []expr.Option {
	return []expr.Option{
		expr.Function("blank", func(p ...any) (any, error) {
			return p[0] == nil || strings.TrimSpace(fmt.Sprint(p[0])) == "", nil
		}, new(func(any) bool)),
		expr.Function("number", func(p ...any) (any, error) {
			loc := ""
			if len(p) > 1 {
				loc = fmt.Sprint(p[1])
			}
			switch v := p[0].(type) {
			case int:
				return float64(v), nil
			case float64:
				return v, nil
			}
			s, err := parseNumber(fmt.Sprint(p[0]), loc)
			if err != nil {
				return 0.0, err
			}
			var f float64
			_, err = fmt.Sscan(s, &f)
			return f, err
		}, new(func(any) float64), new(func(any, string) float64)),
		expr.Function("email", func(p ...any) (any, error) { return normEmail(fmt.Sprint(p[0])) }, new(func(any) string)),
		expr.Function("phone", func(p ...any) (any, error) { return normPhone(fmt.Sprint(p[0]), fmt.Sprint(p[1])) }, new(func(any, string) string)),
	}
}

// compiledExpr is an expression ready to run per row.
type compiledExpr struct {
	prog *vm.Program
	cols []int // header index of each C[i]; -1 when the column is missing
}

// compileExpr compiles src; errors carry the rune offset in src.
func compileExpr(src string, asBool bool, colIdx func(string) int) (*compiledExpr, []string, error) {
	var names []string
	code, at, err := rewriteCols(src, &names)
	if err != nil {
		return nil, nil, err
	}
	opts := append(exprHelpers(), expr.Env(exprEnv{}))
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	prog, err := expr.Compile(code, opts...)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			from := fe.From
			if from >= len(at) {
				from = len(at) - 1
			}
			return nil, names, &exprError{Offset: at[from], Msg: fe.Message}
		}
		return nil, names, err
	}
	ce := &compiledExpr{prog: prog, cols: make([]int, len(names))}
	for i, n := range names {
		ce.cols[i] = colIdx(n)
	}
	return ce, names, nil
}

type exprError struct {
	Offset int
	Msg    string
}

func (e *exprError) Error() string { return e.Msg }

// cellAny is a cell as an expression sees it. Blank cells are "" so that
// `{X} != ”` reads naturally; decimals become numbers for arithmetic.
func cellAny(v formats.Value) any {
	switch v.Kind() {
	case formats.Null:
		return ""
	case formats.String:
		return v.Text()
	case formats.Int:
		return int(v.Int())
	case formats.Float:
		return v.Float()
	case formats.Decimal:
		var f float64
		if _, err := fmt.Sscan(v.Text(), &f); err == nil {
			return f
		}
		return v.Text()
	case formats.Bool:
		return v.Bool()
	case formats.Date, formats.Timestamp:
		return v.Time()
	}
	return v.Text()
}

// run evaluates against a row using scratch space from sc.
func (ce *compiledExpr) run(rec *formats.Record, sc *scratch) (any, error) {
	env := &sc.env
	env.C = env.C[:0]
	for _, i := range ce.cols {
		if i < 0 || i >= len(rec.Values) {
			env.C = append(env.C, "")
			continue
		}
		env.C = append(env.C, cellAny(rec.Values[i]))
	}
	return sc.vm.Run(ce.prog, *env)
}

// anyText renders an expression result as cell text.
func anyText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case float64:
		return formats.FloatValue(x).Text()
	}
	return fmt.Sprint(v)
}

// scratch is per-goroutine working memory for Eval, pooled by Program.
type scratch struct {
	vm  vm.VM
	env exprEnv
	sb  strings.Builder
	// rowRegion is the region of the record's row from its mapped address
	// country (ISO code, "" when none); rowCountry is that country's name.
	rowRegion, rowCountry string
	warns                 []RowError // warnings of the value being evaluated
}
