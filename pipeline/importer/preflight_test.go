package importer_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

const fieldsMapping = `version: 1
source: {key: ID}
records:
  company:
    entity: organisation
    match: [name]
    fields:
      name: Company
      owner: Owner
      fields:
        Tier: Tier
        Founded: Founded
`

func TestPreflightReportsEveryMissingFieldBeforeWriting(t *testing.T) {
	e := newEnv(t) // no custom fields defined
	dir := t.TempDir()
	in := writeCSV(t, dir, "orgs.csv", []string{"ID", "Company", "Owner", "Tier", "Founded"},
		[][]string{{"1", "Acme", "", "Gold", "2001-01-01"}})
	_, err := importer.Import(ctxT(t), e.config(t, fieldsMapping, in))
	var pe *importer.PreflightError
	if !errors.As(err, &pe) || len(pe.Problems) != 2 || !strings.Contains(err.Error(), `"Tier"`) ||
		!strings.Contains(err.Error(), `"Founded"`) || !strings.Contains(err.Error(), "orgs.csv row 2") {
		t.Fatalf("want both missing fields with where they are used, got %v", err)
	}
	if st := e.srv.Stats(); st.Requests["POST"]+st.Requests["PUT"] != 0 {
		t.Fatalf("wrote despite preflight errors: %v", st.Routes)
	}
}

func TestCreateFieldsCreatesMissingDefinitions(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := writeCSV(t, dir, "orgs.csv", []string{"ID", "Company", "Owner", "Tier", "Founded"},
		[][]string{{"1", "Acme", "", "Gold", "2001-01-01"}})
	var log bytes.Buffer
	cfg := e.config(t, fieldsMapping, in)
	cfg.CreateFields, cfg.Progress = true, &log
	if _, err := importer.Import(ctxT(t), cfg); err != nil {
		t.Fatal(err)
	}
	if e.srv.Stats().Routes["POST /parties/fields/definitions"] != 2 || !strings.Contains(log.String(), `"Founded" (date)`) {
		t.Fatalf("routes %v, log %s", e.srv.Stats().Routes, log.String())
	}
	orgs := e.list(t, "parties")
	if len(orgs) != 1 || len(orgs[0]["fields"].([]any)) != 2 {
		t.Fatalf("fields not written: %v", orgs)
	}
}

func TestRowsWithUnknownValuesAreRejected(t *testing.T) {
	e := newFieldsEnv(t)
	dir := t.TempDir()
	rows := [][]string{
		{"1", "Acme", "", "Gold", "2001-01-01"},
		{"2", "Globex", "", "Platinum", ""},                // not an option
		{"3", "Initech", "nobody@nowhere.example", "", ""}, // no such user
		{"4", "Umbrella", "Sandbox User", "silver", ""},    // the option as spelt in Capsule is sent
		{"5", "Hooli", "", "", "2001-02-30"},               // no such day
	}
	in := writeCSV(t, dir, "orgs.csv", []string{"ID", "Company", "Owner", "Tier", "Founded"}, rows)
	var plan bytes.Buffer
	cfg := e.config(t, fieldsMapping, in)
	cfg.Plan = &plan
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// An owner who is not a user of the account leaves the owner unset
	// with a warning: Capsule stores the record without one.
	if res.RejectedRows != 2 || e.srv.Stats().Records["parties"] != 3 || res.WarnedRows != 1 {
		t.Fatalf("rejected %d, warned %d, records %v", res.RejectedRows, res.WarnedRows, e.srv.Stats().Records)
	}
	reasons, warns := map[int]string{}, map[int]string{}
	for _, l := range planLines(t, plan.Bytes()) {
		reasons[l.Source.Row] = l.Reason
		for _, w := range l.Warnings {
			warns[l.Source.Row] += w
		}
	}
	if !strings.Contains(reasons[3], `"Platinum" is not an option`) || reasons[4] != "" ||
		!strings.Contains(warns[4], `no user with the name, username or e-mail "nobody@nowhere.example"; owner left unset`) ||
		!strings.Contains(reasons[6], "needs a date") {
		t.Fatalf("reasons %v, warnings %v", reasons, warns)
	}
	for _, o := range e.list(t, "parties") {
		if o["name"] == "Initech" && o["owner"] != nil && scalarID(o["owner"].(map[string]any)["id"]) != "1" {
			t.Fatalf("Initech owner %v: want none set from the file", o["owner"])
		}
	}
}

func TestMaxErrorsStopsBeforeWritingAndLetsTheFixedInputRun(t *testing.T) {
	e := newFieldsEnv(t)
	dir := t.TempDir()
	var rows [][]string
	for i := range 6 {
		tier := "Gold"
		if i%2 == 1 {
			tier = "Bronze"
		}
		rows = append(rows, []string{itoa(i), "Org " + itoa(i), "", tier, ""})
	}
	header := []string{"ID", "Company", "Owner", "Tier", "Founded"}
	in := writeCSV(t, dir, "orgs.csv", header, rows)
	jpath := dir + "/j.db"
	cfg := e.config(t, fieldsMapping, in)
	cfg.MaxErrors, cfg.JournalPath = 2, jpath
	res, err := importer.Import(ctxT(t), cfg)
	if err == nil || !strings.Contains(err.Error(), "max-errors") || res.RejectedRows != 3 {
		t.Fatalf("want a stop before writing, got %v (%+v)", err, res)
	}
	if e.srv.Stats().Requests["POST"] != 0 {
		t.Fatal("wrote although the rows were over --max-errors")
	}
	for i := range rows {
		rows[i][3] = "Silver"
	}
	fixed := writeCSV(t, dir, "orgs.csv", header, rows)
	cfg = e.config(t, fieldsMapping, fixed)
	cfg.MaxErrors, cfg.JournalPath = 2, jpath
	if _, err := importer.Import(ctxT(t), cfg); err != nil {
		t.Fatalf("the corrected input: %v", err)
	}
	if e.srv.Stats().Records["parties"] != 6 {
		t.Fatalf("records %v", e.srv.Stats().Records)
	}
}

func TestSummaryGroupsRejectionsByReasonWithRows(t *testing.T) {
	e := newFieldsEnv(t)
	dir := t.TempDir()
	rows := [][]string{
		{"1", "Acme", "", "Platinum", ""},
		{"2", "Globex", "", "Gold", ""},
		{"3", "Initech", "", "Platinum", ""},
		{"4", "Umbrella", "", "", "2001-02-30"},
		{"5", "Hooli", "", "Platinum", ""},
	}
	in := writeCSV(t, dir, "orgs.csv", []string{"ID", "Company", "Owner", "Tier", "Founded"}, rows)
	for _, dry := range []bool{true, false} {
		cfg := e.config(t, fieldsMapping, in)
		cfg.DryRun = dry
		res, err := importer.Import(ctxT(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		importer.WriteSummary(&out, res)
		s := out.String()
		i := strings.Index(s, "rejected 4 rows, by reason:\n    3 × ")
		j := strings.Index(s, `"Platinum" is not an option`)
		k := strings.Index(s, "(orgs.csv rows 2, 4, 6)\n    1 × ")
		l := strings.Index(s, "(orgs.csv row 5)\n")
		if i < 0 || j < i || k < j || l < k {
			t.Fatalf("dry run %v: summary without grouped reasons:\n%s", dry, s)
		}
	}
}
