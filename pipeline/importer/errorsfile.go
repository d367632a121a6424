package importer

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// DefaultErrorsPath is <dir>/<name>.errors.<ext> beside input.
func DefaultErrorsPath(input string) string {
	ext := filepath.Ext(input)
	base := strings.TrimSuffix(input, ext)
	if ext == ".gz" {
		ext = filepath.Ext(base) + ext
		base = strings.TrimSuffix(input, ext)
	}
	return base + ".errors" + ext
}

// rowReject is why a row is in the errors file.
type rowReject struct{ field, reason string }

// rejectedRows collects, per input, the rows with a rejected or failed op.
func rejectedRows(ops []*planOp) map[*input]map[int]rowReject {
	out := map[*input]map[int]rowReject{}
	for _, o := range ops {
		dep := o.failedDep()
		if o.action != journal.Reject && o.state != journal.Failed && dep == nil {
			continue
		}
		m := out[o.in]
		if m == nil {
			m = map[int]rowReject{}
			out[o.in] = m
		}
		reason := firstNonEmpty(o.message, o.reason)
		if dep != nil {
			reason = fmt.Sprintf("same record as row %d, which failed: %s", dep.row, firstNonEmpty(dep.message, dep.reason))
		}
		if !o.rowErr {
			reason = o.record + ": " + reason
		}
		r := m[o.row]
		if r.reason == "" {
			r = rowReject{field: o.field, reason: reason}
		} else if !strings.Contains(r.reason, reason) {
			r.reason += "; " + reason
		}
		m[o.row] = r
	}
	return out
}

// writeErrors writes the rejected rows of in to path in the input's format
// and columns, plus _file, _sheet, _row, _field and _reason, by reading
// the input again (rows are not kept in memory). Columns of an errors file
// being re-imported are replaced, so _file and _row keep naming the
// original row.
func writeErrors(path string, in *input, rows map[int]rowReject, noGuard bool) error {
	r, err := files.Open(in.path, in.srcOpts)
	if err != nil {
		return err
	}
	defer r.Close()
	var keep []int
	for i, n := range in.header {
		if !isExtra(n) {
			keep = append(keep, i)
		}
	}
	header := make([]string, 0, len(keep)+len(extraCols))
	for _, i := range keep {
		header = append(header, in.header[i])
	}
	header = append(header, extraCols...)
	w, err := files.Create(path, header, files.WriteOptions{Overwrite: true, Sheet: in.sheet, Delimiter: in.delim, BOM: in.bom,
		NoFormulaGuard: noGuard && files.FormatOf(path) == "csv"})
	if err != nil {
		return fmt.Errorf("creating the errors file %s: %w (choose another with --errors)", path, err)
	}
	vals := make([]formats.Value, len(header))
	for rec, err := range formats.Records(r) {
		if err != nil {
			abort(w)
			return err
		}
		rj, ok := rows[rec.Pos.Row]
		if !ok {
			continue
		}
		vals = vals[:0]
		for _, i := range keep {
			if i < len(rec.Values) {
				vals = append(vals, rec.Values[i])
			} else {
				vals = append(vals, formats.Value{})
			}
		}
		file, sheet, row := filepath.Base(in.path), in.sheet, strconv.Itoa(rec.Pos.Row)
		if in.origFile >= 0 && in.origRow >= 0 {
			if f := rec.Values[in.origFile].String(); f != "" {
				file = f
				row = strings.TrimSuffix(rec.Values[in.origRow].String(), ".0")
				if si, ok := indexOf(in.header, colSheet); ok {
					sheet = rec.Values[si].String()
				}
			}
		}
		vals = append(vals, formats.StringValue(file), formats.StringValue(sheet), formats.StringValue(row),
			formats.StringValue(rj.field), formats.StringValue(rj.reason))
		if err := w.Write(vals); err != nil {
			abort(w)
			return err
		}
	}
	return w.Close()
}

func isExtra(name string) bool {
	for _, c := range extraCols {
		if strings.EqualFold(strings.TrimSpace(name), c) {
			return true
		}
	}
	return false
}

func indexOf(l []string, s string) (int, bool) {
	for i, x := range l {
		if strings.EqualFold(x, s) {
			return i, true
		}
	}
	return 0, false
}

func abort(w formats.Writer) {
	if a, ok := w.(formats.Aborter); ok {
		a.Abort()
		return
	}
	w.Close()
}

// rejectedRowSet is the set of input rows with a rejected op.
func rejectedRowSet(ops []*planOp) map[[2]any]bool {
	out := map[[2]any]bool{}
	for _, o := range ops {
		if o.action == journal.Reject {
			out[[2]any{o.in, o.row}] = true
		}
	}
	return out
}
