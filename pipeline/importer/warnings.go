package importer

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// Warning is something about one row the user should look at, though the
// row is written: a value kept as written because it could not be
// normalised without changing what it means (a phone number that does not
// fit its region), or a row that resolves to the same record as an
// earlier one. Warnings are listed in the plan (PlanLine.Warnings), counted
// and shown in the summaries; they never reject a row.
type Warning struct {
	File    string `json:"file"`
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row"`
	Record  string `json:"record,omitempty"`
	Column  string `json:"column,omitempty"`
	Field   string `json:"field,omitempty"` // the mapping path the warning is about
	Message string `json:"message"`
}

// Text is the warning without its place: `column "Phone": ...`.
func (w Warning) Text() string {
	if w.Column != "" {
		return fmt.Sprintf("column %q: %s", w.Column, w.Message)
	}
	return w.Message
}

func (w Warning) String() string {
	s := w.File
	if w.Sheet != "" {
		s += " sheet " + strconv.Quote(w.Sheet)
	}
	s += " row " + strconv.Itoa(w.Row)
	if w.Record != "" {
		s += " " + w.Record
	}
	return s + ": " + w.Text()
}

// warn adds a warning to o.
func (o *planOp) warn(column, field, format string, args ...any) {
	o.warnings = append(o.warnings, Warning{File: o.in.name, Sheet: o.in.sheet, Row: o.row, Record: o.record,
		Column: column, Field: field, Message: fmt.Sprintf(format, args...)})
}

// takeWarnings copies what the mapping found about the op's values.
func (o *planOp) takeWarnings(ws []mappings.RowError) {
	for _, w := range ws {
		o.warn(w.Column, w.Field, "%s", w.Message)
	}
}

// collectWarnings lists the warnings of the ops that are written (a
// rejected row's warnings are moot) and counts the rows they are on.
func collectWarnings(ops []*planOp) (out []Warning, rows int) {
	seen := map[[2]any]bool{}
	for _, o := range ops {
		if len(o.warnings) == 0 || o.action == journal.Reject {
			continue
		}
		out = append(out, o.warnings...)
		if k := [2]any{o.in, o.row}; !seen[k] {
			seen[k] = true
			rows++
		}
	}
	return out, rows
}

// maxListedWarnings bounds the warnings printed in a summary; the plan
// file lists every one.
const maxListedWarnings = 10

func writeWarnings(w io.Writer, ws []Warning, rows int) {
	if len(ws) == 0 {
		return
	}
	fmt.Fprintf(w, "  warnings: %s on %s, written as shown; check them:\n", plural(len(ws), "warning"), plural(rows, "row"))
	for i, x := range ws {
		if i == maxListedWarnings {
			fmt.Fprintf(w, "    … and %d more (all of them are in the plan: --plan FILE)\n", len(ws)-i)
			break
		}
		fmt.Fprintf(w, "    %s\n", x)
	}
}

// ReasonGroup is one reason rows were rejected for, with the rows
// (of File) that have it, in order.
type ReasonGroup struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	Rows   []int  `json:"rows"`
}

// groupRejections groups the rejected rows by file and reason, the most
// frequent reason first.
func groupRejections(ops []*planOp) []ReasonGroup {
	var out []ReasonGroup
	at := map[[2]string]int{}
	rej := rejectedRows(ops)
	var ins []*input
	for in := range rej {
		ins = append(ins, in)
	}
	sort.Slice(ins, func(a, b int) bool { return ins[a].name < ins[b].name })
	for _, in := range ins {
		rows := make([]int, 0, len(rej[in]))
		for r := range rej[in] {
			rows = append(rows, r)
		}
		sort.Ints(rows)
		for _, r := range rows {
			k := [2]string{in.name, rej[in][r].reason}
			i, ok := at[k]
			if !ok {
				i = len(out)
				at[k] = i
				out = append(out, ReasonGroup{File: in.name, Reason: k[1]})
			}
			out[i].Rows = append(out[i].Rows, r)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return len(out[a].Rows) > len(out[b].Rows) })
	return out
}

// maxListedReasons bounds the reasons printed in a summary and
// maxListedRows the row numbers printed per reason.
const (
	maxListedReasons = 10
	maxListedRows    = 5
)

// writeRejections prints `rejected N rows:` and a line per reason:
// `3 × <reason> (file rows 5, 9, 12)`.
func writeRejections(w io.Writer, gs []ReasonGroup) {
	if len(gs) == 0 {
		return
	}
	n := 0
	for _, g := range gs {
		n += len(g.Rows)
	}
	fmt.Fprintf(w, "  rejected %s, by reason:\n", plural(n, "row"))
	for i, g := range gs {
		if i == maxListedReasons {
			fmt.Fprintf(w, "    … and %d more reasons (every row is in the errors file and the plan)\n", len(gs)-i)
			break
		}
		fmt.Fprintf(w, "    %d × %s (%s %s)\n", len(g.Rows), g.Reason, filepath.Base(g.File), rowList(g.Rows))
	}
}

func rowList(rows []int) string {
	s := make([]string, 0, maxListedRows)
	for i, r := range rows {
		if i == maxListedRows {
			s = append(s, "…")
			break
		}
		s = append(s, strconv.Itoa(r))
	}
	word := "row "
	if len(rows) > 1 {
		word = "rows "
	}
	return word + strings.Join(s, ", ")
}
