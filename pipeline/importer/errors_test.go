package importer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// dealMapping makes an organisation, its opportunity and a note on the
// opportunity. Capsule refuses a probability on a closed (Won)
// opportunity: a refusal the planner cannot foresee.
const dealMapping = `version: 1
records:
  company:
    entity: organisation
    match: [name]
    fields:
      name: Company
  deal:
    entity: opportunity
    when: "{Deal} != ''"
    match: [name]
    fields:
      name: Deal
      party: {record: company}
      milestone: {column: Stage, pipeline: Sales}
      probability: Prob
  note:
    entity: note
    when: "{Note} != ''"
    fields:
      content: Note
      opportunity: {record: deal}
`

var dealHeader = []string{"Company", "Deal", "Stage", "Prob", "Note"}

func readAllRows(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	r, err := files.Open(path, files.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out [][]string
	for rec, err := range formats.Records(r) {
		if err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(rec.Values))
		for i, v := range rec.Values {
			row[i] = v.String()
		}
		out = append(out, row)
	}
	return r.Header().Names(), out
}

func TestRefusedRowsGoToTheErrorsFileAndReimport(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	header := dealHeader
	rows := [][]string{
		{"Alpha Ltd", "Alpha deal", "New", "", "first note"},
		{"Beta Ltd", "Beta deal", "Won", "50", "second note"}, // Capsule refuses the probability
		{"Gamma Ltd", "", "", "", ""},
		{"", "Nameless deal", "New", "", "x"}, // the planner rejects: no name
	}
	in := writeCSV(t, dir, "orgs.csv", header, rows)
	ctx := ctxT(t)
	res, err := importer.Import(ctx, e.config(t, dealMapping, in))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.RejectedRows != 2 || res.ErrorsFile != importer.DefaultErrorsPath(in) {
		t.Fatalf("rejected rows %d, errors file %q; totals %+v", res.RejectedRows, res.ErrorsFile, res.Total)
	}
	if st := e.srv.Stats(); st.Records["parties"] != 3 || st.Records["opportunities"] != 1 || st.Records["entries"] != 1 {
		t.Fatalf("records %v, want 3 organisations, 1 opportunity and 1 note", st.Records)
	}
	h, got := readAllRows(t, res.ErrorsFile)
	if strings.Join(h, ",") != "Company,Deal,Stage,Prob,Note,_file,_sheet,_row,_field,_reason" || len(got) != 2 {
		t.Fatalf("errors file header %v rows %v", h, got)
	}
	if got[0][0] != "Beta Ltd" || got[0][7] != "3" || !strings.Contains(got[0][9], "Capsule refused") || !strings.Contains(got[0][9], "probability") {
		t.Errorf("Capsule's refusal not reported with its row: %v", got[0])
	}
	if got[1][7] != "5" || !strings.Contains(got[1][9], "name") {
		t.Errorf("mapping rejection not reported with its row: %v", got[1])
	}
	if !strings.Contains(got[0][9], "depends on row 3") {
		t.Errorf("the note of the refused opportunity is not accounted for: %v", got[0][9])
	}

	// Fix the refused row in the errors file and import that file as it is.
	got[0][3] = ""
	got[1][0] = "Delta Ltd"
	fixed := writeCSV(t, dir, "orgs.errors.csv", h, got) // fixed in place
	var plan bytes.Buffer
	cfg := e.config(t, dealMapping, fixed)
	cfg.Plan = &plan
	res, err = importer.Import(ctx, cfg)
	if err != nil {
		t.Fatalf("re-import: %v", err)
	}
	// Without a key column, _file and _row keep the rows' keys those of
	// the original rows.
	keys := map[string]bool{}
	for _, l := range planLines(t, plan.Bytes()) {
		keys[l.Source.Key] = true
	}
	if !keys["deal/orgs.csv#3"] || !keys["note/orgs.csv#5"] {
		t.Fatalf("source keys of the re-import: %v", keys)
	}
	if res.RejectedRows != 0 || res.Total.Created != 5 {
		t.Fatalf("re-import totals %+v", res.Total)
	}
	if st := e.srv.Stats(); st.Records["parties"] != 4 || st.Records["opportunities"] != 3 || st.Records["entries"] != 3 {
		t.Fatalf("records %v after the re-import", st.Records)
	}
	if res.JournalFile != filepath.Join(dir, "orgs.csv.capsule-etl.db") {
		t.Fatalf("the errors file was imported with journal %s, not the original's", res.JournalFile)
	}
	// And again: nothing new.
	before := e.srv.Stats()
	if _, err := importer.Import(ctx, e.config(t, dealMapping, fixed)); err != nil {
		t.Fatal(err)
	}
	if after := e.srv.Stats(); after.Requests["POST"] != before.Requests["POST"] || after.Requests["PUT"] != before.Requests["PUT"] {
		t.Fatalf("second re-import wrote: %v", after.Routes)
	}
}

func newFieldsEnv(t *testing.T, opts ...sandbox.Option) *env {
	seed := sandbox.Seed{Fields: []sandbox.SeedFieldDef{
		{Entity: "parties", Name: "Founded", Type: "date"},
		{Entity: "parties", Name: "Tier", Type: "list", Options: []string{"Gold", "Silver"}},
	}}
	return newEnv(t, append([]sandbox.Option{sandbox.WithSeed(seed)}, opts...)...)
}

func TestDuplicateOfARefusedRecordIsReportedWithIt(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := writeCSV(t, dir, "deals.csv", dealHeader, [][]string{
		{"Beta Ltd", "Beta deal", "Won", "50", ""}, // refused by Capsule
		{"Beta Ltd", "Beta deal", "Won", "50", ""}, // the same record again
		{"Gamma Ltd", "Gamma deal", "New", "", ""},
	})
	res, err := importer.Import(ctxT(t), e.config(t, dealMapping, in))
	if err != nil {
		t.Fatal(err)
	}
	_, rows := readAllRows(t, res.ErrorsFile)
	if res.RejectedRows != 2 || len(rows) != 2 || !strings.Contains(rows[1][9], "same record as row 2") {
		t.Fatalf("rejected %d, errors file %v", res.RejectedRows, rows)
	}
	if res.Total.Created != 3 || res.Total.Rejected != 2 {
		t.Fatalf("totals %+v", res.Total)
	}
}

// TestErrorsFileKeepsTheInputsDelimiterAndBOM: the errors file of a
// semicolon CSV with a BOM (German Excel) opens in the same program as the
// input did: same delimiter, a BOM.
func TestErrorsFileKeepsTheInputsDelimiterAndBOM(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "firmen.csv")
	src := "\ufeffCompany;Deal;Stage;Prob;Note\r\nAlpha GmbH;;;;\r\n;Namenlos;New;;x\r\n"
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := importer.Import(ctxT(t), e.config(t, dealMapping, in))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.RejectedRows != 1 {
		t.Fatalf("rejected rows %d, want 1", res.RejectedRows)
	}
	b, err := os.ReadFile(res.ErrorsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Errorf("errors file has no BOM: %q", b[:min(len(b), 20)])
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(string(b), "\ufeff"), "\n")
	if !strings.HasPrefix(first, "Company;Deal;Stage;Prob;Note;_file;") {
		t.Errorf("errors file header %q does not use the input's ';'", first)
	}
}
