package importer_test

import (
	"os"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// The project tracker example of the mappings package: existing clients
// are updated (a custom field), projects created with owners found by name
// and by e-mail, a kickoff note with its date, an unmapped status rejected.
func TestProjectsExample(t *testing.T) {
	seed := sandbox.Seed{
		Users: []sandbox.SeedUser{{Username: "sandbox", Name: "Sandbox User"}, {Username: "anna@ourco.example", Name: "Anna Schmidt"}},
		Fields: []sandbox.SeedFieldDef{
			{Entity: "parties", Name: "Kundennummer", Type: "text"},
			{Entity: "kases", Name: "Project No", Type: "text"},
			{Entity: "kases", Name: "Budget", Type: "number"},
			{Entity: "kases", Name: "Billable", Type: "boolean"},
		},
	}
	e := newEnv(t, sandbox.WithSeed(seed))
	dir := t.TempDir()
	ctx := ctxT(t)
	clients := writeCSV(t, dir, "clients.csv", []string{"Name"}, [][]string{{"Müller GmbH"}, {"Schneider AG"}})
	const clientMapping = "version: 1\nrecords:\n  c:\n    entity: organisation\n    fields: {name: Name}\n"
	if _, err := importer.Import(ctx, e.config(t, clientMapping, clients)); err != nil {
		t.Fatal(err)
	}
	mapping, err := os.ReadFile("../../mappings/testdata/projects.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in := "../../mappings/testdata/projects.csv"
	cfg := e.config(t, string(mapping), in)
	cfg.JournalPath, cfg.ErrorsPath = dir+"/projects.db", dir+"/projects.errors.csv"
	res, err := importer.Import(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := e.srv.Stats()
	if res.RejectedRows != 1 || st.Records["kases"] != 2 || st.Records["entries"] != 1 || st.Routes["PUT /parties/{id}"] != 2 {
		t.Fatalf("rejected %d, records %v, routes %v, totals %+v", res.RejectedRows, st.Records, st.Routes, res.Total)
	}
	owners := map[string]bool{}
	for _, k := range e.list(t, "kases") {
		owner, _ := k["owner"].(map[string]any)
		owners[scalarID(owner["id"])] = true
		if k["party"] == nil || len(k["fields"].([]any)) != 3 {
			t.Errorf("project %v: party or custom fields missing", k["name"])
		}
	}
	if len(owners) != 1 || owners["1"] {
		t.Errorf("owners %v: want Anna (found by name and by e-mail) on both", owners)
	}
	cfg = e.config(t, string(mapping), in)
	cfg.JournalPath, cfg.ErrorsPath = dir+"/projects.db", dir+"/projects.errors.csv"
	before := e.srv.Stats()
	if _, err := importer.Import(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if after := e.srv.Stats(); after.Requests["POST"]+after.Requests["PUT"] != before.Requests["POST"]+before.Requests["PUT"] {
		t.Fatalf("rerun wrote: %v", after.Routes)
	}
}
