package parquetfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/capsule-etl/capsule-etl/formats"
)

var instant = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// typedColumns is one column per arrow type people put in Parquet, each
// with one value row and one null row.
func typedColumns() ([]arrow.Field, []func(b array.Builder), []formats.Value) {
	ts := func(u arrow.TimeUnit, zone string) arrow.Field {
		return arrow.Field{Name: "ts_" + u.String() + "_" + zone, Type: &arrow.TimestampType{Unit: u, TimeZone: zone}, Nullable: true}
	}
	fields := []arrow.Field{
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
		{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
		{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		ts(arrow.Second, "UTC"), ts(arrow.Millisecond, "Europe/Berlin"), ts(arrow.Microsecond, ""), ts(arrow.Nanosecond, "UTC"),
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	}
	fill := []func(b array.Builder){
		func(b array.Builder) { b.(*array.Int8Builder).Append(-8) },
		func(b array.Builder) { b.(*array.Int16Builder).Append(-16) },
		func(b array.Builder) { b.(*array.Int32Builder).Append(-32) },
		func(b array.Builder) { b.(*array.Int64Builder).Append(-64) },
		func(b array.Builder) { b.(*array.Uint8Builder).Append(8) },
		func(b array.Builder) { b.(*array.Uint16Builder).Append(16) },
		func(b array.Builder) { b.(*array.Uint32Builder).Append(32) },
		func(b array.Builder) { b.(*array.Uint64Builder).Append(1 << 63) },
		func(b array.Builder) { b.(*array.Float32Builder).Append(1.5) },
		func(b array.Builder) { b.(*array.Float64Builder).Append(2.25) },
		func(b array.Builder) { b.(*array.Decimal128Builder).Append(decimal128.FromI64(123450)) },
		func(b array.Builder) { b.(*array.StringBuilder).Append("Zoë €") },
		func(b array.Builder) { b.(*array.BooleanBuilder).Append(true) },
		func(b array.Builder) { b.(*array.Date32Builder).Append(arrow.Date32FromTime(instant)) },
		func(b array.Builder) { b.(*array.TimestampBuilder).Append(arrow.Timestamp(instant.Unix())) },
		func(b array.Builder) { b.(*array.TimestampBuilder).Append(arrow.Timestamp(instant.UnixMilli())) },
		func(b array.Builder) { b.(*array.TimestampBuilder).Append(arrow.Timestamp(instant.UnixMicro())) },
		func(b array.Builder) { b.(*array.TimestampBuilder).Append(arrow.Timestamp(instant.UnixNano())) },
		func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.StringBuilder).AppendValues([]string{"vip", "eu"}, nil)
		},
	}
	want := []formats.Value{
		formats.IntValue(-8), formats.IntValue(-16), formats.IntValue(-32), formats.IntValue(-64),
		formats.IntValue(8), formats.IntValue(16), formats.IntValue(32), formats.DecimalValue("9223372036854775808"),
		formats.FloatValue(1.5), formats.FloatValue(2.25), formats.DecimalValue("1234.50"), formats.StringValue("Zoë €"),
		formats.BoolValue(true), formats.DateValue(instant),
		formats.TimestampValue(instant), formats.TimestampValue(instant), formats.TimestampValue(instant), formats.TimestampValue(instant),
		formats.ListValue([]formats.Value{formats.StringValue("vip"), formats.StringValue("eu")}),
	}
	return fields, fill, want
}

func writeTyped(t testing.TB, path string) {
	t.Helper()
	fields, fill, _ := typedColumns()
	sc := arrow.NewSchema(fields, nil)
	rb := array.NewRecordBuilder(memory.NewGoAllocator(), sc)
	defer rb.Release()
	for i, f := range fill {
		f(rb.Field(i))
		rb.Field(i).AppendNull()
	}
	rec := rb.NewRecordBatch()
	defer rec.Release()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fw, err := pqarrow.NewFileWriter(sc, out, parquet.NewWriterProperties(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReadEveryType(t *testing.T) {
	p := filepath.Join(t.TempDir(), "typed.parquet")
	writeTyped(t, p)
	fields, _, want := typedColumns()
	r, err := Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fields {
		t.Run(f.Name, func(t *testing.T) {
			if got := rec.Values[i]; !got.Equal(want[i]) {
				t.Errorf("%s = %v (%s), want %v (%s)", f.Name, got, got.Kind(), want[i], want[i].Kind())
			}
		})
	}
	rec, err = r.Read()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range rec.Values {
		if !v.IsNull() {
			t.Errorf("row 2 column %s = %v, want null", fields[i].Name, v)
		}
	}
	if rec.Pos.Row != 3 {
		t.Errorf("second data row numbered %d, want 3", rec.Pos.Row)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("third read: %v, want EOF", err)
	}
}

func TestProjection(t *testing.T) {
	p := filepath.Join(t.TempDir(), "typed.parquet")
	writeTyped(t, p)
	tests := []struct {
		name    string
		cols    []string
		want    string
		wantErr error
	}{
		{"two columns in the order asked", []string{"s", "i32"}, "s|i32", nil},
		{"list column", []string{"tags"}, "tags", nil},
		{"unknown column", []string{"nope"}, "", formats.ErrUnknownColumn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(context.Background(), p, WithColumns(tt.cols...))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := strings.Join(r.Header().Names(), "|"); got != tt.want {
				t.Fatalf("header = %q, want %q", got, tt.want)
			}
			rec, err := r.Read()
			if err != nil || len(rec.Values) != len(tt.cols) || rec.Values[0].IsNull() {
				t.Fatalf("read = %v, %v", rec, err)
			}
		})
	}
}

func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	writeTyped(t, good)
	data, _ := os.ReadFile(good)
	flip := append([]byte(nil), data...)
	for i := 4; i < len(flip)/2; i += 7 {
		flip[i] ^= 0x5A
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated to half", data[:len(data)/2]},
		{"footer cut", data[:len(data)-3]},
		{"pages scrambled", flip},
		{"csv with wrong extension", []byte("a,b\n1,2\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".parquet")
			os.WriteFile(p, tt.data, 0o644)
			err := drain(p)
			if err == nil {
				t.Fatal("damaged file read without error")
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// drain reads a whole file and returns the first error.
func drain(p string) error {
	r, err := Open(context.Background(), p, WithMemoryLimit(64<<20))
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		if _, err := r.Read(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
