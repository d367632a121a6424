package layout

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// FuzzMappingCustomFieldNames: whatever a custom field is called (quotes,
// colons, dollars, braces, YAML syntax), the layout mapping compiles with
// zero problems and sends the value under that exact name.
func FuzzMappingCustomFieldNames(f *testing.F) {
	for _, seed := range []string{"Lead Source", "Price $", "${HOME}", `a "quoted": name`, "#hash", "- dash", "{Type}", "ümlaut", "a: b", "[x]", "*star", "x\ty", "$$"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		name = strings.TrimSpace(name)
		if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "\n\r\x00") || strings.ContainsRune(name, utf8.RuneError) {
			return
		}
		l, err := New(Parties, Counts{Emails: 1}, []Field{{Name: name, Type: "text"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := formats.NewHeader(l.Header())
		m, err := Mapping(Parties, h)
		if err != nil {
			src, _ := MappingYAML(Parties, h)
			t.Fatalf("%v\n%s", err, src)
		}
		prog, probs := mappings.Compile(m, h)
		if len(probs) != 0 {
			t.Fatalf("compile: %v", probs)
		}
		vals := make([]formats.Value, h.Len())
		vals[1] = formats.StringValue("organisation")
		vals[2] = formats.StringValue("Acme")
		vals[h.Len()-4] = formats.StringValue("v")
		ops, errs := prog.Eval(&formats.Record{Header: h, Values: vals})
		if len(errs) != 0 {
			t.Fatal(errs)
		}
		b, _ := json.Marshal(ops[0].Body["fields"])
		want, _ := json.Marshal([]any{map[string]any{"definition": map[string]any{"name": name}, "value": "v"}})
		if string(b) != string(want) {
			t.Fatalf("fields = %s, want %s", b, want)
		}
	})
}
