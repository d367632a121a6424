package files

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
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
