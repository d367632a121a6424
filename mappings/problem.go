package mappings

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a problem stops the mapping from being used.
type Severity uint8

// Severities: an error makes the mapping invalid; a warning is printed but the
// mapping still runs.
const (
	SeverityError Severity = iota
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Problem is one thing wrong with a mapping, located in the YAML file.
type Problem struct {
	File     string
	Line     int // 1-based; 0 when the problem is about the whole file
	Column   int // 1-based
	Path     string
	Message  string
	Hint     string
	Severity Severity
}

// Error renders "file:line:col: path: message (hint)".
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
	}
	b.WriteString(": ")
	if p.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Hint != "" {
		fmt.Fprintf(&b, " (%s)", p.Hint)
	}
	return b.String()
}

// Problems is every problem found in one pass, in file order.
type Problems []Problem

// HasErrors reports whether any problem is an error rather than a warning.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Err returns the problems as an error when at least one is an error, else nil.
func (ps Problems) Err() error {
	if ps.HasErrors() {
		return ps
	}
	return nil
}

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "\n")
}

func (ps Problems) sorted() Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Column < ps[j].Column
	})
	return ps
}

// Pos is a place in the mapping file.
type Pos struct{ Line, Column int }

// problems collects problems for one file.
type problems struct {
	file string
	list Problems
}

func (c *problems) errorf(pos Pos, path, hint, format string, args ...any) {
	c.list = append(c.list, Problem{File: c.file, Line: pos.Line, Column: pos.Column, Path: path,
		Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (c *problems) warnf(pos Pos, path, hint, format string, args ...any) {
	c.list = append(c.list, Problem{File: c.file, Line: pos.Line, Column: pos.Column, Path: path,
		Message: fmt.Sprintf(format, args...), Hint: hint, Severity: SeverityWarning})
}

// didYouMean suggests the closest candidate within a small edit distance.
func didYouMean(got string, candidates []string) string {
	best := closestWord(got, candidates)
	if best == "" {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", best)
}

// closestWord is the candidate nearest to got, "" when none is near enough
// to be a typo of it.
func closestWord(got string, candidates []string) string {
	best, bestD := "", 1<<30
	g := strings.ToLower(got)
	for _, c := range candidates {
		d := levenshtein(g, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(got)/3)
	if best == "" || bestD > limit {
		return ""
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Merge combines the problems of Parse and Compile in file order, dropping
// duplicates (Compile may restate what Parse already found).
func Merge(a, b Problems) Problems {
	out := append(Problems{}, a...)
	seen := map[string]bool{}
	for _, p := range a {
		seen[p.Error()] = true
	}
	for _, p := range b {
		if !seen[p.Error()] {
			seen[p.Error()] = true
			out = append(out, p)
		}
	}
	return out.sorted()
}
