package importer

import (
	"fmt"
	"io"
	"strconv"

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
