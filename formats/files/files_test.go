package files

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/csvfile"
	"github.com/capsule-etl/capsule-etl/formats/jsonlfile"
	"github.com/capsule-etl/capsule-etl/formats/parquetfile"
	"github.com/capsule-etl/capsule-etl/formats/xlsxfile"
)

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]string{
		"a.csv": "csv", "A.TSV": "csv", "x.txt": "csv", "x.csv.gz": "csv", "b.xlsx": "xlsx",
		"c.parquet": "parquet", "d.jsonl": "jsonl", "e.ndjson": "jsonl", "f.doc": "", "-": "csv",
	} {
		if got := FormatOf(path); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestStdinAndStdout(t *testing.T) {
	r, err := Open("-", Options{Stdin: strings.NewReader("a;b\n1;2\n")})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Read()
	if err != nil || rec.Values[1].Text() != "2" || InfoOf(r).Delimiter != ";" {
		t.Fatalf("read %v, %v, info %+v", rec, err, InfoOf(r))
	}
	var out bytes.Buffer
	w, err := Create("-", []string{"x"}, WriteOptions{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]formats.Value{formats.StringValue("@x")})
	if err := w.Close(); err != nil || out.String() != "x\n'@x\n" {
		t.Fatalf("stdout %q, err %v", out.String(), err)
	}
}

func TestTSVByExtension(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.tsv")
	w, err := Create(p, []string{"a", "b"}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]formats.Value{formats.StringValue("x,y"), formats.IntValue(1)})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "a\tb\nx,y\t1\n" {
		t.Fatalf("file %q", b)
	}
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := r.Read(); err != nil || rec.Values[0].Text() != "x,y" {
		t.Fatalf("read %v %v", rec, err)
	}
}

func TestUnknownFormat(t *testing.T) {
	_, err := Open("x.doc", Options{})
	var pe *formats.ParseError
	if !errors.Is(err, ErrUnknownFormat) || !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Create("x.doc", nil, WriteOptions{}); !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("create err = %v", err)
	}
}

// TestErrorsGiveNilInterfaces checks that a failed Create or Open returns a
// nil interface, not a nil pointer inside one, which a caller's deferred
// Abort or Close would call and crash on (an export to a missing directory
// did).
func TestErrorsGiveNilInterfaces(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	for _, ext := range []string{".csv", ".csv.gz", ".xlsx", ".parquet", ".jsonl"} {
		t.Run("create "+ext, func(t *testing.T) {
			w, err := Create(filepath.Join(missing, "out"+ext), []string{"a"}, WriteOptions{})
			if err == nil || w != nil {
				t.Errorf("Create in a missing directory: writer %#v, err %v; want nil and an error", w, err)
			}
			if a, ok := w.(formats.Aborter); ok {
				a.Abort() // must not crash even on a nil pointer
			}
		})
		t.Run("open "+ext, func(t *testing.T) {
			r, err := Open(filepath.Join(missing, "in"+ext), Options{})
			if err == nil || r != nil {
				t.Errorf("Open of a missing file: reader %#v, err %v; want nil and an error", r, err)
			}
		})
	}
}

func TestAbortOnNilWriters(t *testing.T) {
	for name, a := range map[string]formats.Aborter{
		"csv": (*csvfile.Writer)(nil), "jsonl": (*jsonlfile.Writer)(nil), "parquet": (*parquetfile.Writer)(nil),
		"xlsx": (*xlsxfile.FileWriter)(nil), "workbook": (*xlsxfile.Workbook)(nil),
	} {
		t.Run(name, func(t *testing.T) {
			if err := a.Abort(); err != nil {
				t.Errorf("Abort on a nil %s writer: %v", name, err)
			}
		})
	}
}
