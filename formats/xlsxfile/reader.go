package xlsxfile

import (
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
	DefaultUnzipXMLSizeLimit = 64 << 20 // one sheet kept in memory; larger ones spill to a temp file
	headerScanRows           = 20       // rows looked at to find the header below title rows
	typeSampleRows           = 1000     // rows read with formatting to learn each column's number format
)

type config struct {
	exact     bool
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

// WithExactTypes reads every cell's formatted text to type it, instead of
// learning each column's number format from its first rows. It is about
// twice as slow; use it for sheets whose columns mix dates and numbers.
func WithExactTypes(exact bool) Option { return func(c *config) { c.exact = exact } }

// WithUnzipLimits overrides the decompressed size limits (whole file, one sheet).
func WithUnzipLimits(total, sheet int64) Option {
	return func(c *config) { c.unzip, c.unzipXML = total, sheet }
}

// Reader streams one sheet. Cells become typed values: numbers (Int when
// whole, else Float), booleans, dates and timestamps (numbers whose number
// format shows a date, in the workbook's 1900 or 1904 system), strings, and
// the cached value of formulas. It implements formats.Reader and Informer.
type Reader struct {
	path     string
	f        *excelize.File
	raw, fmt *excelize.Rows
	types    *typeScanner // each cell's XML type, which excelize's Rows drop
	date1904 bool
	exact    bool
	sampled  int         // data rows read with formatting
	classes  []cellClass // per column, what its number format showed
	header   *formats.Header
	rec      formats.Record
	pending  []bufferedRow // rows read while looking for the header
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
	row      int
	raw, fmt []string
	types    []cellType
}

var (
	_ formats.Reader   = (*Reader)(nil)
	_ formats.Informer = (*Reader)(nil)
)

// Open opens a sheet of an .xlsx workbook.
func Open(path string, opts ...Option) (*Reader, error) {
	cfg := config{unzip: DefaultUnzipSizeLimit, unzipXML: DefaultUnzipXMLSizeLimit}
	for _, o := range opts {
		o(&cfg)
	}
	if err := sniff(path); err != nil {
		return nil, err
	}
	if err := checkInflatedSize(path, cfg.unzip); err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: cfg.unzip, UnzipXMLSizeLimit: min(cfg.unzipXML, cfg.unzip)})
	if err != nil {
		return nil, &formats.ParseError{File: path, Err: fmt.Errorf("%w: %w", ErrNotXLSX, err)}
	}
	r := &Reader{path: path, f: f, exact: cfg.exact}
	if err := r.start(cfg); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) start(cfg config) error {
	sheets := r.f.GetSheetList()
	sheet, err := pickSheet(sheets, cfg.sheet)
	if err != nil {
		return &formats.ParseError{File: r.path, Err: err}
	}
	if props, err := r.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.date1904 = *props.Date1904
	}
	if cfg.sheet == "" && len(sheets) > 1 {
		// No sheet asked for: skip cover sheets (a title, notes, nothing
		// under a header) and read the first sheet with data, else the first.
		for _, s := range sheets {
			if err := r.open(sheets, s, cfg.headerRow); err == nil && r.header.Len() > 0 && len(r.pending) > 0 {
				return nil
			}
		}
	}
	return r.open(sheets, sheet, cfg.headerRow)
}

// open starts reading sheet, closing the cursors of a sheet tried before.
func (r *Reader) open(sheets []string, sheet string, headerRow int) error {
	for _, c := range []*excelize.Rows{r.raw, r.fmt} {
		if c != nil {
			c.Close()
		}
	}
	r.types.Close()
	r.types = nil
	r.raw, r.fmt, r.row, r.pending, r.header, r.err, r.sampled = nil, nil, 0, nil, nil, nil, 0
	var err error
	r.info = formats.Info{Format: "xlsx", Sheet: sheet, Sheets: sheets}
	// Two cursors over the same sheet: raw values keep full precision, the
	// formatted ones reveal what the number format makes of them (a date,
	// TRUE/FALSE), which excelize's streaming API does not expose otherwise.
	if r.raw, err = r.f.Rows(sheet); err != nil {
		return &formats.ParseError{File: r.path, Sheet: sheet, Err: err}
	}
	if r.fmt, err = r.f.Rows(sheet); err != nil {
		return &formats.ParseError{File: r.path, Sheet: sheet, Err: err}
	}
	// Rows.Columns gives text only: a text cell "01234" and a number cell
	// look alike. A third, light cursor reads each cell's type attribute.
	if r.types, err = openTypeScanner(r.path, sheet); err != nil {
		return &formats.ParseError{File: r.path, Sheet: sheet, Err: fmt.Errorf("%w: reading cell types: %w", ErrNotXLSX, err)}
	}
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

// fetch reads the next row from both cursors.
func (r *Reader) fetch() (bufferedRow, error) {
	if !r.raw.Next() {
		if err := r.raw.Error(); err != nil {
			return bufferedRow{}, r.perr(r.row+1, "", err)
		}
		return bufferedRow{}, io.EOF
	}
	r.row++
	raw, err := r.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return bufferedRow{}, r.perr(r.row, "", err)
	}
	types, err := r.types.row(r.row)
	if err != nil {
		return bufferedRow{}, r.perr(r.row, "", fmt.Errorf("reading cell types: %w", err))
	}
	if r.fmt == nil {
		return bufferedRow{row: r.row, raw: raw, types: types}, nil
	}
	r.fmt.Next()
	formatted, err := r.fmt.Columns()
	if err != nil {
		return bufferedRow{}, r.perr(r.row, "", err)
	}
	return bufferedRow{row: r.row, raw: raw, fmt: formatted, types: types}, nil
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
	widest := 0
	for len(rows) < limit {
		br, err := r.fetch()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rows = append(rows, br)
		widest = max(widest, nonBlank(br.fmt))
	}
	at := -1
	for i, br := range rows {
		n := nonBlank(br.fmt)
		if fixed > 0 && br.row == fixed || fixed == 0 && n > 0 && n*2 >= widest && (n > 1 || widest == 1) {
			at = i
			break
		}
	}
	if at < 0 {
		if fixed > 0 && len(rows) < fixed {
			return r.perr(fixed, "", fmt.Errorf("header row %d is past the end of the sheet (%d rows)", fixed, len(rows)))
		}
		r.header = formats.NewHeader(nil)
		return nil
	}
	names := append([]string(nil), rows[at].fmt...)
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
	r.classes = make([]cellClass, len(names))
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
		var v formats.Value
		var err error
		if br.fmt != nil {
			var shown string
			if i < len(br.fmt) {
				shown = br.fmt[i]
			}
			v, err = r.learn(i, raw, shown, t)
		} else {
			v, err = r.typed(raw, t, r.classes[i])
		}
		if err != nil {
			return r.perr(br.row, r.header.Names()[i], err)
		}
		r.rec.Values[i] = v
	}
	r.rec.Pos.Row = br.row
	if br.fmt != nil {
		r.sampled++
		r.maybeStopSampling()
	}
	return nil
}

// maybeStopSampling closes the formatting cursor once every column has
// shown a number format (or enough rows were seen): from then on, cells are
// typed by their column's class, reading the sheet once instead of twice.
func (r *Reader) maybeStopSampling() {
	if r.exact || r.fmt == nil || len(r.pending) > 0 {
		return
	}
	if r.sampled < typeSampleRows {
		for _, c := range r.classes {
			if c == classUnknown || c == classText {
				return
			}
		}
	}
	r.fmt.Close()
	r.fmt = nil
}

// learn types one cell from its raw and formatted text and records the
// column's class: what the number format of its number cells shows.
func (r *Reader) learn(col int, raw, shown string, t cellType) (formats.Value, error) {
	if raw == "" {
		return formats.Value{}, nil
	}
	class := classText
	switch t {
	case typeBool:
		class = classBool
	case typeNumber, typeNone:
		if _, err := strconv.ParseFloat(raw, 64); err == nil && (t == typeNumber || plainNumber(raw)) {
			class = classNumber
			if shown != raw && looksLikeDate(shown) {
				class = classDate
				if strings.Contains(shown, ":") {
					class = classDateTime
				}
			}
		}
	}
	if class != classText || r.classes[col] == classUnknown {
		r.classes[col] = class
	}
	return r.typed(raw, t, class)
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

// looksLikeDate says whether a formatted number reads as a date or time:
// digits with / or : or an inner - (not a negative sign or exponent), or a month name.
func looksLikeDate(s string) bool {
	if strings.ContainsAny(s, "%") || !strings.ContainsAny(s, "0123456789") {
		return false
	}
	u := strings.ToUpper(s)
	if strings.Contains(u, "E+") || strings.Contains(u, "E-") {
		return false
	}
	if strings.ContainsAny(s, "/:") || strings.LastIndex(s, "-") > 0 {
		return true
	}
	for _, m := range []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"} {
		if strings.Contains(u, m) {
			return true
		}
	}
	return false
}

// Close releases the workbook and its temporary files.
func (r *Reader) Close() error {
	var errs []error
	if r.raw != nil {
		errs = append(errs, r.raw.Close())
	}
	if r.fmt != nil {
		errs = append(errs, r.fmt.Close())
	}
	errs = append(errs, r.types.Close())
	r.types = nil
	if r.f != nil {
		errs = append(errs, r.f.Close())
		r.f = nil
	}
	return errors.Join(errs...)
}
