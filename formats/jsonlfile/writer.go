package jsonlfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
)

// Writer writes one JSON object per line, keys in header order. Dates are
// "YYYY-MM-DD", timestamps RFC 3339, decimals exact JSON numbers, lists arrays.
// A file with no rows is empty: JSON Lines has no place for a header alone.
type Writer struct {
	fin  formats.Finisher // fin.Out is nil when writing to a stream
	buf  *bufio.Writer
	keys [][]byte
	line bytes.Buffer
	enc  *json.Encoder
}

var (
	_ formats.Writer  = (*Writer)(nil)
	_ formats.Aborter = (*Writer)(nil)
)

// Create writes path through a temporary file renamed into place on Close.
func Create(path string, header []string, overwrite bool) (*Writer, error) {
	af, err := formats.CreateAtomic(path, overwrite)
	if err != nil {
		return nil, err
	}
	w := NewWriter(af, header)
	w.fin.Out = af
	return w, nil
}

// NewWriter writes to dst; Close flushes but does not close it.
func NewWriter(dst io.Writer, header []string) *Writer {
	w := &Writer{buf: bufio.NewWriterSize(dst, 64<<10)}
	w.enc = json.NewEncoder(&w.line)
	w.enc.SetEscapeHTML(false)
	for _, h := range header {
		w.line.Reset()
		w.enc.Encode(h)
		w.keys = append(w.keys, append(bytes.Clone(bytes.TrimRight(w.line.Bytes(), "\n")), ':'))
	}
	return w
}

// Write writes one object.
func (w *Writer) Write(values []formats.Value) error {
	if w.fin.Err != nil {
		return w.fin.Err
	}
	if w.fin.Closed {
		return errors.New("jsonl writer: write after close")
	}
	if len(values) != len(w.keys) {
		w.fin.Err = fmt.Errorf("jsonl writer: %d values for %d columns", len(values), len(w.keys))
		return w.fin.Err
	}
	w.buf.WriteByte('{')
	for i, v := range values {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.buf.Write(w.keys[i])
		w.value(v)
	}
	w.buf.WriteByte('}')
	if err := w.buf.WriteByte('\n'); err != nil {
		w.fin.Err = err
	}
	return w.fin.Err
}

func (w *Writer) value(v formats.Value) {
	var scratch [64]byte
	switch v.Kind() {
	case formats.Null:
		w.buf.WriteString("null")
	case formats.Int:
		w.buf.Write(strconv.AppendInt(scratch[:0], v.Int(), 10))
	case formats.Float:
		if math.IsInf(v.Float(), 0) || math.IsNaN(v.Float()) {
			w.str(v.Text())
			return
		}
		w.buf.Write(strconv.AppendFloat(scratch[:0], v.Float(), 'g', -1, 64))
	case formats.Decimal:
		w.buf.WriteString(v.Text())
	case formats.Bool:
		w.buf.Write(strconv.AppendBool(scratch[:0], v.Bool()))
	case formats.Timestamp:
		w.str(v.Time().Format(time.RFC3339Nano))
	case formats.List:
		w.buf.WriteByte('[')
		for i, e := range v.List() {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.value(e)
		}
		w.buf.WriteByte(']')
	default:
		w.str(v.Text())
	}
}

func (w *Writer) str(s string) {
	w.line.Reset()
	w.enc.Encode(s)
	w.buf.Write(bytes.TrimRight(w.line.Bytes(), "\n"))
}

// Close flushes and puts the file in place; on error nothing is left there.
func (w *Writer) Close() error {
	return w.fin.Close(func() error {
		if w.fin.Err != nil {
			return nil // nothing worth flushing: the file is removed
		}
		return w.buf.Flush()
	})
}

// Abort leaves nothing at the final path.
func (w *Writer) Abort() error {
	if w == nil {
		return nil // nothing was created
	}
	return w.fin.Abort("jsonl writer", nil)
}
