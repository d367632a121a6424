package xlsxfile

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/xuri/excelize/v2"
)

// widthSampleRows are buffered before the first row is written so column
// widths fit the data; excelize's stream writer needs widths up front.
const widthSampleRows = 100

type wconfig struct {
	overwrite bool
	noGuard   bool
}

// WriteOption configures a Workbook.
type WriteOption func(*wconfig)

// WithOverwrite allows replacing an existing file.
func WithOverwrite(ok bool) WriteOption { return func(c *wconfig) { c.overwrite = ok } }

// WithoutFormulaGuard writes text starting with "=" as a live formula. By
// default every text value is stored as a plain string cell, which a
// spreadsheet never runs, whatever it starts with.
func WithoutFormulaGuard() WriteOption { return func(c *wconfig) { c.noGuard = true } }

// Workbook writes one .xlsx file with one or more sheets, each streamed.
// It is written to a temporary file and renamed into place by Close.
type Workbook struct {
	path   string
	cfg    wconfig
	f      *excelize.File
	fin    formats.Finisher
	sheets []*SheetWriter
	bold   int
	date   int
	stamp  int
}

// NewWorkbook starts a workbook at path; add sheets with AddSheet.
func NewWorkbook(path string, opts ...WriteOption) (*Workbook, error) {
	w := &Workbook{path: path}
	for _, o := range opts {
		o(&w.cfg)
	}
	out, err := formats.CreateAtomic(path, w.cfg.overwrite)
	if err != nil {
		return nil, err
	}
	w.fin.Out = out
	w.f = excelize.NewFile()
	styles := []struct {
		dst *int
		s   *excelize.Style
	}{
		{&w.bold, &excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&w.date, &excelize.Style{NumFmt: 14, CustomNumFmt: ptr("yyyy-mm-dd")}},
		{&w.stamp, &excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm:ss")}},
	}
	for _, st := range styles {
		if *st.dst, err = w.f.NewStyle(st.s); err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w, nil
}

func ptr[T any](v T) *T { return &v }

// AddSheet adds a sheet named name with a bold, frozen header row and an
// autofilter, and returns its writer. kinds (optional, one per column) only
// guide column widths. The previous sheet's writer is closed first.
func (w *Workbook) AddSheet(name string, header []string, kinds ...formats.Kind) (formats.Writer, error) {
	if w.fin.Err != nil {
		return nil, w.fin.Err
	}
	if n := len(w.sheets); n > 0 {
		if err := w.sheets[n-1].Close(); err != nil {
			return nil, err
		}
	}
	if len(w.sheets) == 0 {
		if err := w.f.SetSheetName("Sheet1", name); err != nil {
			return nil, w.fail(err)
		}
	} else if _, err := w.f.NewSheet(name); err != nil {
		return nil, w.fail(err)
	}
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return nil, w.fail(err)
	}
	s := &SheetWriter{wb: w, name: name, sw: sw, header: header, kinds: kinds, row: 1, index: len(w.sheets) + 1}
	w.sheets = append(w.sheets, s)
	return s, nil
}

func (w *Workbook) fail(err error) error {
	if w.fin.Err == nil {
		w.fin.Err = fmt.Errorf("writing %s: %w", w.path, err)
	}
	return w.fin.Err
}

// Close finishes every sheet, writes the workbook and renames it into place.
func (w *Workbook) Close() error {
	return w.fin.Close(func() error {
		for _, s := range w.sheets {
			if err := s.Close(); err != nil {
				w.fail(err)
			}
		}
		if w.fin.Err == nil {
			if _, err := w.f.WriteTo(w.fin.Out); err != nil {
				w.fail(err)
			}
		}
		w.f.Close()
		return nil
	})
}

// Abort drops the workbook: nothing is left at the final path.
func (w *Workbook) Abort() error {
	if w == nil {
		return nil // nothing was created
	}
	return w.fin.Abort("xlsx writer", func() { w.f.Close() })
}

// SheetWriter streams rows into one sheet. Close flushes the sheet; the file
// is written by Workbook.Close.
type SheetWriter struct {
	wb      *Workbook
	index   int // 1-based, names the sheet's filter table
	name    string
	sw      *excelize.StreamWriter
	header  []string
	kinds   []formats.Kind
	sample  [][]any
	widths  []int
	started bool
	row     int
	err     error
	closed  bool
}

var _ formats.Writer = (*SheetWriter)(nil)

// Write adds one row.
func (s *SheetWriter) Write(values []formats.Value) error {
	if s.err != nil {
		return s.err
	}
	if s.closed {
		return errors.New("xlsx writer: write after close")
	}
	if len(values) != len(s.header) {
		s.err = fmt.Errorf("xlsx writer: %d values for %d columns", len(values), len(s.header))
		return s.err
	}
	row := make([]any, len(values))
	for i, v := range values {
		row[i] = s.cell(v)
	}
	if !s.started {
		s.measure(values)
		s.sample = append(s.sample, row)
		if len(s.sample) < widthSampleRows {
			return nil
		}
		return s.begin()
	}
	return s.put(row)
}

func (s *SheetWriter) cell(v formats.Value) any {
	switch v.Kind() {
	case formats.Null:
		return nil
	case formats.Int:
		return v.Int()
	case formats.Float:
		return v.Float()
	case formats.Decimal:
		// XLSX has no decimal type: a number cell shows it and sums it right.
		if f, err := strconv.ParseFloat(v.Text(), 64); err == nil {
			return f
		}
	case formats.Bool:
		return v.Bool()
	case formats.Date:
		return excelize.Cell{StyleID: s.wb.date, Value: v.Time()}
	case formats.Timestamp:
		return excelize.Cell{StyleID: s.wb.stamp, Value: v.Time()}
	case formats.String:
		if s.wb.cfg.noGuard && len(v.Text()) > 1 && v.Text()[0] == '=' {
			return excelize.Cell{Formula: v.Text()[1:]}
		}
	}
	return v.Text()
}

func (s *SheetWriter) measure(values []formats.Value) {
	if s.widths == nil {
		s.widths = make([]int, len(s.header))
		for i, h := range s.header {
			s.widths[i] = utf8.RuneCountInString(h) + 3 // room for the filter button
		}
	}
	for i, v := range values {
		n := utf8.RuneCountInString(v.Text())
		switch v.Kind() {
		case formats.Date:
			n = 10
		case formats.Timestamp:
			n = 19
		}
		s.widths[i] = max(s.widths[i], n+1)
	}
}

func (s *SheetWriter) begin() error {
	s.started = true
	if s.widths == nil {
		s.measure(nil)
	}
	for i, wd := range s.widths {
		if err := s.sw.SetColWidth(i+1, i+1, float64(min(max(wd, 8), 60))); err != nil {
			return s.fail(err)
		}
	}
	if len(s.header) > 0 {
		if err := s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return s.fail(err)
		}
		hdr := make([]any, len(s.header))
		for i, h := range s.header {
			hdr[i] = excelize.Cell{StyleID: s.wb.bold, Value: h}
		}
		if err := s.sw.SetRow("A1", hdr); err != nil {
			return s.fail(err)
		}
	}
	for _, row := range s.sample {
		if err := s.put(row); err != nil {
			return err
		}
	}
	s.sample = nil
	return nil
}

func (s *SheetWriter) put(row []any) error {
	s.row++
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	if err := s.sw.SetRow(cell, row); err != nil {
		return s.fail(err)
	}
	return nil
}

func (s *SheetWriter) fail(err error) error {
	s.err = fmt.Errorf("writing sheet %q: %w", s.name, err)
	s.wb.fail(s.err)
	return s.err
}

// Close adds the autofilter over the written range and flushes the sheet.
// The filter comes from a plain (unstyled) table: File.AutoFilter would
// parse the whole streamed sheet back into memory.
func (s *SheetWriter) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	if s.err == nil && !s.started {
		s.begin()
	}
	if s.err != nil {
		return s.err
	}
	// A table needs unique, non-blank header names; without them the sheet
	// simply has no filter.
	if _, bad := formats.CheckHeader(s.header); len(s.header) > 0 && bad == nil {
		last, _ := excelize.CoordinatesToCellName(len(s.header), max(s.row, 2))
		no := false
		table := &excelize.Table{Range: "A1:" + last, Name: fmt.Sprintf("Data%d", s.index), StyleName: "", ShowRowStripes: &no}
		if err := s.sw.AddTable(table); err != nil {
			return s.fail(err)
		}
	}
	if err := s.sw.Flush(); err != nil {
		return s.fail(err)
	}
	return nil
}

// FileWriter is a one-sheet workbook as a formats.Writer: Close writes the file.
type FileWriter struct {
	wb    *Workbook
	sheet formats.Writer
}

var (
	_ formats.Writer  = (*FileWriter)(nil)
	_ formats.Aborter = (*FileWriter)(nil)
)

// Create writes a one-sheet workbook (sheet "Sheet1" unless named).
func Create(path, sheet string, header []string, kinds []formats.Kind, opts ...WriteOption) (*FileWriter, error) {
	wb, err := NewWorkbook(path, opts...)
	if err != nil {
		return nil, err
	}
	if sheet == "" {
		sheet = "Sheet1"
	}
	sw, err := wb.AddSheet(sheet, header, kinds...)
	if err != nil {
		wb.Abort()
		return nil, err
	}
	return &FileWriter{wb: wb, sheet: sw}, nil
}

// Write adds one row.
func (w *FileWriter) Write(values []formats.Value) error { return w.sheet.Write(values) }

// Close writes the workbook into place.
func (w *FileWriter) Close() error { return w.wb.Close() }

// Abort leaves nothing at the final path.
func (w *FileWriter) Abort() error {
	if w == nil {
		return nil
	}
	return w.wb.Abort()
}
