package mappings

import (
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
)

// readCSV loads a small test CSV as records (the real readers live in
// formats/files; the mapping library only needs header and values).
func readCSV(t testing.TB, path string, delim rune) (*formats.Header, []*formats.Record) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = delim
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := formats.NewHeader(rows[0])
	var recs []*formats.Record
	for i, row := range rows[1:] {
		vals := make([]formats.Value, len(row))
		for j, c := range row {
			if c != "" {
				vals[j] = formats.StringValue(c)
			}
		}
		recs = append(recs, &formats.Record{Header: h, Values: vals, Pos: formats.Position{File: path, Row: i + 2}})
	}
	return h, recs
}

func mustCompile(t testing.TB, src string, h *formats.Header) *Program {
	t.Helper()
	m, probs := Parse([]byte(src), "test.yaml", WithEnv(func(string) (string, bool) { return "", false }))
	if probs.HasErrors() {
		t.Fatalf("parse: %v", probs)
	}
	p, probs := Compile(m, h)
	if probs.HasErrors() {
		t.Fatalf("compile: %v", probs)
	}
	return p
}

func delimOf(path string) rune {
	b, _ := os.ReadFile(path)
	first, _, _ := strings.Cut(string(b), "\n")
	if strings.Count(first, ";") > strings.Count(first, ",") {
		return ';'
	}
	return ','
}

func str(s string) formats.Value { return formats.StringValue(s) }

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func contains1(s, sub string) bool { return strings.Contains(s, sub) }

func asText(v any) string {
	if v == nil {
		return "<nil>"
	}
	return fmt.Sprint(v)
}
