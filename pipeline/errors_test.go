package pipeline_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline"
)

const webMapping = `version: 1
records:
  company:
    entity: organisation
    match: [name]
    fields:
      name: Company
      fields:
        Founded: Founded
  note:
    entity: note
    when: "{Note} != ''"
    fields:
      content: Note
      party: {record: company}
`

func readAllRows(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	r, err := files.Open(path, files.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
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
	e := newFieldsEnv(t)
	dir := t.TempDir()
	header := []string{"Company", "Founded", "Note"}
	rows := [][]string{
		{"Alpha Ltd", "2001-02-03", "first note"},
		{"Beta Ltd", "31/02/2020", "second note"}, // Capsule refuses the date
		{"Gamma Ltd", "", ""},
		{"", "2001-02-03", "x"}, // the planner rejects: no name
	}
	in := writeCSV(t, dir, "orgs.csv", header, rows)
	ctx := ctxT(t)
	res, err := pipeline.Import(ctx, e.config(t, webMapping, in))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if res.RejectedRows != 2 || res.ErrorsFile != pipeline.DefaultErrorsPath(in) {
		t.Fatalf("rejected rows %d, errors file %q; totals %+v", res.RejectedRows, res.ErrorsFile, res.Total)
	}
	if st := e.srv.Stats(); st.Records["parties"] != 2 || st.Records["entries"] != 1 {
		t.Fatalf("records %v, want the 2 good organisations and 1 note", st.Records)
	}
	h, got := readAllRows(t, res.ErrorsFile)
	if strings.Join(h, ",") != "Company,Founded,Note,_file,_sheet,_row,_field,_reason" || len(got) != 2 {
		t.Fatalf("errors file header %v rows %v", h, got)
	}
	if got[0][0] != "Beta Ltd" || got[0][5] != "3" || !strings.Contains(got[0][7], "Capsule refused") || !strings.Contains(got[0][7], "date") {
		t.Errorf("Capsule's refusal not reported with its row: %v", got[0])
	}
	if got[1][5] != "5" || !strings.Contains(got[1][7], "name") {
		t.Errorf("mapping rejection not reported with its row: %v", got[1])
	}
	if !strings.Contains(got[0][7], "depends on row 3") {
		t.Errorf("the note of the refused organisation is not accounted for: %v", got[0][7])
	}

	// Fix the refused row in the errors file and import that file as it is.
	got[0][1] = "2020-02-29"
	got[1][0] = "Delta Ltd"
	fixed := writeCSV(t, dir, "orgs.errors.fixed.csv", h, got)
	res, err = pipeline.Import(ctx, e.config(t, webMapping, fixed))
	if err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if res.RejectedRows != 0 || res.Total.Created != 4 {
		t.Fatalf("re-import totals %+v", res.Total)
	}
	if st := e.srv.Stats(); st.Records["parties"] != 4 || st.Records["entries"] != 3 {
		t.Fatalf("records %v after the re-import", st.Records)
	}
	// And again: nothing new.
	before := e.srv.Stats()
	if _, err := pipeline.Import(ctx, e.config(t, webMapping, fixed)); err != nil {
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
	e := newFieldsEnv(t)
	dir := t.TempDir()
	in := writeCSV(t, dir, "orgs.csv", []string{"Company", "Founded", "Note"}, [][]string{
		{"Beta Ltd", "2001-02-30", ""}, // refused by Capsule
		{"Beta Ltd", "2001-02-30", ""}, // the same record again
		{"Gamma Ltd", "2001-02-03", ""},
	})
	res, err := pipeline.Import(ctxT(t), e.config(t, webMapping, in))
	if err != nil {
		t.Fatal(err)
	}
	_, rows := readAllRows(t, res.ErrorsFile)
	if res.RejectedRows != 2 || len(rows) != 2 || !strings.Contains(rows[1][7], "same record as row 2") {
		t.Fatalf("rejected %d, errors file %v", res.RejectedRows, rows)
	}
	if res.Total.Created != 1 || res.Total.Rejected != 2 || res.Total.Unchanged != 0 {
		t.Fatalf("totals %+v", res.Total)
	}
}
