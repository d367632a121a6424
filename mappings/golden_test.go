package mappings

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// examples are the mappings with an input file of the same name.
func examples(t *testing.T) []string {
	t.Helper()
	ms, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		base := strings.TrimSuffix(m, ".yaml")
		if _, err := os.Stat(base + ".csv"); err == nil {
			out = append(out, base)
		}
	}
	if len(out) < 3 {
		t.Fatalf("expected at least 3 example mappings with inputs, found %d", len(out))
	}
	return out
}

func loadExample(t *testing.T, base string) (*Program, []*formats.Record) {
	t.Helper()
	src, err := os.ReadFile(base + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, probs := Parse(src, base+".yaml")
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	h, recs := readInput(t, base+".csv", m.Source)
	return mustCompile(t, string(src), h), recs
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./mappings -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update to accept):\n--- got\n%s", path, got)
	}
}

// TestGoldenImport: rows plus mapping give the expected request bodies.
func TestGoldenImport(t *testing.T) {
	for _, base := range examples(t) {
		name := filepath.Base(base)
		t.Run(name, func(t *testing.T) {
			p, recs := loadExample(t, base)
			type row struct {
				Row    int        `json:"row"`
				Ops    []Op       `json:"ops"`
				Errors []RowError `json:"errors,omitempty"`
			}
			var rows []row
			for _, r := range recs {
				ops, errs := p.Eval(r)
				rows = append(rows, row{Row: r.Pos.Row, Ops: ops, Errors: errs})
			}
			b, err := json.MarshalIndent(rows, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", name+".ops.json"), append(b, '\n'))
		})
	}
}

// asCapsule turns an op into the record Capsule would return after the
// write: references become nested objects, as with embed=tags,fields.
func asCapsule(op Op, ops []Op) map[string]any {
	rec := map[string]any{}
	for k, v := range op.Body {
		rec[k] = v
	}
	for _, ref := range op.Refs {
		switch ref.Kind {
		case RefRecord:
			for _, o := range ops {
				if o.Record == ref.Record {
					n := map[string]any{}
					for _, k := range []string{"name", "firstName", "lastName"} {
						if v, ok := o.Body[k]; ok {
							n[k] = v
						}
					}
					rec[ref.Field] = n
				}
			}
		default:
			rec[ref.Field] = map[string]any{"name": ref.Name}
		}
	}
	// Capsule returns JSON: pass through encoding so numbers are as decoded.
	b, _ := json.Marshal(rec)
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&out)
	return out
}

func exportCSV(t *testing.T, e *Export, recs []map[string]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(e.Header.Names())
	for _, r := range recs {
		vals, err := e.Row(r)
		if err != nil {
			t.Fatal(err)
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = v.Text()
		}
		_ = w.Write(cells)
	}
	w.Flush()
	return buf.Bytes()
}

// TestGoldenExport: Capsule records plus the same mapping give the expected
// rows. The records are those the import would create, plus real recorded
// API parties where the example exports people.
func TestGoldenExport(t *testing.T) {
	var fixture struct {
		Parties []map[string]any `json:"parties"`
	}
	b, err := os.ReadFile("testdata/parties.records.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&fixture); err != nil {
		t.Fatal(err)
	}
	for _, base := range examples(t) {
		name := filepath.Base(base)
		t.Run(name, func(t *testing.T) {
			p, recs := loadExample(t, base)
			e, probs := p.Reverse("")
			if probs.HasErrors() {
				t.Fatal(probs)
			}
			var caps []map[string]any
			for _, r := range recs {
				ops, _ := p.Eval(r)
				for _, op := range ops {
					if op.Record == e.Record && !op.Skipped {
						caps = append(caps, asCapsule(op, ops))
					}
				}
			}
			main := p.records[p.index[e.Record]]
			for _, party := range fixture.Parties {
				if main.partyType != "" && party["type"] == main.partyType {
					caps = append(caps, party)
				}
			}
			var warn bytes.Buffer
			for _, w := range probs {
				warn.WriteString(w.Error() + "\n")
			}
			golden(t, filepath.Join("testdata", "golden", name+".export.csv"), exportCSV(t, e, caps))
			golden(t, filepath.Join("testdata", "golden", name+".export-warnings.txt"), warn.Bytes())
		})
	}
}

// TestRoundTrip: importing the exported rows gives the same bodies again.
func TestRoundTrip(t *testing.T) {
	for _, base := range examples(t) {
		name := filepath.Base(base)
		t.Run(name, func(t *testing.T) {
			p, recs := loadExample(t, base)
			e, _ := p.Reverse("")
			src, _ := os.ReadFile(base + ".yaml")
			p2 := mustCompile(t, string(src), nil) // columns outside the export read as blank
			for _, r := range recs {
				ops, errs := p.Eval(r)
				if len(errs) > 0 {
					continue // rejected rows never reach Capsule
				}
				var first *Op
				for i := range ops {
					if ops[i].Record == e.Record && !ops[i].Skipped {
						first = &ops[i]
					}
				}
				if first == nil {
					continue
				}
				vals, err := e.Row(asCapsule(*first, ops))
				if err != nil {
					t.Fatal(err)
				}
				again, errs := p2.Eval(&formats.Record{Header: e.Header, Values: vals})
				if len(errs) > 0 {
					t.Fatalf("row %d: re-import errors %v", r.Pos.Row, errs)
				}
				for _, op := range again {
					if op.Record != e.Record {
						continue
					}
					// Expressions export through their reverse column but are not
					// read back from it, so they are left out of the comparison.
					computed := p.records[p.index[e.Record]].computedFields()
					want, _ := json.Marshal(without(first.Body, computed))
					got, _ := json.Marshal(without(op.Body, computed))
					if !reflect.DeepEqual(want, got) {
						t.Errorf("row %d: round trip changed the body\nfirst: %s\nagain: %s", r.Pos.Row, want, got)
					}
					if !reflect.DeepEqual(refNames(first.Refs), refNames(op.Refs)) {
						t.Errorf("row %d: refs changed: %v -> %v", r.Pos.Row, first.Refs, op.Refs)
					}
				}
			}
		})
	}
}

func refNames(rs []Ref) []string {
	var out []string
	for _, r := range rs {
		if r.Kind != RefRecord {
			out = append(out, r.Field+"="+r.Name)
		}
	}
	return out
}

func without(body map[string]any, keys []string) map[string]any {
	out := map[string]any{}
	for k, v := range body {
		if !contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

func (cr *crec) computedFields() []string {
	var out []string
	for _, f := range cr.fields {
		if f.val != nil && f.val.ex != nil {
			out = append(out, f.name)
		}
	}
	return out
}
