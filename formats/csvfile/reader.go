package csvfile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
	"golang.org/x/text/transform"
)

// Defaults for the reader's safety limits.
const (
	DefaultMaxRecordBytes       = 4 << 20  // one CSV record; a missing quote stops here
	DefaultMaxDecompressedBytes = 16 << 30 // a .gz file, decompressed
	peekSize                    = 64 << 10
	headerScanRows              = 20 // records looked at to find the header below title rows
)

type config struct {
	name        string
	encoding    string
	delimiter   string
	headerRow   int
	padShort    bool
	maxRecord   int64
	maxInflated int64
	lazyQuotes  bool
}

// Option configures a Reader.
type Option func(*config)

// WithName sets the file name used in errors (Open sets it to the path).
func WithName(name string) Option { return func(c *config) { c.name = name } }

// WithEncoding overrides encoding detection: utf-8, utf-16le, utf-16be or windows-1252.
func WithEncoding(enc string) Option { return func(c *config) { c.encoding = enc } }

// WithDelimiter overrides delimiter detection: "," ";" "|" or "\t" (also "tab").
func WithDelimiter(d string) Option { return func(c *config) { c.delimiter = d } }

// WithHeaderRow says which row holds the column names (1 = the first);
// the rows above it are skipped. 0 (the default) detects it: the first of
// the first 20 rows that is at least half as wide as the widest and has more
// than one cell, so title rows above the header ("Customer list, May 2024")
// are skipped.
func WithHeaderRow(n int) Option { return func(c *config) { c.headerRow = n } }

// WithPadShortRows fills missing trailing cells of short rows with nulls
// instead of refusing the row.
func WithPadShortRows(pad bool) Option { return func(c *config) { c.padShort = pad } }

// WithMaxRecordBytes caps the size of one record.
func WithMaxRecordBytes(n int64) Option { return func(c *config) { c.maxRecord = n } }

// WithMaxDecompressedBytes caps the decompressed size of .gz input.
func WithMaxDecompressedBytes(n int64) Option { return func(c *config) { c.maxInflated = n } }

// WithLazyQuotes accepts a quote inside an unquoted field instead of refusing it.
func WithLazyQuotes(lazy bool) Option { return func(c *config) { c.lazyQuotes = lazy } }

// ErrSpreadsheet is returned for an Excel workbook (or any zip file) given
// as CSV text.
var ErrSpreadsheet = errors.New("this is an Excel workbook or a zip file, not CSV text: give it its real extension (.xlsx), or save it from Excel as CSV UTF-8")

// ErrNotText is returned for a file whose first bytes are binary data
// (control characters no text editor or spreadsheet writes).
var ErrNotText = errors.New("this does not look like text: it holds binary data (is it a CSV? a compressed or encrypted file needs its real extension)")

// binaryLooking reports control bytes other than tab, CR, LF and form feed
// in more than 1% of the first 4 KiB (text in any single-byte encoding has
// none; UTF-16 is detected before).
func binaryLooking(p []byte) bool {
	sample := p[:min(len(p), 4096)]
	n := 0
	for _, c := range sample {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			n++
		}
	}
	return len(sample) > 0 && n*100 > len(sample)
}

// Reader reads CSV records as String values (an empty cell is Null). It
// implements formats.Reader and formats.Informer.
type Reader struct {
	cfg     config
	closer  io.Closer
	cr      *csv.Reader
	capped  *capReader
	header  *formats.Header
	rec     formats.Record
	row     int // spreadsheet row number of the last record read
	endLine int // file line where the last record ended
	info    formats.Info
	err     error
	// pending holds records read ahead while detecting the header; pendErr
	// is the error that stopped the look-ahead, returned in its turn.
	pending []rawRecord
	pendErr error
	lastRow int // r.row once the look-ahead is drained
}

type rawRecord struct {
	cells []string
	row   int
}

var (
	_ formats.Reader   = (*Reader)(nil)
	_ formats.Informer = (*Reader)(nil)
)

// Open opens a CSV, TSV or text file; a name ending in .gz is decompressed.
func Open(path string, opts ...Option) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var src io.Reader = f
	gz := strings.HasSuffix(strings.ToLower(path), ".gz")
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, &formats.ParseError{File: path, Err: fmt.Errorf("not a valid gzip file: %w", err)}
		}
		src = zr
	}
	r, err := NewReader(src, append([]Option{WithName(path), withGzip(gz)}, opts...)...)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

func withGzip(gz bool) Option {
	return func(c *config) {
		if gz && c.maxInflated == 0 {
			c.maxInflated = DefaultMaxDecompressedBytes
		}
	}
}

// NewReader reads CSV from r, detecting encoding, delimiter and header.
// It does not close r.
func NewReader(src io.Reader, opts ...Option) (*Reader, error) {
	cfg := config{name: "input", maxRecord: DefaultMaxRecordBytes}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.headerRow < 0 {
		cfg.headerRow = 0
	}
	if cfg.maxInflated > 0 {
		src = &limitReader{r: src, left: cfg.maxInflated}
	}
	perr := func(err error) error { return &formats.ParseError{File: cfg.name, Err: err} }
	br := bufio.NewReaderSize(src, peekSize)
	prefix, perr0 := br.Peek(peekSize)
	if perr0 != nil && perr0 != io.EOF && !errors.Is(perr0, bufio.ErrBufferFull) {
		return nil, perr(perr0)
	}
	if bytes.HasPrefix(prefix, []byte("PK\x03\x04")) || bytes.HasPrefix(prefix, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		// A workbook saved under a .csv name (or a renamed download).
		return nil, perr(ErrSpreadsheet)
	}
	enc, skip := detectEncoding(prefix, perr0 == io.EOF)
	if cfg.encoding == "" && (enc == Windows1252 || enc == UTF8) && binaryLooking(prefix) {
		return nil, perr(ErrNotText)
	}
	if cfg.encoding != "" {
		enc = strings.ToLower(cfg.encoding)
		skip = 0
		if enc == UTF8 && len(prefix) >= 3 && string(prefix[:3]) == "\xEF\xBB\xBF" {
			skip = 3
		}
	}
	dec, err := decoderFor(enc)
	if err != nil {
		return nil, perr(err)
	}
	br.Discard(skip)
	var text io.Reader = br
	if dec != nil {
		text = bufio.NewReaderSize(transform.NewReader(br, dec), peekSize)
	}
	tb, ok := text.(*bufio.Reader)
	if !ok {
		tb = br
	}
	sample, serr := tb.Peek(peekSize / 2)
	delim := ','
	if cfg.delimiter != "" {
		if delim, err = delimiterRune(cfg.delimiter); err != nil {
			return nil, perr(err)
		}
	} else {
		delim = detectDelimiter(sample, serr == io.EOF)
	}
	r := &Reader{cfg: cfg}
	r.capped = &capReader{r: tb, max: cfg.maxRecord}
	r.cr = csv.NewReader(r.capped)
	r.cr.Comma = delim
	r.cr.FieldsPerRecord = -1
	r.cr.ReuseRecord = true
	r.cr.LazyQuotes = cfg.lazyQuotes
	r.info = formats.Info{Format: "csv", Encoding: enc, Delimiter: string(delim), HeaderRow: cfg.headerRow}
	if cfg.maxInflated > 0 {
		r.info.Compressed = "gzip"
	}
	if err := r.readHeader(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Reader) readHeader() error {
	if r.cfg.headerRow == 0 {
		return r.detectHeader()
	}
	var names []string
	for r.row < r.cfg.headerRow {
		rec, err := r.next()
		if err == io.EOF {
			if r.row == 0 {
				r.header = formats.NewHeader(nil) // an empty file has no header, wherever asked
				return nil
			}
			return &formats.ParseError{File: r.cfg.name, Row: r.cfg.headerRow,
				Err: fmt.Errorf("header row %d is past the end of the file (%d rows)", r.cfg.headerRow, r.row)}
		}
		if err != nil {
			return err
		}
		names = rec
	}
	return r.setHeader(names)
}

// detectHeader reads up to headerScanRows records ahead and takes the first
// that is at least half as wide as the widest and, in a file of several
// columns, has more than one cell: a header names every column, while title
// rows above it have one or two cells (and blank rows none). The records after it are kept
// for Read, and so is an error met while looking ahead.
func (r *Reader) detectHeader() error {
	var rows []rawRecord
	widest := 0
	for len(rows) < headerScanRows {
		rec, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(rows) == 0 {
				return err
			}
			r.pendErr, r.err = err, nil
			break
		}
		rows = append(rows, rawRecord{cells: append([]string(nil), rec...), row: r.row})
		widest = max(widest, nonBlank(rec))
	}
	r.lastRow = r.row
	at := -1
	for i, rr := range rows {
		if n := nonBlank(rr.cells); n > 0 && n*2 >= widest && (n > 1 || widest == 1) {
			at = i
			break
		}
	}
	if at < 0 {
		r.info.HeaderRow = 1
		r.header = formats.NewHeader(nil)
		return r.pendErr
	}
	r.row = rows[at].row
	r.info.HeaderRow = r.row
	r.pending = rows[at+1:]
	return r.setHeader(rows[at].cells)
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

// setHeader checks and installs the column names (surrounding spaces
// removed, as in XLSX) read at row r.row.
func (r *Reader) setHeader(names []string) error {
	names = append([]string(nil), names...)
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	// Trailing blank names with nothing under them are what spreadsheet
	// exports leave behind; drop them rather than refuse the file.
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	if col, err := formats.CheckHeader(names); err != nil {
		return &formats.ParseError{File: r.cfg.name, Row: r.row, Column: formats.ColumnLetter(col), Err: err}
	}
	r.header = formats.NewHeader(names)
	r.rec = formats.Record{Header: r.header, Values: make([]formats.Value, len(names)), Pos: formats.Position{File: r.cfg.name}}
	return nil
}

// next reads one raw record and counts its spreadsheet row.
func (r *Reader) next() ([]string, error) {
	rec, err := r.cr.Read()
	r.capped.start = r.cr.InputOffset()
	if err == io.EOF {
		return nil, io.EOF
	}
	r.row++
	if err == nil {
		// encoding/csv skips blank lines, which a spreadsheet shows as empty
		// rows: count them so row numbers match what the user sees.
		start, _ := r.cr.FieldPos(0)
		if gap := start - r.endLine - 1; gap > 0 {
			r.row += gap
		}
		last := len(rec) - 1
		end, _ := r.cr.FieldPos(last)
		r.endLine = end + strings.Count(rec[last], "\n")
		return rec, nil
	}
	pe := &formats.ParseError{File: r.cfg.name, Row: r.row}
	var ce *csv.ParseError
	switch {
	case errors.Is(err, formats.ErrRecordTooLarge):
		pe.Err = fmt.Errorf("%w: a record starting here is over %d bytes; a closing quote is probably missing", formats.ErrRecordTooLarge, r.cfg.maxRecord)
	case errors.Is(err, formats.ErrTooLarge):
		pe.Err = fmt.Errorf("%w: over %d bytes", formats.ErrTooLarge, r.cfg.maxInflated)
	case errors.As(err, &ce):
		if gap := ce.StartLine - r.endLine - 1; gap > 0 {
			pe.Row += gap // blank lines above the bad row are rows too
		}
		pe.Err = fmt.Errorf("line %d: %w", ce.Line, ce.Err)
		if errors.Is(ce.Err, csv.ErrQuote) {
			// The row counted here is the one the bad quote opened in.
			pe.Err = fmt.Errorf("%w: a quoted cell in the row starting on line %d is not closed, or has text after its closing quote (seen on line %d); close the quote, and write a quote inside a quoted cell as \"\"", ce.Err, ce.StartLine, ce.Line)
		}
		if errors.Is(ce.Err, csv.ErrBareQuote) {
			pe.Err = fmt.Errorf("%w (quote the whole cell and double the quote inside it)", pe.Err)
		}
	default:
		pe.Err = err
	}
	r.err = pe
	return nil, pe
}

// Header returns the column names.
func (r *Reader) Header() *formats.Header { return r.header }

// Info says what was detected.
func (r *Reader) Info() formats.Info { return r.info }

// nextData returns the next record after the header: first those read
// ahead by header detection, then the error that stopped it, then the rest.
func (r *Reader) nextData() ([]string, error) {
	if len(r.pending) > 0 {
		rr := r.pending[0]
		r.pending = r.pending[1:]
		r.row = rr.row
		return rr.cells, nil
	}
	if r.lastRow > 0 {
		r.row, r.lastRow = r.lastRow, 0
	}
	if r.pendErr != nil {
		r.err = r.pendErr
		return nil, r.err
	}
	return r.next()
}

// Read returns the next record; the Record and its Values are reused.
func (r *Reader) Read() (*formats.Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.header.Len() == 0 {
		return nil, io.EOF
	}
	rec, err := r.nextData()
	if err != nil {
		return nil, err
	}
	n := r.header.Len()
	if len(rec) > n {
		for i := n; i < len(rec); i++ {
			if strings.TrimSpace(rec[i]) != "" {
				r.err = &formats.ParseError{File: r.cfg.name, Row: r.row, Column: formats.ColumnLetter(i),
					Err: fmt.Errorf("%w: %d cells but the header has %d columns; name the extra column or remove its value", formats.ErrRaggedRow, len(rec), n)}
				return nil, r.err
			}
		}
	}
	if len(rec) < n && !r.cfg.padShort {
		r.err = &formats.ParseError{File: r.cfg.name, Row: r.row, Column: formats.ColumnLetter(len(rec)),
			Err: fmt.Errorf("%w: %d cells but the header has %d columns (allow padding short rows to read missing cells as empty)", formats.ErrRaggedRow, len(rec), n)}
		return nil, r.err
	}
	for i := range r.rec.Values {
		if i < len(rec) && rec[i] != "" {
			r.rec.Values[i] = formats.StringValue(rec[i])
		} else {
			r.rec.Values[i] = formats.Value{}
		}
	}
	r.rec.Pos.Row = r.row
	return &r.rec, nil
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

// capReader fails once the bytes read past the end of the last complete
// record exceed max, so an unclosed quote cannot pull a whole file into memory.
type capReader struct {
	r     io.Reader
	read  int64
	start int64 // input offset where the current record starts
	max   int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.max > 0 && c.read-c.start > c.max {
		return 0, formats.ErrRecordTooLarge
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// limitReader fails (rather than ending quietly) past its limit.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, formats.ErrTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
