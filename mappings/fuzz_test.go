package mappings

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// FuzzParse feeds arbitrary bytes to Parse and Compile: they must never
// panic, and every problem must carry a position inside the file.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "version: 1", "records: []", "version: 1\nrecords:\n  p: {entity: person, fields: {firstName: {expr: '{A} +'}}}\n",
		"version: 1\nrecords:\n  p: &a {entity: person}\n  q: *a\n", "- - - [",
		"version: 1\nrecords:\n  p:\n    entity: note\n    fields: {content: {template: 'x {A'}}\n",
		"version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      tags: [{column: A, map: {a: b}, reject_unmapped: true}]\n",
		"version: 1\nrecords:\n  d:\n    entity: opportunity\n    fields: {value: {amount: {value: '1,5', locale: de}}}\n",
	} {
		f.Add([]byte(s))
	}
	header := formats.NewHeader([]string{"A", "B", "Name", "Email"})
	f.Fuzz(func(t *testing.T, src []byte) {
		// YAML breaks lines at \n, \r\n and a lone \r (as editors do).
		lines := 1
		for i, c := range src {
			if c == '\n' || c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
				lines++
			}
		}
		m, probs := Parse(src, "fuzz.yaml", WithEnv(func(string) (string, bool) { return "x", true }))
		for _, p := range probs {
			if p.Line < 0 || p.Line > lines+1 {
				t.Errorf("problem outside the file (%d lines): %v", lines, p)
			}
		}
		if m == nil {
			t.Fatal("Parse returned a nil mapping")
		}
		prog, _ := Compile(m, header)
		if prog != nil {
			rec := &formats.Record{Header: header, Values: []formats.Value{formats.StringValue("a"), {}, formats.StringValue("N"), formats.StringValue("x@y.example")}}
			prog.Eval(rec)
			_, _ = prog.Reverse("")
		}
	})
}
