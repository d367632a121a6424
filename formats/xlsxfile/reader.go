package xlsxfile

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/xuri/excelize/v2"
)

// Default limits on what a workbook may expand to when unzipped.
const (
	DefaultUnzipSizeLimit    = 1 << 30  // the whole workbook
	DefaultUnzipXMLSizeLimit = 64 << 20 // kept for WithUnzipLimits; sheets are streamed, never held whole
	headerScanRows           = 20       // rows looked at to find the header below title rows
	headerScanBytes          = 64 << 20 // text of the rows held while looking for the header
)

type config struct {
	ctx       context.Context
	sheet     string
	headerRow int
	unzip     int64
	unzipXML  int64
}

// Option configures a Reader.
type Option func(*config)

// WithSheet picks a sheet by name, or by 1-based position given as digits
// when no sheet has that name. The default is the first sheet.
func WithSheet(s string) Option { return func(c *config) { c.sheet = s } }

// WithHeaderRow fixes the spreadsheet row of the column names; 0 detects it.
func WithHeaderRow(n int) Option { return func(c *config) { c.headerRow = n } }

// WithExactTypes is kept for compatibility: every cell is typed by its own
// number format now, which is what it asked for.
func WithExactTypes(exact bool) Option { return func(c *config) {} }

// WithUnzipLimits overrides the decompressed size limits: the whole file,
// and the size above which a workbook's small parts (workbook, styles,
// relationships) are refused. Sheets and shared strings are streamed.
func WithUnzipLimits(total, sheet int64) Option {
	return func(c *config) { c.unzip, c.unzipXML = total, sheet }
}

// WithContext makes reading stop with the context's error soon after it is
// cancelled (within about a megabyte of XML), even inside a huge cell, blank
// run or shared strings table.
func WithContext(ctx context.Context) Option { return func(c *config) { c.ctx = ctx } }

// ErrDamaged is a workbook whose XML is broken or cut off, or holds what no
// spreadsheet program writes (a cell over Excel's 32,767 characters). It
// matches ErrNotXLSX too.
var ErrDamaged error = damagedError{}

type damagedError struct{}

func (damagedError) Error() string        { return "the workbook is damaged" }
func (damagedError) Is(target error) bool { return target == ErrNotXLSX }

// Reader streams one sheet. Cells become typed values: numbers (Int when
// whole, else Float), booleans, dates and timestamps (numbers whose number
// format shows a date, in the workbook's 1900 or 1904 system), strings, and
// the cached value of formulas. It implements formats.Reader and Informer.
type Reader struct {
	path     string
	ctx      context.Context
	zr       *zip.ReadCloser
	wb       *workbook
	sst      *sharedStrings
	styles   []cellClass
	sc       *sheetScanner
	date1904 bool
	header   *formats.Header
	rec      formats.Record
	pending  []bufferedRow // rows read while looking for the header
	later    error         // what stopped the header scan, returned after pending
	row      int           // spreadsheet row of the last row fetched
	info     formats.Info
	err      error
}

// cellClass is what a column's number format made of its numbers.
type cellClass uint8

const (
	classUnknown  cellClass = iota
	classText               // only text seen
	classNumber             // numbers shown as numbers
	classDate               // numbers shown as dates
	classDateTime           // numbers shown as dates with a time
	classBool               // TRUE/FALSE cells
)

type bufferedRow struct {
	row   int
	raw   []string
	types []cellType
	cls   []cellClass // what each cell's number format makes of a number
}

var (
	_ formats.Reader   = (*Reader)(nil)
	_ formats.Informer = (*Reader)(nil)
)

// Open opens a sheet of an .xlsx workbook.
func Open(path string, opts ...Option) (*Reader, error) {
	cfg := config{unzip: DefaultUnzipSizeLimit, unzipXML: DefaultUnzipXMLSizeLimit, ctx: context.Background()}
	for _, o := range opts {
		o(&cfg)
	}
	if err := sniff(path); err != nil {
		return nil, err
	}
	if err := checkInflatedSize(path, cfg.unzip); err != nil {
		return nil, err
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, &formats.ParseError{File: path, Err: fmt.Errorf("%w: %w", ErrNotXLSX, err)}
	}
	r := &Reader{path: path, zr: zr, ctx: cfg.ctx}
	if err := r.start(cfg); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) start(cfg config) error {
	var err error
	if r.wb, err = readWorkbook(&r.zr.Reader); err != nil {
		return &formats.ParseError{File: r.path, Err: fmt.Errorf("%w: %w", ErrNotXLSX, err)}
	}
	r.date1904 = r.wb.date1904
	if r.styles, err = readStyles(&r.zr.Reader, r.wb.styles); err != nil {
		return &formats.ParseError{File: r.path, Err: fmt.Errorf("%w: %w", ErrNotXLSX, err)}
	}
	sheets := r.wb.sheets
	sheet, err := pickSheet(sheets, cfg.sheet)
	if err != nil {
		return &formats.ParseError{File: r.path, Err: err}
	}
	if r.sst, err = loadSharedStrings(r.ctx, &r.zr.Reader, r.wb.sst); err != nil {
		if r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		return &formats.ParseError{File: r.path, Err: err}
	}
	if cfg.sheet == "" && len(sheets) > 1 {
		// No sheet asked for: skip cover sheets (a title, notes, nothing
		// under a header) and read the first sheet with data, else the first.
		for _, s := range sheets {
			err := r.open(sheets, s, cfg.headerRow)
			if err == nil && r.header.Len() > 0 && len(r.pending) > 0 {
				return nil
			}
			if r.ctx.Err() != nil {
				return r.ctx.Err()
			}
		}
	}
	return r.open(sheets, sheet, cfg.headerRow)
}

// open starts reading sheet, closing the cursor of a sheet tried before.
func (r *Reader) open(sheets []string, sheet string, headerRow int) error {
	r.sc.Close()
	r.sc = nil
	r.row, r.pending, r.header, r.err, r.later = 0, nil, nil, nil, nil
	r.info = formats.Info{Format: "xlsx", Sheet: sheet, Sheets: sheets}
	part := ""
	for i, s := range sheets {
		if s == sheet {
			part = r.wb.parts[i]
			break
		}
	}
	zf := findPart(&r.zr.Reader, part)
	if zf == nil {
		return &formats.ParseError{File: r.path, Sheet: sheet, Err: fmt.Errorf("%w: the workbook has no worksheet part for the sheet (a chart sheet?)", ErrNotXLSX)}
	}
	rc, err := zf.Open()
	if err != nil {
		return &formats.ParseError{File: r.path, Sheet: sheet, Err: fmt.Errorf("%w: %w", ErrNotXLSX, err)}
	}
	r.sc = &sheetScanner{rc: rc, x: newXMLScanner(r.ctx, rc), sst: r.sst, styles: r.styles}
	return r.findHeader(headerRow)
}

func pickSheet(sheets []string, want string) (string, error) {
	if len(sheets) == 0 {
		return "", errors.New("the workbook has no sheets")
	}
	if want == "" {
		return sheets[0], nil
	}
	for _, s := range sheets {
		if s == want {
			return s, nil
		}
	}
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(want)) {
			return s, nil
		}
	}
	if n, err := strconv.Atoi(want); err == nil && n >= 1 && n <= len(sheets) {
		return sheets[n-1], nil
	}
	quoted := make([]string, len(sheets))
	for i, s := range sheets {
		quoted[i] = strconv.Quote(s)
	}
	return "", fmt.Errorf("%w: %q; the workbook has %s", ErrSheetMissing, want, strings.Join(quoted, ", "))
}

// fetch reads the next row.
func (r *Reader) fetch() (bufferedRow, error) {
	br, err := r.sc.next()
	if err == nil {
		r.row = br.row
		return br, nil
	}
	if err == io.EOF {
		return br, err
	}
	if r.ctx.Err() != nil {
		return br, r.ctx.Err()
	}
	var xe *xmlError
	if errors.As(err, &xe) {
		col := ""
		if xe.col > 0 {
			col = formats.ColumnLetter(xe.col - 1)
		}
		row := xe.row
		if row == 0 {
			row = r.row + 1
		}
		return br, r.perr(row, col, fmt.Errorf("%w: reading stopped here: %w", ErrDamaged, xe.err))
	}
	return br, r.perr(r.row+1, "", fmt.Errorf("%w: reading stopped here: %w", ErrDamaged, err))
}

func (r *Reader) perr(row int, col string, err error) error {
	return &formats.ParseError{File: r.path, Sheet: r.info.Sheet, Row: row, Column: col, Err: err}
}

func nonBlank(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// findHeader buffers the first rows and takes as header the given row, or the
// first row that is at least half as wide as the widest of them and, in a
// sheet of several columns, has more than one cell: title rows ("Contacts
// export, May 2024") have one or two cells.
func (r *Reader) findHeader(fixed int) error {
	var rows []bufferedRow
	limit := headerScanRows
	if fixed > 0 {
		limit = fixed
	}
	widest, held := 0, 0
	for len(rows) < limit && held < headerScanBytes {
		br, err := r.fetch()
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(rows) == 0 || r.ctx.Err() != nil {
				return err
			}
			// The rows before the defect are read first, then the error.
			r.later = err
			break
		}
		rows = append(rows, br)
		widest = max(widest, nonBlank(br.raw))
		for _, c := range br.raw {
			held += len(c)
		}
	}
	at := -1
	for i, br := range rows {
		n := nonBlank(br.raw)
		if fixed > 0 && br.row == fixed || fixed == 0 && n > 0 && n*2 >= widest && (n > 1 || widest == 1) {
			at = i
			break
		}
	}
	if at < 0 {
		if r.later != nil {
			return r.later
		}
		if fixed > 0 && len(rows) < fixed {
			return r.perr(fixed, "", fmt.Errorf("header row %d is past the end of the sheet (%d rows)", fixed, len(rows)))
		}
		r.header = formats.NewHeader(nil)
		return nil
	}
	names := append([]string(nil), rows[at].raw...)
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	if col, err := formats.CheckHeader(names); err != nil {
		return r.perr(rows[at].row, formats.ColumnLetter(col), err)
	}
	r.info.HeaderRow = rows[at].row
	r.header = formats.NewHeader(names)
	r.rec = formats.Record{Header: r.header, Values: make([]formats.Value, len(names)), Pos: formats.Position{File: r.path, Sheet: r.info.Sheet}}
	r.pending = rows[at+1:]
	return nil
}

// Header returns the column names.
func (r *Reader) Header() *formats.Header { return r.header }

// Info says which sheet and header row are read.
func (r *Reader) Info() formats.Info { return r.info }

// Read returns the next non-empty row; the Record is reused.
func (r *Reader) Read() (*formats.Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.header.Len() == 0 {
		return nil, io.EOF
	}
	for {
		var br bufferedRow
		if len(r.pending) > 0 {
			br, r.pending = r.pending[0], r.pending[1:]
		} else if r.later != nil {
			r.err = r.later
			return nil, r.err
		} else {
			var err error
			if br, err = r.fetch(); err != nil {
				r.err = err
				return nil, err
			}
		}
		if nonBlank(br.raw) == 0 {
			continue // empty rows between or after the data
		}
		if err := r.fill(br); err != nil {
			r.err = err
			return nil, err
		}
		return &r.rec, nil
	}
}

func (r *Reader) fill(br bufferedRow) error {
	n := r.header.Len()
	for i := n; i < len(br.raw); i++ {
		if strings.TrimSpace(br.raw[i]) != "" {
			return r.perr(br.row, formats.ColumnLetter(i), fmt.Errorf("%w: a value in a column without a name; name the column or clear it", formats.ErrRaggedRow))
		}
	}
	for i := range r.rec.Values {
		var raw string
		if i < len(br.raw) {
			raw = br.raw[i]
		}
		t := typeNone
		if i < len(br.types) {
			t = br.types[i]
		}
		class := classUnknown
		if i < len(br.cls) {
			class = br.cls[i]
		}
		v, err := r.typed(raw, t, class)
		if err != nil {
			return r.perr(br.row, r.header.Names()[i], err)
		}
		r.rec.Values[i] = v
	}
	r.rec.Pos.Row = br.row
	return nil
}

// typed converts raw cell text given its XML type and, for number cells,
// what its column's number format shows. Text cells stay text exactly as
// stored, whatever they look like ("+49307654321", "01234", "1e5").
func (r *Reader) typed(raw string, t cellType, class cellClass) (formats.Value, error) {
	if raw == "" {
		return formats.Value{}, nil
	}
	switch t {
	case typeString:
		return formats.StringValue(raw), nil
	case typeBool:
		return formats.BoolValue(raw == "1" || strings.EqualFold(raw, "true")), nil
	case typeError:
		return formats.Value{}, fmt.Errorf("%w %s; fix the formula in the workbook or clear the cell", ErrCellError, raw)
	case typeDate:
		return isoDate(raw), nil
	case typeNone:
		// No type seen for a cell with a value (the type cursor and
		// excelize disagree): fall back to guessing from the text.
		if !plainNumber(raw) {
			return formats.StringValue(raw), nil
		}
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return formats.StringValue(raw), nil
	}
	switch class {
	case classDate, classDateTime:
		t, err := excelize.ExcelDateToTime(f, r.date1904)
		if err != nil {
			break
		}
		// A format showing a time makes a timestamp even at midnight.
		if class == classDate && f == math.Trunc(f) {
			return formats.DateValue(t), nil
		}
		return formats.TimestampValue(t.Round(time.Millisecond)), nil
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return formats.IntValue(int64(f)), nil
	}
	return formats.FloatValue(f), nil
}

// isoDate reads a t="d" cell, which holds ISO 8601 text; text that is not a
// date stays a string.
func isoDate(raw string) formats.Value {
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		return formats.DateValue(d)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if ts, err := time.Parse(layout, raw); err == nil {
			return formats.TimestampValue(ts)
		}
	}
	return formats.StringValue(raw)
}

// plainNumber accepts the way XLSX stores numbers, refusing text cells such
// as "007" or " 12" that happen to parse.
func plainNumber(s string) bool {
	t := strings.TrimPrefix(s, "-")
	if t == "" || t[0] < '0' || t[0] > '9' {
		return false
	}
	return !(len(t) > 1 && t[0] == '0' && t[1] != '.' && t[1] != 'E' && t[1] != 'e')
}

// Close releases the workbook and its temporary files.
func (r *Reader) Close() error {
	errs := []error{r.sc.Close(), r.sst.Close()}
	r.sc, r.sst = nil, nil
	if r.zr != nil {
		errs = append(errs, r.zr.Close())
		r.zr = nil
	}
	return errors.Join(errs...)
}
