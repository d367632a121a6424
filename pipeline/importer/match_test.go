package importer_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

func TestChangedRowsUpdateOnlyWhatChanged(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	rows := genRows(20)
	in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	ctx := ctxT(t)
	if _, err := importer.Import(ctx, e.config(t, testMapping, in)); err != nil {
		t.Fatal(err)
	}
	rows[0][4] = "Director"                  // title changes
	rows[1][6] = "VIP|Imported|Partner"      // one more tag (merge)
	rows[2][5] = strings.ToUpper(rows[2][5]) // same e-mail, other case: nothing to do
	rows[3][6] = "imported|vip"              // same tags, other case and order: nothing to do
	in2 := writeCSV(t, dir, "contacts2.csv", testHeader, rows)
	before := e.srv.Stats()
	var plan bytes.Buffer
	cfg := e.config(t, testMapping, in2)
	cfg.Plan = &plan
	cfg.JournalPath = in + ".capsule-etl.db" // the journal of the first run remembers the notes
	res, err := importer.Import(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	after := e.srv.Stats()
	if puts := after.Requests["PUT"] - before.Requests["PUT"]; puts != 2 || after.Requests["POST"] != before.Requests["POST"] {
		t.Fatalf("want 2 PUTs and no POST, got routes %v (totals %+v)", after.Routes, res.Total)
	}
	var diffs []string
	for _, l := range planLines(t, plan.Bytes()) {
		if l.Action == "update" {
			for _, d := range l.Diff {
				diffs = append(diffs, l.Record+"."+d.Field)
			}
			if l.Match == nil || l.Match.ID == "" || l.Request == nil || l.Request.Method != "PUT" {
				t.Errorf("update without its match or request: %+v", l)
			}
		}
	}
	if strings.Join(diffs, ",") != "person.jobTitle,person.tags" {
		t.Fatalf("diffs %v, want only the title and the tags", diffs)
	}
	for _, p := range e.list(t, "parties") {
		switch p["lastName"] {
		case "Lee0":
			if p["jobTitle"] != "Director" {
				t.Errorf("title not updated: %v", p["jobTitle"])
			}
		case "Lee1":
			if n := len(p["tags"].([]any)); n != 3 {
				t.Errorf("%d tags, want 3", n)
			}
		case "Lee2":
			if n := len(p["emailAddresses"].([]any)); n != 1 {
				t.Errorf("merge piled up e-mails: %d", n)
			}
		}
	}
}

func TestDuplicatesInsideTheInput(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	rows := [][]string{
		{"A1", "Acme", "Ann", "Lee", "Buyer", "ann@example.com", "VIP", "", "New", ""},
		{"A2", "Acme", "Ann", "Lee", "Buyer", "ANN@example.com", "VIP", "", "New", ""},
		{"A3", "acme", "Ann", "Lee", "CEO", "ann@example.com", "VIP", "", "New", ""},
	}
	in := writeCSV(t, dir, "dups.csv", testHeader, rows)
	res, err := importer.Import(ctxT(t), e.config(t, testMapping, in))
	if err != nil {
		t.Fatal(err)
	}
	// The first row comes first (duplicates: merge): the third row's title
	// is left out, with a warning, so a rerun has nothing to change back.
	st := e.srv.Stats()
	if st.Routes["POST /parties"] != 2 || st.Routes["PUT /parties/{id}"] != 0 || st.Records["parties"] != 2 {
		t.Fatalf("routes %v records %v totals %+v", st.Routes, st.Records, res.Total)
	}
	for _, p := range e.list(t, "parties") {
		if p["type"] == "person" && p["jobTitle"] != "Buyer" {
			t.Fatalf("the first row's title was not kept: %v", p["jobTitle"])
		}
	}
	// Rows 3 and 4 (person and organisation) reuse what row 2 creates.
	if res.Total.Reused != 4 || res.Total.Unchanged != 0 {
		t.Errorf("totals %+v, want 4 reused", res.Total)
	}
	var ws []string
	for _, w := range res.Warnings {
		ws = append(ws, w.String())
	}
	all := strings.Join(ws, "\n")
	if !strings.Contains(all, "rows 2 and 3 are the same person") || !strings.Contains(all, `left out of row 4: jobTitle "CEO" (row 2: "Buyer")`) {
		t.Errorf("warnings:\n%s", all)
	}
}

func TestAmbiguousMatchIsRejectedNotGuessed(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	// Two existing people share an e-mail.
	seed := writeCSV(t, dir, "seed.csv", testHeader, [][]string{
		{"S1", "", "Ann", "One", "", "shared@example.com", "", "", "", ""},
		{"S2", "", "Ann", "Two", "", "other@example.com", "", "", "", ""},
	})
	if _, err := importer.Import(ctxT(t), e.config(t, testMapping, seed)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	in := writeCSV(t, dir, "in.csv", testHeader, [][]string{{"X1", "", "Bo", "Three", "", "shared@example.com", "", "", "", ""}})
	cfg := e.config(t, testMapping, in)
	cfg.Plan = &buf
	// Make the e-mail ambiguous: add it to the second person directly.
	e.addEmail(t, "Two", "shared@example.com")
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	lines := planLines(t, buf.Bytes())
	var person importer.PlanLine
	for _, l := range lines {
		if l.Record == "person" {
			person = l
		}
	}
	if person.Action != "reject" || person.Match == nil || len(person.Match.Ambiguous) != 2 || !strings.Contains(person.Reason, "more than one") {
		t.Fatalf("ambiguous match not rejected with both ids: %+v", person)
	}
	if res.RejectedRows != 1 {
		t.Fatalf("rejected rows %d", res.RejectedRows)
	}
}

func TestLaterFilesLinkToRecordsOfEarlierFiles(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	orgs := writeCSV(t, dir, "orgs.csv", []string{"ID", "Company"}, [][]string{{"O1", "Acme"}, {"O2", "Globex"}})
	deals := writeCSV(t, dir, "deals.csv", []string{"ID", "Company"}, [][]string{{"D1", "acme"}, {"D2", "Globex"}, {"D3", "Nowhere Inc"}})
	const m = `version: 1
source: {key: ID}
records:
  company:
    entity: organisation
    when: "{ID} matches '^O'"
    match: [name]
    fields:
      name: Company
  deal:
    entity: opportunity
    when: "{ID} matches '^D'"
    fields:
      name: {template: "Deal with {Company}"}
      party: Company
      milestone: {value: New, pipeline: Sales}
`
	res, err := importer.Import(ctxT(t), e.config(t, m, orgs, deals))
	if err != nil {
		t.Fatal(err)
	}
	if res.RejectedRows != 1 || e.srv.Stats().Records["opportunities"] != 2 {
		t.Fatalf("rejected %d, records %v, totals %+v", res.RejectedRows, e.srv.Stats().Records, res.Total)
	}
	ids := map[string]string{}
	for _, p := range e.list(t, "parties") {
		ids[p["name"].(string)] = scalarID(p["id"])
	}
	for _, o := range e.list(t, "opportunities") {
		party := scalarID(o["party"].(map[string]any)["id"])
		want := ids[strings.TrimPrefix(o["name"].(string), "Deal with ")]
		if strings.HasSuffix(o["name"].(string), "acme") {
			want = ids["Acme"]
		}
		if party != want {
			t.Errorf("%v linked to %s, want %s", o["name"], party, want)
		}
	}
}
