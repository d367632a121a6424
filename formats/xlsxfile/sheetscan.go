package xlsxfile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Memory budgets of the reader.
const (
	// SharedStringsMemory is how much of the shared strings table is held in
	// memory; a larger table is spilled to a temporary file and read from it.
	SharedStringsMemory = 32 << 20
	maxRowBytes         = 16 << 20 // the text of one row's cells
)

var sstBudget = SharedStringsMemory // tests lower it to exercise the spill

// xmlError is a defect in a part, with the row and column where it was met.
type xmlError struct {
	row, col int // 0 when unknown
	err      error
}

func (e *xmlError) Error() string { return e.err.Error() }
func (e *xmlError) Unwrap() error { return e.err }

// sheetScanner streams one worksheet's rows: each cell's text, type and
// number format class. It replaces excelize's Rows, which stop silently at
// a broken tag, an undefined entity or a cut-off part, and hold a whole
// text node in memory however large.
type sheetScanner struct {
	rc      io.ReadCloser
	x       *xmlScanner
	sst     *sharedStrings
	styles  []cellClass // by style index (the s attribute)
	inData  bool
	done    bool
	lastRow int
	buf     []byte
}

func (s *sheetScanner) Close() error {
	if s == nil || s.rc == nil {
		return nil
	}
	err := s.rc.Close()
	s.rc = nil
	return err
}

func (s *sheetScanner) fail(col int, err error) error {
	if errors.Is(err, errTooLong) {
		err = fmt.Errorf("the cell holds more than %d characters, Excel's limit for a cell: the file was not written by a spreadsheet program or is damaged", MaxCellChars)
	}
	return &xmlError{row: s.lastRow, col: col, err: err}
}

// next returns the next <row>, io.EOF after </sheetData>.
func (s *sheetScanner) next() (bufferedRow, error) {
	if s.done {
		return bufferedRow{}, io.EOF
	}
	for !s.inData {
		t, err := s.x.Token()
		if err != nil {
			return bufferedRow{}, s.fail(0, err)
		}
		switch {
		case t.kind == tokEOF:
			s.done = true
			return bufferedRow{}, io.EOF
		case t.kind == tokStart && string(t.name) == "sheetData":
			if t.empty {
				s.done = true
				return bufferedRow{}, io.EOF
			}
			s.inData = true
		}
	}
	for {
		t, err := s.x.Token()
		if err != nil {
			return bufferedRow{}, s.fail(0, err)
		}
		switch {
		case t.kind == tokEnd && string(t.name) == "sheetData":
			// The rows are complete; what follows (merged cells, page
			// setup) is not read.
			s.done = true
			return bufferedRow{}, io.EOF
		case t.kind == tokStart && string(t.name) == "row":
			return s.row(t)
		case t.kind == tokStart && !t.empty:
			if err := s.x.Skip(); err != nil {
				return bufferedRow{}, s.fail(0, err)
			}
		}
	}
}

func (s *sheetScanner) row(t token) (bufferedRow, error) {
	s.lastRow++
	if v, ok := attr(t.attrs, "r"); ok {
		n := digits(v)
		if n == 0 {
			return bufferedRow{}, s.fail(0, fmt.Errorf("the row number %q is not a number from 1 to %d", clip(v), excelize.TotalRows))
		}
		s.lastRow = n
	}
	if s.lastRow > excelize.TotalRows {
		return bufferedRow{}, s.fail(0, fmt.Errorf("more than %d rows, Excel's limit", excelize.TotalRows))
	}
	br := bufferedRow{row: s.lastRow}
	if t.empty {
		return br, nil
	}
	col, size := 0, 0
	for {
		t, err := s.x.Token()
		if err != nil {
			return bufferedRow{}, s.fail(col+1, err)
		}
		switch {
		case t.kind == tokEnd && string(t.name) == "row":
			return br, nil
		case t.kind == tokStart && string(t.name) == "c":
			col++
			if v, ok := attr(t.attrs, "r"); ok {
				if c := refColumn(v); c > 0 {
					col = c
				} else {
					return bufferedRow{}, s.fail(col, fmt.Errorf("the cell reference %q is not a column from A to XFD", clip(v)))
				}
			}
			if col > excelize.MaxColumns {
				return bufferedRow{}, s.fail(0, fmt.Errorf("more than %d columns, Excel's limit", excelize.MaxColumns))
			}
			ty, shared := typeNumber, false
			if v, ok := attr(t.attrs, "t"); ok {
				ty, shared = parseCellType(string(v)), string(v) == "s"
			}
			style := 0
			if v, ok := attr(t.attrs, "s"); ok {
				style = digits(v)
			}
			if t.empty {
				continue
			}
			val, err := s.cell(shared)
			if err != nil {
				return bufferedRow{}, s.fail(col, err)
			}
			if val == "" {
				continue
			}
			if size += len(val); size > maxRowBytes {
				return bufferedRow{}, s.fail(col, fmt.Errorf("the row holds more than %d MiB of text", maxRowBytes>>20))
			}
			for len(br.raw) < col {
				br.raw = append(br.raw, "")
				br.types = append(br.types, typeNone)
				br.cls = append(br.cls, classUnknown)
			}
			br.raw[col-1], br.types[col-1] = val, ty
			if style < len(s.styles) {
				br.cls[col-1] = s.styles[style]
			}
		case t.kind == tokStart && !t.empty:
			if err := s.x.Skip(); err != nil {
				return bufferedRow{}, s.fail(col, err)
			}
		}
	}
}

// cell reads a <c> element's content after its start tag: the value of
// <v>, or the text of an inline string, resolving shared strings.
func (s *sheetScanner) cell(shared bool) (string, error) {
	var val string
	for {
		t, err := s.x.Token()
		if err != nil {
			return "", err
		}
		if t.kind == tokEnd && string(t.name) == "c" {
			return val, nil
		}
		if t.kind != tokStart || t.empty {
			continue
		}
		switch string(t.name) {
		case "v":
			if s.buf, err = s.x.Text(s.buf[:0], MaxCellChars); err != nil {
				return "", err
			}
			if !shared {
				val = string(s.buf)
				continue
			}
			i, err := strconv.Atoi(string(bytes.TrimSpace(s.buf)))
			if err != nil {
				return "", fmt.Errorf("the shared string index %q is not a number", clip(s.buf))
			}
			if val, err = s.sst.get(i); err != nil {
				return "", err
			}
		case "is":
			if s.buf, err = richText(s.x, s.buf[:0], "is"); err != nil {
				return "", err
			}
			val = bstrUnescape(string(s.buf))
			continue
		default:
			if err := s.x.Skip(); err != nil {
				return "", err
			}
		}
	}
}

// richText reads the text of a string item (<si> or <is>): its <t>, or the
// <t> of its runs, leaving out phonetic runs (<rPh>), through the end tag.
func richText(x *xmlScanner, dst []byte, end string) ([]byte, error) {
	for {
		t, err := x.Token()
		if err != nil {
			return dst, err
		}
		switch {
		case t.kind == tokEnd && string(t.name) == end:
			return dst, nil
		case t.kind == tokStart && t.empty:
		case t.kind == tokStart && string(t.name) == "t":
			if dst, err = x.Text(dst, MaxCellChars-utf8Count(dst)); err != nil {
				return dst, err
			}
		case t.kind == tokStart && (string(t.name) == "rPh" || string(t.name) == "phoneticPr" || string(t.name) == "rPr"):
			if err := x.Skip(); err != nil {
				return dst, err
			}
		}
	}
}

var bstrExp = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// bstrUnescape decodes the _xHHHH_ escapes Excel writes for characters XML
// cannot hold (_x000D_ is a carriage return, _x005F_ a literal underscore).
func bstrUnescape(s string) string {
	if len(s) < 7 || !bstrExp.MatchString(s) {
		return s
	}
	return bstrExp.ReplaceAllStringFunc(s, func(m string) string {
		v, _ := strconv.ParseUint(m[2:6], 16, 16)
		return string(rune(v))
	})
}

// sharedStrings is the workbook's shared strings table: in memory up to
// SharedStringsMemory; beyond that the text goes to a temporary file, its
// index (4 bytes a string) staying in memory up to maxMemIndex strings and
// going to a second file past that.
type sharedStrings struct {
	mem  []byte   // the text, until spilled
	ends []uint32 // where each string ends, until the index is spilled
	n    int
	// spilled
	data, index *os.File
	dw, iw      *bufio.Writer
	size        uint32
}

var maxMemIndex = 8 << 20 // strings whose index stays in memory once the text is spilled

func (t *sharedStrings) add(s []byte) error {
	if t.data == nil && len(t.mem)+len(s)+4*len(t.ends) > sstBudget {
		if err := t.spill(); err != nil {
			return err
		}
	}
	t.n++
	if t.data == nil {
		t.mem = append(t.mem, s...)
		t.ends = append(t.ends, uint32(len(t.mem)))
		return nil
	}
	if _, err := t.dw.Write(s); err != nil {
		return err
	}
	t.size += uint32(len(s))
	if t.index == nil {
		if t.ends = append(t.ends, t.size); len(t.ends) <= maxMemIndex {
			return nil
		}
		return t.spillIndex()
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], t.size)
	_, err := t.iw.Write(b[:])
	return err
}

func (t *sharedStrings) spill() error {
	var err error
	if t.data, err = os.CreateTemp("", "capsule-etl-sst-*"); err != nil {
		return err
	}
	t.dw = bufio.NewWriterSize(t.data, 1<<20)
	if _, err := t.dw.Write(t.mem); err != nil {
		return err
	}
	t.size = uint32(len(t.mem))
	t.mem = nil
	return nil
}

func (t *sharedStrings) spillIndex() error {
	var err error
	if t.index, err = os.CreateTemp("", "capsule-etl-sst-*.idx"); err != nil {
		return err
	}
	t.iw = bufio.NewWriterSize(t.index, 1<<20)
	var b [4]byte
	for _, e := range t.ends {
		binary.LittleEndian.PutUint32(b[:], e)
		if _, err := t.iw.Write(b[:]); err != nil {
			return err
		}
	}
	t.ends = nil
	return nil
}

func (t *sharedStrings) finish() error {
	var errs []error
	if t.dw != nil {
		errs = append(errs, t.dw.Flush())
	}
	if t.iw != nil {
		errs = append(errs, t.iw.Flush())
	}
	return errors.Join(errs...)
}

// bounds returns where string i starts and ends.
func (t *sharedStrings) bounds(i int) (uint32, uint32, error) {
	if t.index == nil {
		start := uint32(0)
		if i > 0 {
			start = t.ends[i-1]
		}
		return start, t.ends[i], nil
	}
	var b [8]byte
	if i == 0 {
		if _, err := t.index.ReadAt(b[4:], 0); err != nil {
			return 0, 0, err
		}
	} else if _, err := t.index.ReadAt(b[:], int64(i-1)*4); err != nil {
		return 0, 0, err
	}
	return binary.LittleEndian.Uint32(b[:4]), binary.LittleEndian.Uint32(b[4:]), nil
}

func (t *sharedStrings) get(i int) (string, error) {
	if t == nil || i < 0 || i >= t.n {
		return "", fmt.Errorf("the shared string %d does not exist (the table has %d)", i, t.Len())
	}
	start, end, err := t.bounds(i)
	if err != nil {
		return "", err
	}
	if t.data == nil {
		return string(t.mem[start:end]), nil
	}
	buf := make([]byte, end-start)
	if _, err := t.data.ReadAt(buf, int64(start)); err != nil {
		return "", err
	}
	return string(buf), nil
}

func (t *sharedStrings) Len() int {
	if t == nil {
		return 0
	}
	return t.n
}

// files are the temporary files of a spilled table.
func (t *sharedStrings) files() []*os.File {
	var fs []*os.File
	for _, f := range []*os.File{t.data, t.index} {
		if f != nil {
			fs = append(fs, f)
		}
	}
	return fs
}

func (t *sharedStrings) Close() error {
	if t == nil {
		return nil
	}
	var errs []error
	for _, f := range t.files() {
		errs = append(errs, f.Close(), os.Remove(f.Name()))
	}
	t.data, t.index = nil, nil
	return errors.Join(errs...)
}

// loadSharedStrings reads the shared strings part, checking it as strictly
// as a sheet. A workbook without one has an empty table.
func loadSharedStrings(ctx context.Context, zr *zip.Reader, part string) (*sharedStrings, error) {
	t := &sharedStrings{}
	zf := findPart(zr, part)
	if zf == nil || zf.UncompressedSize64 == 0 {
		return t, nil // no table, or an empty part some writers leave
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	x := newXMLScanner(ctx, rc)
	var buf []byte
	for {
		tok, err := x.Token()
		if err != nil {
			t.Close()
			return nil, sstError(part, t.n+1, err)
		}
		if tok.kind == tokEOF {
			break
		}
		if tok.kind != tokStart || string(tok.name) != "si" {
			continue
		}
		buf = buf[:0]
		if !tok.empty {
			if buf, err = richText(x, buf, "si"); err != nil {
				t.Close()
				return nil, sstError(part, t.n+1, err)
			}
		}
		if bytes.Contains(buf, []byte("_x")) {
			buf = []byte(bstrUnescape(string(buf)))
		}
		if err := t.add(buf); err != nil {
			t.Close()
			return nil, fmt.Errorf("keeping the shared strings in a temporary file: %w", err)
		}
	}
	if err := t.finish(); err != nil {
		t.Close()
		return nil, fmt.Errorf("keeping the shared strings in a temporary file: %w", err)
	}
	return t, nil
}

func sstError(part string, item int, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, errTooLong) {
		err = fmt.Errorf("the string holds more than %d characters, Excel's limit for a cell", MaxCellChars)
	}
	return fmt.Errorf("%w: the shared strings (%s), item %d: %w", ErrDamaged, part, item, err)
}

func utf8Count(b []byte) int { return utf8.RuneCount(b) }

// attr returns an attribute's value and whether the tag has it.
func attr(attrs []byte, name string) ([]byte, bool) {
	v := attrValue(attrs, name)
	return v, v != nil
}
