package parquetfile

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/capsule-etl/capsule-etl/formats"
)

// Defaults for writing.
const (
	DefaultRowGroupRows = 64 << 10
	DefaultDecimalScale = 2 // money
	decimalPrecision    = 38
)

type wconfig struct {
	overwrite bool
	codec     compress.Compression
	scale     int32
	groupRows int
}

// WriteOption configures a Writer.
type WriteOption func(*wconfig)

// WithOverwrite allows replacing an existing file.
func WithOverwrite(ok bool) WriteOption { return func(c *wconfig) { c.overwrite = ok } }

// WithCompression picks "zstd" (default), "snappy", "gzip" or "none".
func WithCompression(name string) WriteOption {
	return func(c *wconfig) {
		switch strings.ToLower(name) {
		case "snappy":
			c.codec = compress.Codecs.Snappy
		case "gzip":
			c.codec = compress.Codecs.Gzip
		case "none", "uncompressed":
			c.codec = compress.Codecs.Uncompressed
		default:
			c.codec = compress.Codecs.Zstd
		}
	}
}

// WithDecimalScale sets the digits after the point of Decimal columns.
func WithDecimalScale(s int) WriteOption { return func(c *wconfig) { c.scale = int32(s) } }

// WithRowGroupRows sets the rows per row group (and per in-memory batch).
func WithRowGroupRows(n int) WriteOption { return func(c *wconfig) { c.groupRows = n } }

// Writer writes rows as Parquet with logical types chosen from the column
// kinds: string, int64, double, decimal(38, scale), boolean, date32,
// timestamp(µs, UTC) and list<string>. Errors are sticky.
type Writer struct {
	cfg    wconfig
	fin    formats.Finisher
	fw     *pqarrow.FileWriter
	schema *arrow.Schema
	kinds  []formats.Kind
	names  []string
	rb     *array.RecordBuilder
	rows   int
}

var (
	_ formats.Writer  = (*Writer)(nil)
	_ formats.Aborter = (*Writer)(nil)
)

// Schema is the arrow schema Create uses for header and kinds (Null = string).
func Schema(header []string, kinds []formats.Kind, scale int32) *arrow.Schema {
	fields := make([]arrow.Field, len(header))
	for i, h := range header {
		k := formats.String
		if i < len(kinds) && kinds[i] != formats.Null {
			k = kinds[i]
		}
		var t arrow.DataType
		switch k {
		case formats.Int:
			t = arrow.PrimitiveTypes.Int64
		case formats.Float:
			t = arrow.PrimitiveTypes.Float64
		case formats.Decimal:
			t = &arrow.Decimal128Type{Precision: decimalPrecision, Scale: scale}
		case formats.Bool:
			t = arrow.FixedWidthTypes.Boolean
		case formats.Date:
			t = arrow.FixedWidthTypes.Date32
		case formats.Timestamp:
			t = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		case formats.List:
			t = arrow.ListOf(arrow.BinaryTypes.String)
		default:
			t = arrow.BinaryTypes.String
		}
		fields[i] = arrow.Field{Name: h, Type: t, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// Create writes path through a temporary file renamed into place on Close.
func Create(path string, header []string, kinds []formats.Kind, opts ...WriteOption) (*Writer, error) {
	cfg := wconfig{codec: compress.Codecs.Zstd, scale: DefaultDecimalScale, groupRows: DefaultRowGroupRows}
	for _, o := range opts {
		o(&cfg)
	}
	out, err := formats.CreateAtomic(path, cfg.overwrite)
	if err != nil {
		return nil, err
	}
	w := &Writer{cfg: cfg, fin: formats.Finisher{Out: out}, names: header, schema: Schema(header, kinds, cfg.scale)}
	for _, f := range w.schema.Fields() {
		w.kinds = append(w.kinds, kindOf(f.Type))
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(cfg.codec), parquet.WithMaxRowGroupLength(int64(cfg.groupRows)))
	// Wrapped so the parquet writer cannot close the file: Commit syncs and closes it.
	if w.fw, err = pqarrow.NewFileWriter(w.schema, struct{ io.Writer }{out}, props, pqarrow.DefaultWriterProps()); err != nil {
		out.Abort()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	w.rb = array.NewRecordBuilder(memory.NewGoAllocator(), w.schema)
	return w, nil
}

// Write adds one row. A value whose kind differs from its column's is
// converted when that is exact (Int into Float or Decimal, text parsed as
// the column kind); otherwise the write fails naming the column.
func (w *Writer) Write(values []formats.Value) error {
	if w.fin.Err != nil {
		return w.fin.Err
	}
	if w.fin.Closed {
		return errors.New("parquet writer: write after close")
	}
	if len(values) != len(w.kinds) {
		w.fin.Err = fmt.Errorf("parquet writer: %d values for %d columns", len(values), len(w.kinds))
		return w.fin.Err
	}
	for i, v := range values {
		if err := w.append(i, v); err != nil {
			w.fin.Err = fmt.Errorf("parquet writer: row %d, column %q: %w", w.rows+1, w.names[i], err)
			return w.fin.Err
		}
	}
	w.rows++
	if w.rb.Field(0).Len() >= w.cfg.groupRows {
		return w.flush()
	}
	return nil
}

func (w *Writer) append(i int, v formats.Value) error {
	b := w.rb.Field(i)
	if v.IsNull() {
		b.AppendNull()
		return nil
	}
	want := w.kinds[i]
	if v.Kind() != want {
		conv, err := coerce(v, want)
		if err != nil {
			return err
		}
		v = conv
	}
	switch bb := b.(type) {
	case *array.StringBuilder:
		bb.Append(v.Text())
	case *array.Int64Builder:
		bb.Append(v.Int())
	case *array.Float64Builder:
		bb.Append(v.Float())
	case *array.BooleanBuilder:
		bb.Append(v.Bool())
	case *array.Date32Builder:
		bb.Append(arrow.Date32FromTime(v.Time()))
	case *array.TimestampBuilder:
		bb.Append(arrow.Timestamp(v.Time().UnixMicro()))
	case *array.Decimal128Builder:
		n, err := decimal128.FromString(v.Text(), decimalPrecision, w.cfg.scale)
		if err != nil {
			return fmt.Errorf("decimal %q: %w", v.Text(), err)
		}
		bb.Append(n)
	case *array.ListBuilder:
		bb.Append(true)
		eb := bb.ValueBuilder().(*array.StringBuilder)
		for _, e := range v.List() {
			if e.IsNull() {
				eb.AppendNull()
			} else {
				eb.Append(e.Text())
			}
		}
	default:
		return fmt.Errorf("unsupported column builder %T", b)
	}
	return nil
}

func coerce(v formats.Value, want formats.Kind) (formats.Value, error) {
	switch {
	case want == formats.String:
		return formats.StringValue(v.Text()), nil
	case want == formats.Float && v.Kind() == formats.Int:
		return formats.FloatValue(float64(v.Int())), nil
	case want == formats.Decimal && (v.Kind() == formats.Int || v.Kind() == formats.Float):
		return formats.DecimalValue(v.Text()), nil
	case want == formats.Timestamp && v.Kind() == formats.Date:
		return formats.TimestampValue(v.Time()), nil
	case want == formats.List:
		return formats.ListValue([]formats.Value{v}), nil
	case v.Kind() == formats.String:
		return formats.ParseValue(v.Text(), want)
	}
	return v, fmt.Errorf("a %s value in a %s column", v.Kind(), want)
}

func (w *Writer) flush() error {
	if w.rb.Field(0).Len() == 0 && w.rows > 0 {
		return nil
	}
	rec := w.rb.NewRecordBatch()
	defer rec.Release()
	if rec.NumRows() == 0 {
		return nil
	}
	if err := w.fw.Write(rec); err != nil {
		w.fin.Err = fmt.Errorf("parquet writer: %w", err)
	}
	return w.fin.Err
}

// Close writes the footer, syncs and renames the file into place; on error
// nothing is left at the final path.
func (w *Writer) Close() error {
	return w.fin.Close(func() error {
		if w.fin.Err == nil && len(w.kinds) > 0 {
			w.flush()
		}
		// Closed even after an error, to free the column writers.
		err := w.fw.Close()
		w.rb.Release()
		if err != nil {
			return fmt.Errorf("parquet writer: %w", err)
		}
		return nil
	})
}

// Abort leaves nothing at the final path.
func (w *Writer) Abort() error {
	if w == nil {
		return nil // nothing was created
	}
	return w.fin.Abort("parquet writer", w.rb.Release)
}
