package csvfile

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
)

type wconfig struct {
	delim     rune
	overwrite bool
	noGuard   bool
	bom       bool
}

// WriteOption configures a Writer.
type WriteOption func(*wconfig)

// WithOverwrite allows replacing an existing file.
func WithOverwrite(ok bool) WriteOption { return func(c *wconfig) { c.overwrite = ok } }

// WithoutFormulaGuard writes text starting with = + - @ tab or CR as is,
// instead of prefixing it with a ' so spreadsheets do not run it (see
// formats.FormulaGuard; numbers and phone numbers are never guarded).
func WithoutFormulaGuard() WriteOption { return func(c *wconfig) { c.noGuard = true } }

// WithWriteDelimiter sets the delimiter (default comma; tab for .tsv via files.Create).
func WithWriteDelimiter(d rune) WriteOption { return func(c *wconfig) { c.delim = d } }

// WithBOM starts the file with a UTF-8 BOM, which Excel needs to read UTF-8.
func WithBOM() WriteOption { return func(c *wconfig) { c.bom = true } }

// Writer writes records as CSV text. Errors are sticky.
type Writer struct {
	cfg    wconfig
	fin    formats.Finisher // fin.Out is nil when writing to a stream
	gz     *gzip.Writer
	buf    *bufio.Writer
	cw     *csv.Writer
	n      int
	fields []string
}

var (
	_ formats.Writer  = (*Writer)(nil)
	_ formats.Aborter = (*Writer)(nil)
)

// Create writes path through a temporary file renamed into place on Close;
// a path ending in .gz is compressed.
func Create(path string, header []string, opts ...WriteOption) (*Writer, error) {
	cfg := wconfig{delim: ','}
	for _, o := range opts {
		o(&cfg)
	}
	af, err := formats.CreateAtomic(path, cfg.overwrite)
	if err != nil {
		return nil, err
	}
	var dst io.Writer = af
	var gz *gzip.Writer
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz = gzip.NewWriter(af)
		dst = gz
	}
	w, err := newWriter(dst, header, cfg)
	if err != nil {
		af.Abort()
		return nil, err
	}
	w.fin.Out, w.gz = af, gz
	return w, nil
}

// NewWriter writes CSV to dst (stdout, a buffer); Close flushes but does not close dst.
func NewWriter(dst io.Writer, header []string, opts ...WriteOption) (*Writer, error) {
	cfg := wconfig{delim: ','}
	for _, o := range opts {
		o(&cfg)
	}
	return newWriter(dst, header, cfg)
}

func newWriter(dst io.Writer, header []string, cfg wconfig) (*Writer, error) {
	w := &Writer{cfg: cfg, n: len(header), fields: make([]string, len(header))}
	w.buf = bufio.NewWriterSize(dst, 64<<10)
	if cfg.bom {
		w.buf.WriteString("\uFEFF")
	}
	w.cw = csv.NewWriter(w.buf)
	w.cw.Comma = cfg.delim
	if len(header) > 0 {
		if err := w.cw.Write(header); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Write writes one row; values must match the header's length.
func (w *Writer) Write(values []formats.Value) error {
	if w.fin.Err != nil {
		return w.fin.Err
	}
	if w.fin.Closed {
		return errors.New("csv writer: write after close")
	}
	if len(values) != w.n {
		w.fin.Err = fmt.Errorf("csv writer: %d values for %d columns", len(values), w.n)
		return w.fin.Err
	}
	for i, v := range values {
		s := v.Text()
		if v.Kind() == formats.String && !w.cfg.noGuard {
			s = formats.FormulaGuard(s)
		}
		w.fields[i] = s
	}
	if err := w.cw.Write(w.fields); err != nil {
		w.fin.Err = err
	}
	return w.fin.Err
}

// Close flushes and, for files, syncs and renames into place. On any error
// the temporary file is removed and the final path is left untouched.
func (w *Writer) Close() error {
	return w.fin.Close(func() error {
		if w.fin.Err != nil {
			return nil // nothing worth flushing: the file is removed
		}
		w.cw.Flush()
		if err := w.cw.Error(); err != nil {
			return err
		}
		if err := w.buf.Flush(); err != nil {
			return err
		}
		if w.gz != nil {
			return w.gz.Close()
		}
		return nil
	})
}

// Abort gives up: nothing is left at the final path.
func (w *Writer) Abort() error {
	if w == nil {
		return nil // nothing was created
	}
	return w.fin.Abort("csv writer", nil)
}
