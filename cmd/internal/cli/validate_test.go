package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	input := writeFile(t, dir, "in.csv", "First Name,Last Name,Email,Company\nAnna,Muller,anna@acme.example,Acme\nBob,Smith,not-an-email,\n")
	good := writeFile(t, dir, "good.yaml", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: First Name\n      lastName: Last Name\n      emailAddresses: [Email]\n")
	bad := writeFile(t, dir, "bad.yaml", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Frist Name\n      lastName: {column: Last Name, transform: [trimm]}\n")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"valid without input", []string{"validate", "--mapping", good}, ExitOK, []string{"good.yaml is valid (1 record, 0 warnings)"}},
		{"valid with input previews rejected rows", []string{"validate", "--mapping", good, input}, ExitOK,
			[]string{`in.csv row 3: warning: records.p.fields.emailAddresses[0] (column "Email"): "not-an-email" is not an email address`, "checked 2 rows of the input: 1 row would be rejected", "is valid"}},
		{"parse problems all at once", []string{"validate", "--mapping", bad, input}, ExitUsage,
			[]string{`bad.yaml:6:18: records.p.fields.firstName: column "Frist Name" is not in the input (did you mean "First Name"?)`,
				`bad.yaml:7:49: records.p.fields.lastName.transform[0]: unknown transform "trimm" (did you mean "trim"?)`}},
		{"column problems with input", []string{"validate", "--mapping", strings.Replace(bad, "bad", "bad2", 1), input}, ExitUsage,
			[]string{`bad2.yaml:6:18: records.p.fields.firstName: column "Frist Name" is not in the input (did you mean "First Name"?)`}},
		{"missing mapping flag", []string{"validate"}, ExitUsage, nil},
		{"mapping as the argument", []string{"validate", good}, ExitOK, []string{"good.yaml is valid"}},
		{"mapping and input as arguments", []string{"validate", input, good}, ExitOK, []string{"checked 2 rows of the input", "good.yaml is valid"}},
		{"data file given as the mapping", []string{"validate", "--mapping", input}, ExitUsage, nil},
		{"two inputs", []string{"validate", "--mapping", good, input, input}, ExitUsage, nil},
		{"mapping file missing", []string{"validate", "--mapping", filepath.Join(dir, "nope.yaml")}, ExitUsage, nil},
	}
	writeFile(t, dir, "bad2.yaml", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Frist Name\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestInitCommand(t *testing.T) {
	dir := t.TempDir()
	input := writeFile(t, dir, "contacts.csv", "Vorname,Nachname,E-Mail,Firma,Telefon\nAnna,Müller,anna@acme.example,Acme GmbH,+49 30 1234567\n")
	out := filepath.Join(dir, "draft.yaml")
	code, stdout, stderr := runCLI(t, "init", input)
	if code != ExitOK || !strings.Contains(stdout, "firstName: {column: Vorname") {
		t.Fatalf("init to stdout: code %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "init", input, "--output", out); code != ExitOK {
		t.Fatalf("init --output: code %d: %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "init", input, "--output", out); code != ExitUsage {
		t.Errorf("init over an existing file: code %d, want %d", code, ExitUsage)
	}
	// The draft validates against the file it was made from.
	if code, stdout, _ := runCLI(t, "validate", "--mapping", out, input); code != ExitOK {
		t.Errorf("draft does not validate: %s", stdout)
	}
	if code, _, _ := runCLI(t, "init", input, "--entity", "widget"); code != ExitUsage {
		t.Errorf("unknown entity: code %d, want %d", code, ExitUsage)
	}
}

// TestValidateExamples runs validate on the example mappings with their
// inputs (a ';'-separated windows-1252 CSV among them), as users will.
func TestValidateExamples(t *testing.T) {
	for _, name := range []string{"legacy-crm", "hubspot-contacts", "projects"} {
		t.Run(name, func(t *testing.T) {
			base := filepath.Join("..", "..", "..", "mappings", "testdata", name)
			code, out, errOut := runCLI(t, "validate", "--mapping", base+".yaml", base+".csv")
			if code != ExitOK || !strings.Contains(out, "is valid") {
				t.Errorf("code %d\n%s\n%s", code, out, errOut)
			}
		})
	}
}

// TestInitReadsFilesAsPeopleHaveThem drafts mappings for files saved by
// Excel on Windows and similar, and checks each draft validates against
// its file with the source settings it wrote.
func TestInitReadsFilesAsPeopleHaveThem(t *testing.T) {
	dir := t.TempDir()
	cp1252 := "Kundenliste Export 2026;;;;\r\n;;;;\r\nVorname;Nachname ; E-Mail;Telefon;Umsatz;;\r\nJ\xfcrgen;Gro\xdf;j@beispiel.example;030 1234567;1.234,56 \x80;;\r\n"
	tests := []struct {
		name     string
		file     string
		content  string
		args     []string
		wantCode int
		want     []string
	}{
		{"windows-1252 with title rows", "kunden.csv", cp1252, nil, ExitOK,
			[]string{"header_row: 3", "phone_region: DE", "locale: de", "emailAddresses: [{address: E-Mail"}},
		{"header row given", "kunden2.csv", cp1252, []string{"--header-row", "3", "--encoding", "windows-1252", "--delimiter", ";"}, ExitOK,
			[]string{"header_row: 3", "encoding: windows-1252", `delimiter: ";"`}},
		{"deal is an opportunity", "deals.csv", "Deal Name,Amount\nBig,100\n", []string{"--entity", "deal"}, ExitOK, []string{"entity: opportunity"}},
		{"negative header row", "kunden3.csv", cp1252, []string{"--header-row", "-1"}, ExitUsage, nil},
		{"unknown encoding", "kunden4.csv", cp1252, []string{"--encoding", "latin9"}, ExitUsage, nil},
		{"duplicate header gets a hint", "dups.csv", "Name,Email,email\nAnn,a@x.example,b@x.example\n", nil, ExitUsage, []string{`duplicate column name "email" in columns B and C`, "hint: fix the header"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := writeFile(t, dir, tt.file, tt.content)
			out := filepath.Join(dir, tt.file+".yaml")
			code, _, stderr := runCLI(t, append([]string{"init", input, "-o", out}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("init: code %d, want %d: %s", code, tt.wantCode, stderr)
			}
			if code != ExitOK {
				for _, w := range tt.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("stderr lacks %q:\n%s", w, stderr)
					}
				}
				return
			}
			draft, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(draft), w) {
					t.Errorf("draft lacks %q:\n%s", w, draft)
				}
			}
			if code, stdout, stderr := runCLI(t, "validate", "--mapping", out, input); code != ExitOK {
				t.Errorf("draft does not validate (code %d): %s%s\n%s", code, stdout, stderr, draft)
			}
		})
	}
}

func TestValidateSaysWhenTheMappingIsADataFile(t *testing.T) {
	dir := t.TempDir()
	input := writeFile(t, dir, "in.csv", "First Name\nAnna\n")
	code, out, errOut := runCLI(t, "validate", "--mapping", input)
	if code != ExitUsage || !strings.Contains(errOut, "in.csv is a data file, not a mapping") || !strings.Contains(errOut, "capsule-etl init") {
		t.Errorf("code %d, stdout %q, stderr %q: want exit 2 saying in.csv is a data file and how to draft a mapping", code, out, errOut)
	}
}
