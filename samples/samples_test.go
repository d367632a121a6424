package samples_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/samples"
	"github.com/capsule-etl/capsule-etl/samples/internal/generate"
)

// evalResult counts what a mapping makes of every row of its input.
type evalResult struct {
	rows, rejected int
	ops            map[string]int // entity/party type -> ops written (not skipped)
	problems       []string       // the first few row problems, for messages
}

// evalSample compiles the sample's mapping against its input's header and
// evaluates every row, as an offline import would.
func evalSample(t *testing.T, s samples.Sample) evalResult {
	t.Helper()
	src, err := fs.ReadFile(samples.Files(), s.Mapping)
	if err != nil {
		t.Fatal(err)
	}
	m, probs := mappings.Parse(src, s.Mapping)
	if probs.HasErrors() {
		t.Fatalf("parsing %s:\n%v", s.Mapping, probs)
	}
	r, err := files.Open(s.Input, files.Options{Sheet: m.Source.Sheet, HeaderRow: m.Source.HeaderRow,
		Encoding: m.Source.Encoding, Delimiter: m.Source.Delimiter})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	prog, cp := mappings.Compile(m, r.Header())
	if cp.HasErrors() {
		t.Fatalf("compiling %s against %s:\n%v", s.Mapping, s.Input, cp)
	}
	res := evalResult{ops: map[string]int{}}
	for rec, err := range formats.Records(r) {
		if err != nil {
			t.Fatalf("reading %s: %v", s.Input, err)
		}
		res.rows++
		ops, rowErrs := prog.Eval(rec)
		var why []string
		for _, e := range rowErrs {
			why = append(why, e.Error())
		}
		for _, op := range ops {
			if op.Skipped {
				continue
			}
			if len(op.Missing) > 0 && op.OnNoMatch == mappings.Create {
				why = append(why, op.Record+": nothing in "+strings.Join(op.Missing, ", ")+" to create it with")
			}
			res.ops[kindOf(op)]++
		}
		if len(why) > 0 {
			res.rejected++
			if len(res.problems) < 5 {
				res.problems = append(res.problems, rec.Pos.String()+": "+strings.Join(why, "; "))
			}
		}
	}
	return res
}

func kindOf(op mappings.Op) string {
	if op.PartyType != "" {
		return op.PartyType
	}
	return string(op.Entity)
}

func TestSamplesEvaluate(t *testing.T) {
	for _, s := range samples.All() {
		t.Run(s.Name, func(t *testing.T) {
			res := evalSample(t, s)
			if res.rows < 10 {
				t.Fatalf("%s has %d rows; a sample needs enough rows to show something", s.Input, res.rows)
			}
			switch {
			case !s.Broken && res.rejected > 0:
				t.Errorf("%d of %d rows would be rejected; the main samples must import cleanly:\n%s",
					res.rejected, res.rows, strings.Join(res.problems, "\n"))
			case s.Broken && (res.rejected == 0 || res.rejected == res.rows):
				t.Errorf("%d of %d rows rejected; the broken sample must mix good and bad rows", res.rejected, res.rows)
			}
			if len(res.ops) == 0 {
				t.Errorf("no records made from %d rows", res.rows)
			}
		})
	}
}

// TestSamplesTogether checks that the clean samples make, between them, the
// people, organisations, opportunities, notes and tasks the demo promises.
func TestSamplesTogether(t *testing.T) {
	total := map[string]int{}
	people := 0
	for _, s := range samples.All() {
		if s.Broken {
			continue
		}
		for k, n := range evalSample(t, s).ops {
			total[k] += n
		}
	}
	people = total["person"]
	if people < 200 || people > 1000 {
		t.Errorf("%d people in the samples; the demo promises a few hundred", people)
	}
	for _, k := range []string{"organisation", "opportunity", "entry", "task"} {
		if total[k] == 0 {
			t.Errorf("no %s in the samples (have %v)", k, total)
		}
	}
}

// TestEveryMappingIsASample makes sure no mapping in the folder is left out
// of All (the demo and the tests use All) and every sample's files exist.
func TestEveryMappingIsASample(t *testing.T) {
	var listed []string
	for _, s := range samples.All() {
		listed = append(listed, s.Mapping)
		for _, f := range []string{s.Input, s.Mapping} {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("sample %s: %v", s.Name, err)
			}
		}
	}
	yamls, _ := filepath.Glob("*.yaml")
	if len(yamls) == 0 {
		t.Fatal("no mappings found in the samples folder")
	}
	for _, y := range yamls {
		if !slices.Contains(listed, y) {
			t.Errorf("%s is not in samples.All()", y)
		}
	}
}

// TestSamplesAreMessy checks that the files really have the traits
// README.md says they demonstrate.
func TestSamplesAreMessy(t *testing.T) {
	cases := []struct {
		name, file, sheet string
		check             func(t *testing.T, info formats.Info, h *formats.Header, rows []*formats.Record)
	}{
		{"BOM and semicolons", "kontakte-de.csv", "", func(t *testing.T, info formats.Info, _ *formats.Header, rows []*formats.Record) {
			if info.Encoding != "utf-8-bom" || info.Delimiter != ";" {
				t.Errorf("encoding %q delimiter %q, want utf-8-bom and ;", info.Encoding, info.Delimiter)
			}
			if !anyCell(rows, "Straße", func(s string) bool { return strings.Contains(s, "straße") }) {
				t.Error("no street with ß: the file is not exercising UTF-8")
			}
		}},
		{"messy emails", "hubspot-contacts.csv", "", func(t *testing.T, _ formats.Info, _ *formats.Header, rows []*formats.Record) {
			if !anyCell(rows, "Email", func(s string) bool { return s != strings.TrimSpace(s) }) {
				t.Error("no email with stray spaces")
			}
			if !anyCell(rows, "Email", func(s string) bool { return s != strings.ToLower(s) }) {
				t.Error("no email in mixed case")
			}
			if !anyCell(rows, "Phone Number", func(s string) bool { return strings.HasPrefix(s, "(") }) {
				t.Error("no US number in local format")
			}
		}},
		{"title rows and two sheets", "expo-leads.xlsx", "Leads", func(t *testing.T, info formats.Info, _ *formats.Header, rows []*formats.Record) {
			if info.HeaderRow <= 1 || len(info.Sheets) != 2 {
				t.Errorf("header row %d, sheets %v; want a header below title rows and two sheets", info.HeaderRow, info.Sheets)
			}
			if v, _ := rows[0].Get("Met on"); v.Kind() != formats.Date && v.Kind() != formats.Timestamp {
				t.Errorf("Met on is a %s cell, want a date", v.Kind())
			}
			if !anyCell(rows, "Phone", func(s string) bool { return strings.HasPrefix(s, "020 ") }) {
				t.Error("no UK number in local format")
			}
		}},
		{"typed Parquet columns", "salesforce-opportunities.parquet", "", func(t *testing.T, info formats.Info, h *formats.Header, rows []*formats.Record) {
			want := map[string]formats.Kind{"Amount": formats.Decimal, "CloseDate": formats.Date, "CreatedDate": formats.Timestamp,
				"Tags": formats.List, "Probability": formats.Int}
			for col, k := range want {
				i, ok := h.Index(col)
				if !ok || i >= len(info.Columns) || info.Columns[i] != k {
					t.Errorf("column %s: want a %s column (info %v)", col, k, info.Columns)
				}
			}
			if !anyCell(rows, "ContactPhone", func(s string) bool { return strings.HasPrefix(s, "0") }) {
				t.Error("no French number in local format")
			}
		}},
		{"German numbers", "kontakte-de.csv", "", func(t *testing.T, _ formats.Info, _ *formats.Header, rows []*formats.Record) {
			if !anyCell(rows, "Telefon", func(s string) bool { return strings.HasPrefix(s, "0") }) {
				t.Error("no German number in local format")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := files.Open(c.file, files.Options{Sheet: c.sheet})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rows, err := formats.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				t.Fatal("no rows")
			}
			c.check(t, files.InfoOf(r), r.Header(), rows)
		})
	}
}

func anyCell(rows []*formats.Record, col string, f func(string) bool) bool {
	for _, r := range rows {
		if v, ok := r.Get(col); ok && !v.IsNull() && f(v.Text()) {
			return true
		}
	}
	return false
}

// TestGeneratedFilesAreCommitted regenerates the data files and compares
// them with the committed ones: a change to the generator must come with
// the files it writes (go run ./samples/gen).
func TestGeneratedFilesAreCommitted(t *testing.T) {
	dir := t.TempDir()
	if err := generate.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range generate.Files() {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v: run go run ./samples/gen and commit the files", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what samples/gen writes: run go run ./samples/gen and commit the files", name)
		}
	}
}

func TestWriteTo(t *testing.T) {
	dir := t.TempDir()
	if err := samples.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	for _, s := range samples.All() {
		want, err := os.ReadFile(s.Input)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, s.Input))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s not copied as it is (err %v)", s.Input, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, samples.SeedFile)); err != nil {
		t.Errorf("seed not copied: %v", err)
	}
	if err := samples.WriteTo(dir); err != nil {
		t.Errorf("second copy over identical files: %v", err)
	}
	edited := filepath.Join(dir, "hubspot-contacts.yaml")
	if err := os.WriteFile(edited, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := samples.WriteTo(dir); err == nil {
		t.Error("WriteTo replaced a file the user had edited")
	}
	if b, _ := os.ReadFile(edited); string(b) != "version: 1\n" {
		t.Error("edited file was overwritten")
	}
}
