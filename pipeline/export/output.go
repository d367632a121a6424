package export

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
)

// deletedHeader is the companion file's columns.
var deletedHeader = []string{"Entity", "ID", "Deleted At"}
var deletedKinds = []formats.Kind{formats.String, formats.Int, formats.Timestamp}

// output is where rows go: one file, or one workbook with a sheet per entity.
type output struct {
	wb    *files.Workbook
	w     formats.Writer
	path  string
	opt   files.WriteOptions
	isWB  bool
	began bool
}

func (o *output) sheet(name string, header []string, kinds []formats.Kind) (formats.Writer, error) {
	if o.isWB {
		if o.wb == nil {
			wb, err := files.CreateWorkbook(o.path, files.WriteOptions{Overwrite: o.opt.Overwrite})
			if err != nil {
				return nil, err
			}
			o.wb = wb
		}
		return o.wb.AddSheet(name, header, kinds...)
	}
	opt := o.opt
	opt.ColumnTypes = kinds
	w, err := files.Create(o.path, header, opt)
	o.w = w
	return w, err
}

func (o *output) commit() error {
	if o.wb != nil {
		return o.wb.Close()
	}
	if o.w != nil {
		return o.w.Close()
	}
	return nil
}

func (o *output) abort() {
	if o.wb != nil {
		o.wb.Abort()
	}
	if a, ok := o.w.(formats.Aborter); ok {
		a.Abort()
	}
}

// write produces the output (and the deleted companion) from the spools.
// Both are written under temporary names and renamed at the end, main
// file first; on any error neither appears.
func (x *exporter) write(all []*fetched, me *mappingExport, sum *Summary) (err error) {
	isWB := files.FormatOf(x.opt.Output) == "xlsx"
	// The guard only ever concerns CSV (XLSX strings are not formulas): the
	// option never turns XLSX text into live formulas.
	noGuard := x.opt.NoFormulaGuard && !isWB
	main := &output{path: x.opt.Output, isWB: isWB, opt: files.WriteOptions{Overwrite: x.opt.Overwrite, Stdout: x.opt.Stdout, NoFormulaGuard: noGuard}}
	var del *output
	var delW formats.Writer
	defer func() {
		if err != nil {
			main.abort()
			if del != nil {
				del.abort()
			}
		}
	}()
	if x.reportDeleted() && x.opt.Output != "-" {
		del = &output{path: DeletedPath(x.opt.Output), isWB: isWB, opt: files.WriteOptions{Overwrite: x.opt.Overwrite, NoFormulaGuard: noGuard}}
		if delW, err = del.sheet("deleted", deletedHeader, deletedKinds); err != nil {
			return err
		}
	}
	for _, f := range all {
		n, err := x.writeEntity(main, f, me)
		if err != nil {
			return err
		}
		es := EntitySummary{Entity: f.entity, Written: n, Deleted: len(f.deleted)}
		for _, d := range f.deleted {
			if delW == nil {
				break
			}
			if err := delW.Write([]formats.Value{formats.StringValue(d.Entity), formats.IntValue(d.ID), formats.TimestampValue(d.DeletedAt)}); err != nil {
				return err
			}
		}
		sum.Entities = append(sum.Entities, es)
	}
	if err := main.commit(); err != nil {
		return err
	}
	if del != nil {
		if err := del.commit(); err != nil {
			return err
		}
		sum.DeletedFile = del.path
	}
	return nil
}

// writeEntity writes one entity's sheet (or file) and returns the row count.
func (x *exporter) writeEntity(out *output, f *fetched, me *mappingExport) (int, error) {
	var header []string
	var kinds []formats.Kind
	var l *layout.Layout
	if me != nil {
		header = me.exp.Header.Names()
	} else {
		var err error
		if l, err = layout.New(f.entity, f.counts, f.fields, f.pipelines); err != nil {
			return 0, err
		}
		header, kinds = l.Header(), l.Kinds()
	}
	out.opt.DecimalScale = max(2, f.scale)
	w, err := out.sheet(f.entity, header, kinds)
	if err != nil {
		return 0, err
	}
	if files.FormatOf(out.path) == "parquet" {
		w = &floatColumns{Writer: w, kinds: kinds}
	}
	n := 0
	var cells []formats.Value
	emit := func(rec any) error {
		var err error
		if me != nil {
			cells, err = me.row(rec, f.pipelines)
		} else {
			cells, err = l.Row(rec, cells)
		}
		if err != nil {
			return err
		}
		n++
		return w.Write(cells)
	}
	switch f.entity {
	case layout.Parties:
		// Organisations first, so an import in file order creates each
		// organisation before the people linked to it by name.
		for _, tag := range []byte{tagOrganisation, tagPerson} {
			if me != nil && me.partyType != "" && (me.partyType == capsule.PartyOrganisation) != (tag == tagOrganisation) {
				continue
			}
			if err = replay(f.sp, tag, func(p *capsule.Party) error { return emit(p) }); err != nil {
				break
			}
		}
	case layout.Opportunities:
		err = replay(f.sp, tagAny, func(o *capsule.Opportunity) error { return emit(o) })
	case layout.Kases:
		err = replay(f.sp, tagAny, func(k *capsule.Kase) error { return emit(k) })
	case layout.Entries:
		err = replay(f.sp, tagAny, func(e *capsule.Entry) error { return emit(e) })
	case layout.Tasks:
		err = replay(f.sp, tagAny, func(t *capsule.Task) error { return emit(t) })
	}
	if err != nil {
		return n, fmt.Errorf("writing %s: %w", out.path, err)
	}
	return n, nil
}

// mappingExport is a user mapping's reverse direction.
type mappingExport struct {
	entity    string
	partyType string // person or organisation for party records
	exp       *mappings.Export
	Warnings  mappings.Problems
}

func newMappingExport(p *mappings.Program, record string) (*mappingExport, error) {
	exp, probs := p.Reverse(record)
	if probs.HasErrors() {
		return nil, fmt.Errorf("mapping: %w", probs)
	}
	me := &mappingExport{exp: exp, Warnings: probs}
	for _, r := range p.Mapping().Records {
		if r.Name != exp.Record {
			continue
		}
		word := r.Entity
		if word == "organization" {
			word = capsule.Organisations.Singular
		}
		if k := capsule.KindOf(word); k != nil {
			me.entity, me.partyType = k.Path, k.PartyType
		}
	}
	if me.entity == "" {
		return nil, fmt.Errorf("mapping record %q: no exportable entity", exp.Record)
	}
	return me, nil
}

// row turns a record into cells through the mapping: the reverse direction
// reads records as decoded JSON. An opportunity's milestone gets its
// pipeline's name (pipelines: milestone id -> name), for mappings that read
// the pipeline from a column.
func (me *mappingExport) row(rec any, pipelines map[int64]string) ([]formats.Value, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if ms, ok := m["milestone"].(map[string]any); ok {
		if id, ok := ms["id"].(float64); ok && pipelines[int64(id)] != "" {
			ms["pipeline"] = map[string]any{"name": pipelines[int64(id)]}
		}
	}
	return me.exp.Row(m)
}

// floatColumns hands Parquet a float for the exact decimal text the layout
// keeps in Float columns (custom number fields): CSV and JSONL get the text
// as Capsule stored it, Parquet a double.
type floatColumns struct {
	formats.Writer
	kinds []formats.Kind
}

func (f *floatColumns) Write(values []formats.Value) error {
	for i, v := range values {
		if i < len(f.kinds) && f.kinds[i] == formats.Float && v.Kind() == formats.Decimal {
			x, err := strconv.ParseFloat(v.Text(), 64)
			if err != nil {
				return fmt.Errorf("column %d: %q is not a number: %w", i+1, v.Text(), err)
			}
			values[i] = formats.FloatValue(x)
		}
	}
	return f.Writer.Write(values)
}
