package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// Columns an errors file adds to the input's own.
const (
	colFile   = "_file"
	colSheet  = "_sheet"
	colRow    = "_row"
	colField  = "_field"
	colReason = "_reason"
)

var extraCols = []string{colFile, colSheet, colRow, colField, colReason}

// rowOps is one evaluated input row.
type rowOps struct {
	in     *input
	row    int
	srcKey string // the row's key across runs ("" when the ops carry one)
	ops    []mappings.Op
	errs   []mappings.RowError
}

func sourceOptions(m *mappings.Mapping, over files.Options) files.Options {
	o := files.Options{Sheet: m.Source.Sheet, HeaderRow: m.Source.HeaderRow, Encoding: m.Source.Encoding, Delimiter: m.Source.Delimiter}
	if over.Sheet != "" {
		o.Sheet = over.Sheet
	}
	if over.HeaderRow != 0 {
		o.HeaderRow = over.HeaderRow
	}
	if over.Encoding != "" {
		o.Encoding = over.Encoding
	}
	if over.Delimiter != "" {
		o.Delimiter = over.Delimiter
	}
	return o
}

// compileAll parses the mapping and compiles it against every input's
// header, reporting every problem at once before any request.
func compileAll(ctx context.Context, cfg *Config) ([]*input, error) {
	var problems []string
	var m *mappings.Mapping
	if cfg.Mapping != nil {
		var probs mappings.Problems
		m, probs = mappings.Parse(cfg.Mapping, cfg.MappingName)
		if probs.HasErrors() {
			return nil, &InputError{Problems: problemLines(probs)}
		}
	}
	var ins []*input
	byName := map[string]string{}
	for _, path := range cfg.Inputs {
		// The journal knows rows by file name and row number.
		if other, ok := byName[filepath.Base(path)]; ok {
			problems = append(problems, fmt.Sprintf("%s and %s have the same file name, so the journal could not tell their rows apart: "+
				"rename one of them (or import them one at a time)", other, path))
			continue
		}
		byName[filepath.Base(path)] = path
		opt := cfg.Source
		if m != nil {
			opt = sourceOptions(m, cfg.Source)
		}
		opt.Context = ctx
		r, err := files.Open(path, opt)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			problems = append(problems, err.Error()+" (check the path and the --sheet/--header-row/--encoding/--delimiter options)")
			continue
		}
		h := r.Header()
		info := files.InfoOf(r)
		r.Close()
		mm := m
		if mm == nil {
			if cfg.MappingFor == nil {
				problems = append(problems, path+": --mapping is required unless the file is in capsule-etl's export layout")
				continue
			}
			mm, err = cfg.MappingFor(h)
			if err != nil {
				problems = append(problems, path+": "+err.Error())
				continue
			}
		}
		prog, probs := mappings.Compile(mm, h)
		if probs.HasErrors() || prog == nil {
			for _, l := range problemLines(probs) {
				problems = append(problems, l+" (input "+path+")")
			}
			continue
		}
		in := &input{path: path, name: path, sheet: info.Sheet, header: h.Names(), prog: prog, origFile: -1, origRow: -1}
		if i, ok := h.Index(colFile); ok {
			in.origFile = i
		}
		if i, ok := h.Index(colRow); ok {
			in.origRow = i
		}
		// An errors file capsule-etl wrote as CSV carries the formula guard
		// on its cells: importing it again takes it off (formats.Unguard).
		in.unguard = in.origFile >= 0 && in.origRow >= 0 && files.FormatOf(path) == "csv"
		in.srcOpts = opt
		if d := []rune(info.Delimiter); len(d) == 1 {
			in.delim = d[0]
		}
		// Excel needs a BOM to read UTF-8; inputs that were not plain
		// UTF-8 came from such a program.
		in.bom = info.Encoding != "" && info.Encoding != "utf-8"
		ins = append(ins, in)
	}
	if len(problems) > 0 {
		return nil, &InputError{Problems: problems}
	}
	return ins, nil
}

func problemLines(probs mappings.Problems) []string {
	var out []string
	for _, p := range probs {
		if p.Severity == mappings.SeverityError {
			out = append(out, p.Error())
		}
	}
	return out
}

// readAll reads and evaluates every row of in, in parallel but in order.
func readInput(ctx context.Context, in *input) ([]rowOps, error) {
	opt := in.srcOpts
	opt.Context = ctx
	r, err := files.Open(in.path, opt)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &InputError{Problems: []string{err.Error()}}
	}
	defer r.Close()
	type batch struct {
		start int
		recs  []*formats.Record
	}
	var out []rowOps
	work := make(chan batch, 4)
	g, gctx := errgroup.WithContext(ctx)
	var readErr error
	g.Go(func() error {
		defer close(work)
		const size = 256
		// The reader reuses its record: each row is copied into the
		// batch's own records and cells, two allocations per batch
		// rather than two per row.
		ncols := r.Header().Len()
		var recs []formats.Record
		var cells []formats.Value
		fresh := func() {
			recs = make([]formats.Record, 0, size)
			cells = make([]formats.Value, 0, size*ncols)
		}
		fresh()
		b := batch{recs: make([]*formats.Record, 0, size)}
		n := 0
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var pe *formats.ParseError
				if errors.As(err, &pe) {
					readErr = &InputError{Problems: []string{pe.Error() + "; fix the file and run again"}}
					return readErr
				}
				return fmt.Errorf("reading %s: %w", in.name, err)
			}
			if len(rec.Values) != ncols || len(recs) == cap(recs) {
				b.recs = append(b.recs, rec.Clone())
			} else {
				start := len(cells)
				cells = append(cells, rec.Values...)
				recs = append(recs, formats.Record{Header: rec.Header, Pos: rec.Pos, Values: cells[start:len(cells):len(cells)]})
				b.recs = append(b.recs, &recs[len(recs)-1])
			}
			n++
			if len(b.recs) == size {
				select {
				case work <- b:
				case <-gctx.Done():
					return gctx.Err()
				}
				b = batch{start: n, recs: make([]*formats.Record, 0, size)}
				fresh()
			}
		}
		if len(b.recs) > 0 {
			work <- b
		}
		return nil
	})
	results := make(chan []rowOps, 4)
	workers := max(1, runtime.GOMAXPROCS(0))
	eg := errgroup.Group{}
	for range workers {
		eg.Go(func() error {
			for b := range work {
				res := make([]rowOps, len(b.recs))
				for i, rec := range b.recs {
					if in.unguard {
						unguardRecord(rec)
					}
					ops, errs := in.prog.Eval(rec)
					res[i] = rowOps{in: in, row: rec.Pos.Row, srcKey: in.rowKey(rec), ops: ops, errs: errs}
				}
				results <- res
			}
			return nil
		})
	}
	go func() { eg.Wait(); close(results) }()
	var chunks [][]rowOps
	for res := range results {
		chunks = append(chunks, res)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	total := 0
	for _, c := range chunks {
		total += len(c)
	}
	out = make([]rowOps, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	// Workers finish out of order: restore file order.
	sortRows(out)
	in.rows = len(out)
	return out, nil
}

// rowKey identifies a row across runs when the mapping names no key
// column: file name and row, taken from the _file/_row columns of an errors
// file being re-imported, so a fixed row keeps the key of the original.
func (in *input) rowKey(rec *formats.Record) string {
	if in.origFile >= 0 && in.origRow >= 0 && in.origRow < len(rec.Values) && in.origFile < len(rec.Values) {
		f, r := rec.Values[in.origFile].String(), rec.Values[in.origRow].String()
		if f != "" && r != "" {
			return filepath.Base(f) + "#" + strings.TrimSuffix(r, ".0")
		}
	}
	return filepath.Base(in.path) + "#" + strconv.Itoa(rec.Pos.Row)
}

// unguardRecord takes the CSV formula guard off the text cells of rec.
func unguardRecord(rec *formats.Record) {
	for i, v := range rec.Values {
		if v.Kind() == formats.String {
			if s := v.Text(); formats.Unguard(s) != s {
				rec.Values[i] = formats.StringValue(formats.Unguard(s))
			}
		}
	}
}

func sortRows(rows []rowOps) {
	slices.SortStableFunc(rows, func(a, b rowOps) int { return a.row - b.row })
}
