package files

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
)

// format describes, for the conformance suite, how each format gives back
// what was written: CSV keeps text, XLSX has no decimals or lists, JSON
// Lines has no dates, Parquet keeps every kind.
type format struct {
	ext string
	// noBlankRows: rows with every cell empty are not read back (XLSX skips them).
	noBlankRows bool
	// noBareHeader: a header without rows is not kept (JSON Lines).
	noBareHeader bool
	expect       func(v formats.Value, k formats.Kind) formats.Value
}

var (
	day   = time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	stamp = time.Date(2024, 3, 1, 13, 30, 15, 0, time.UTC)
)

func asText(v formats.Value) formats.Value {
	if v.IsNull() || v.Text() == "" {
		return formats.Value{}
	}
	return formats.StringValue(v.Text())
}

var conformanceFormats = []format{
	{ext: ".csv", expect: func(v formats.Value, _ formats.Kind) formats.Value {
		if v.Kind() == formats.String && formats.FormulaGuard(v.Text()) != v.Text() {
			return formats.StringValue(formats.FormulaGuard(v.Text()))
		}
		return asText(v)
	}},
	{ext: ".csv.gz", expect: func(v formats.Value, _ formats.Kind) formats.Value { return asText(v) }},
	{ext: ".xlsx", noBlankRows: true, expect: func(v formats.Value, _ formats.Kind) formats.Value {
		switch v.Kind() {
		case formats.Decimal:
			return formats.FloatValue(mustFloat(v.Text()))
		case formats.List:
			return asText(v)
		case formats.String:
			if v.Text() == "" {
				return formats.Value{}
			}
		}
		return v
	}},
	{ext: ".parquet", expect: func(v formats.Value, k formats.Kind) formats.Value {
		if v.Kind() == formats.String && k == formats.String && v.Text() == "" {
			return v
		}
		return v
	}},
	{ext: ".jsonl", noBareHeader: true, expect: func(v formats.Value, _ formats.Kind) formats.Value {
		switch v.Kind() {
		case formats.Decimal:
			return formats.FloatValue(mustFloat(v.Text()))
		case formats.Date, formats.Timestamp:
			return formats.StringValue(v.Text())
		}
		return v
	}},
}

func mustFloat(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}

// table is one conformance case: a header with column kinds and rows.
type table struct {
	name  string
	cols  []string
	kinds []formats.Kind
	rows  [][]formats.Value
}

func allKinds() table {
	return table{
		name:  "every kind with nulls and unicode",
		cols:  []string{"name", "count", "ratio", "amount", "active", "born", "seen", "tags"},
		kinds: []formats.Kind{formats.String, formats.Int, formats.Float, formats.Decimal, formats.Bool, formats.Date, formats.Timestamp, formats.List},
		rows: [][]formats.Value{
			{formats.StringValue("Zoë Ünïcödé 日本語 🎉"), formats.IntValue(-42), formats.FloatValue(2.5), formats.DecimalValue("1234.50"), formats.BoolValue(true),
				formats.DateValue(day), formats.TimestampValue(stamp), formats.ListValue([]formats.Value{formats.StringValue("vip"), formats.StringValue("eu")})},
			{formats.Value{}, formats.Value{}, formats.Value{}, formats.Value{}, formats.Value{}, formats.Value{}, formats.Value{}, formats.Value{}},
			{formats.StringValue("line one\nline \"two\", with comma"), formats.IntValue(1 << 40), formats.FloatValue(-0.125), formats.DecimalValue("-0.10"), formats.BoolValue(false),
				formats.DateValue(time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)), formats.TimestampValue(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), formats.ListValue([]formats.Value{formats.StringValue("x")})},
		},
	}
}

func formulas() table {
	t := table{name: "formula-looking text", cols: []string{"text"}, kinds: []formats.Kind{formats.String}}
	for _, s := range []string{"=SUM(A1:A9)", "+1-2", "-cmd", "@import", "\tx", "safe = text"} {
		t.rows = append(t.rows, []formats.Value{formats.StringValue(s)})
	}
	return t
}

// numberLikeText is text that looks like numbers, booleans or dates: every
// format must give it back as the same string (an XLSX text cell "123" once
// read back as Int 123, and "1e5" as 100000), beside a real number and date.
func numberLikeText() table {
	t := table{name: "number-looking text", cols: []string{"text", "n", "d"}, kinds: []formats.Kind{formats.String, formats.Int, formats.Date}}
	for _, s := range []string{"+49307654321", "01234", "007", "1e5", "123", "-42", "2.50", "TRUE", "2024-02-29"} {
		t.rows = append(t.rows, []formats.Value{formats.StringValue(s), formats.IntValue(12), formats.DateValue(day)})
	}
	return t
}

func wide() table {
	t := table{name: "wide row of 300 columns"}
	row := make([]formats.Value, 300)
	for i := range row {
		t.cols = append(t.cols, fmt.Sprintf("col %d", i))
		t.kinds = append(t.kinds, formats.Int)
		row[i] = formats.IntValue(int64(i * 7))
	}
	t.rows = [][]formats.Value{row, row}
	return t
}

func empty() table { return table{name: "empty file"} }

func headerOnly() table {
	return table{name: "header only", cols: []string{"a", "b"}, kinds: []formats.Kind{formats.String, formats.Int}}
}

func many() table {
	t := table{name: "3000 rows", cols: []string{"id", "email"}, kinds: []formats.Kind{formats.Int, formats.String}}
	for i := range 3000 {
		t.rows = append(t.rows, []formats.Value{formats.IntValue(int64(i)), formats.StringValue(fmt.Sprintf("p%d@example.com", i))})
	}
	return t
}

func TestConformance(t *testing.T) {
	for _, f := range conformanceFormats {
		for _, tb := range []table{allKinds(), formulas(), numberLikeText(), wide(), empty(), headerOnly(), many()} {
			if f.ext == ".csv.gz" && tb.name != "3000 rows" {
				continue // the .gz path only adds compression to CSV
			}
			t.Run(f.ext+"/"+tb.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "out"+f.ext)
				w, err := Create(path, tb.cols, WriteOptions{ColumnTypes: tb.kinds})
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range tb.rows {
					if err := w.Write(row); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if f.noBlankRows {
					tb.rows = dropBlank(tb.rows)
				}
				if f.noBareHeader && len(tb.rows) == 0 {
					tb.cols = nil
				}
				r, err := Open(path, Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				if got := strings.Join(r.Header().Names(), "|"); got != strings.Join(tb.cols, "|") {
					t.Fatalf("header = %q, want %q", got, tb.cols)
				}
				n := 0
				for ; ; n++ {
					rec, err := r.Read()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					if n >= len(tb.rows) {
						t.Fatalf("more rows read than the %d written", len(tb.rows))
					}
					for i, v := range rec.Values {
						if want := f.expect(tb.rows[n][i], tb.kinds[i]); !v.Equal(want) {
							t.Fatalf("row %d column %q = %q (%s), want %q (%s)", n, tb.cols[i], v.Text(), v.Kind(), want.Text(), want.Kind())
						}
					}
				}
				if n != len(tb.rows) {
					t.Fatalf("read %d rows, want %d", n, len(tb.rows))
				}
			})
		}
	}
}

func dropBlank(rows [][]formats.Value) [][]formats.Value {
	var out [][]formats.Value
	for _, r := range rows {
		for _, v := range r {
			if !v.IsNull() {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func TestWritersAreAtomic(t *testing.T) {
	for _, f := range conformanceFormats {
		t.Run(f.ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out"+f.ext)
			if err := os.WriteFile(path, []byte("keep me"), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Create(path, []string{"a"}, WriteOptions{}); !errors.Is(err, formats.ErrExists) {
				t.Fatalf("create over existing file: err = %v, want ErrExists", err)
			}
			w, err := Create(path, []string{"a"}, WriteOptions{Overwrite: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write([]formats.Value{formats.StringValue("x")}); err != nil {
				t.Fatal(err)
			}
			if err := w.(formats.Aborter).Abort(); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); string(b) != "keep me" {
				t.Fatalf("abort changed the existing file: %q", b)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Fatalf("abort left temporary files: %v", ents)
			}
			w, _ = Create(path, []string{"a"}, WriteOptions{Overwrite: true})
			if err := w.Write([]formats.Value{formats.StringValue("x"), formats.StringValue("y")}); err == nil {
				t.Fatal("writing 2 values for 1 column succeeded")
			}
			if err := w.Write([]formats.Value{formats.StringValue("x")}); err == nil {
				t.Fatal("error is not sticky")
			}
			if err := w.Close(); err == nil {
				t.Fatal("close after a failed write succeeded")
			}
			if b, _ := os.ReadFile(path); string(b) != "keep me" {
				t.Fatalf("failed writer replaced the file: %q", b)
			}
		})
	}
}

func TestFormulaGuardOptOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raw.csv")
	w, err := Create(path, []string{"f"}, WriteOptions{NoFormulaGuard: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]formats.Value{formats.StringValue("=1+1")})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "f\n=1+1\n" {
		t.Fatalf("file = %q", b)
	}
}
