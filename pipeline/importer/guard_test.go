package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/export"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// A contact list typed by hand: phones as people write them, one company
// name a spreadsheet would run as a formula.
const guardMapping = `version: 1
records:
  person:
    entity: person
    match: [email]
    fields:
      firstName: First name
      lastName: Surname
      emailAddresses: [{address: E-mail}]
      phoneNumbers: [{number: Phone}]
      about: Notes
`

const guardInput = `First name,Surname,E-mail,Phone,Notes
Maeve,O'Brien,maeve.obrien@harbourlight.ie,+353 1 555 0143,"=HYPERLINK(""http://x.example"",""click"")"
Tomás,Ferreira,tomas@ferreira-adv.pt,+351 21 555 0144,-5 discount agreed
Ines,Kowalski,not-an-address,+48 22 555 0145,@ines on chat
`

func TestCSVExportOfPhonesHasNoGuard(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "contacts.csv", guardInput)
	cfg := e.config(t, guardMapping, in)
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Created != 2 || res.RejectedRows != 1 {
		t.Fatalf("counts %+v, rejected rows %d", res.Total, res.RejectedRows)
	}

	out := filepath.Join(dir, "parties.csv")
	if _, err := export.Export(ctxT(t), e.client(t), export.Options{Entities: []string{layout.Parties}, Output: out}); err != nil {
		t.Fatal(err)
	}
	raw := readText(t, out)
	for _, want := range []string{",+35315550143,", ",+351215550144,", `'=HYPERLINK(`, "'-5 discount agreed"} {
		if !strings.Contains(raw, want) {
			t.Errorf("export lacks %q:\n%s", want, raw)
		}
	}
	if strings.Contains(raw, "'+") {
		t.Errorf("a phone number is guarded in the export:\n%s", raw)
	}

	// For machine consumers the guard is off.
	plain := filepath.Join(dir, "plain.csv")
	if _, err := export.Export(ctxT(t), e.client(t), export.Options{Entities: []string{layout.Parties}, Output: plain, NoFormulaGuard: true}); err != nil {
		t.Fatal(err)
	}
	if raw := readText(t, plain); strings.Contains(raw, "'=") || strings.Contains(raw, "'-") || !strings.Contains(raw, `"=HYPERLINK(`) {
		t.Errorf("--no-formula-guard export still guarded:\n%s", raw)
	}

	// XLSX, Parquet and JSON Lines cells are never guarded, flag or not.
	for _, ext := range []string{".xlsx", ".jsonl", ".parquet"} {
		p := filepath.Join(dir, "parties"+ext)
		if _, err := export.Export(ctxT(t), e.client(t), export.Options{Entities: []string{layout.Parties}, Output: p}); err != nil {
			t.Fatal(err)
		}
		r, err := files.Open(p, files.Options{})
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for {
			rec, err := r.Read()
			if err != nil {
				break
			}
			for _, v := range rec.Values {
				if s := v.Text(); strings.HasPrefix(s, "'") {
					t.Errorf("%s: cell %q guarded", ext, s)
				}
				if strings.HasPrefix(v.Text(), "=HYPERLINK(") || strings.HasPrefix(v.Text(), "+353") {
					seen++
				}
			}
		}
		r.Close()
		if seen != 2 {
			t.Errorf("%s: %d of the formula-looking and phone cells read back, want 2", ext, seen)
		}
	}

	// The errors file: the phone as written, the note guarded; fixed and
	// imported again, the note reaches Capsule without the guard.
	errs := importer.DefaultErrorsPath(in)
	eraw := readText(t, errs)
	if !strings.Contains(eraw, ",+48 22 555 0145,'@ines on chat,") {
		t.Fatalf("errors file:\n%s", eraw)
	}
	if err := os.WriteFile(errs, []byte(strings.Replace(eraw, "not-an-address", "ines@kowalski.example", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg = e.config(t, guardMapping, errs)
	cfg.JournalPath = filepath.Join(dir, "errors.db")
	if res, err := importer.Import(ctxT(t), cfg); err != nil || res.Total.Created != 1 {
		t.Fatalf("errors file import: %v %+v", err, res)
	}
	found := false
	for _, p := range e.list(t, "parties") {
		if p["lastName"] == "Kowalski" {
			found = true
			if p["about"] != "@ines on chat" {
				t.Errorf("about = %q, want the note without the guard", p["about"])
			}
		}
	}
	if !found {
		t.Error("the fixed row was not imported")
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The guard round-trips whatever it is given, including text that starts
// with a quote of its own.
func TestFormulaGuardRoundTrip(t *testing.T) {
	for _, s := range []string{"=SUM(A1)", "+44 20 7946 0018", "-12.5", "(0)20 7946", "@ines", "'=x", "''+1", "'quoted'",
		"plain", "", "'", "+", "-", "- -", "+1 (617) 555-0142", "\tindent", "=1+1"} {
		if got := formats.Unguard(formats.FormulaGuard(s)); got != s {
			t.Errorf("Unguard(FormulaGuard(%q)) = %q", s, got)
		}
	}
	for s, want := range map[string]bool{"+44 20 7946 0018": false, "-12.5": false, "+1 (617) 555-0142": false,
		"=1+1": true, "+cmd": true, "-": true, "@x": true, "-5 discount": true, "plain": false} {
		if got := formats.NeedsFormulaGuard(s); got != want {
			t.Errorf("NeedsFormulaGuard(%q) = %v, want %v", s, got, want)
		}
	}
}
