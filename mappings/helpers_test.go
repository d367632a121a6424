package mappings

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
)

// readInput loads a test input with the real readers, using the source
// options of the mapping next to it (delimiter, encoding).
func readInput(t testing.TB, path string, src SourceOptions) (*formats.Header, []*formats.Record) {
	t.Helper()
	r, err := files.Open(path, files.Options{Delimiter: src.Delimiter, Encoding: src.Encoding, Sheet: src.Sheet, HeaderRow: src.HeaderRow})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, err := formats.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return r.Header(), recs
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

func str(s string) formats.Value { return formats.StringValue(s) }

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func contains1(s, sub string) bool { return strings.Contains(s, sub) }

func asText(v any) string {
	if v == nil {
		return "<nil>"
	}
	return fmt.Sprint(v)
}
