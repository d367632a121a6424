package importer_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// A HubSpot contacts export in which the same person was entered twice
// (Record IDs 51 and 54, the same e-mail in other case), as happens after
// a form submission and a manual entry.
const hubspotDupes = `Record ID,First Name,Last Name,Email,Phone Number,Job Title,Lifecycle Stage,Create Date
51,Dana,Whitfield,dana.whitfield@northwind.example,+1 617 555 0142,VP Operations,customer,2023-04-11 09:12
52,Omar,Haddad,omar@haddad-logistics.example,+44 20 7946 0958,Owner,lead,2023-05-02 14:40
53,Mei,Lin,mei.lin@brightpath.example,,Analyst,subscriber,2023-06-19 08:05
54,Dana,Whitfield,Dana.Whitfield@northwind.example,+1 617 555 0199,"Vice President, Operations",customer,2024-01-08 16:22
`

const hubspotMapping = `version: 1
source:
  key: Record ID
records:
  contact:
    entity: person
    match: [email]
    fields:
      firstName: First Name
      lastName: Last Name
      jobTitle: Job Title
      emailAddresses: [{address: Email}]
      phoneNumbers: [{number: Phone Number}]
      fields:
        HubSpot Record ID: Record ID
        Lifecycle Stage: Lifecycle Stage
`

func TestDuplicateRowsMergedOnceAndRerunSendsNothing(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "hubspot-contacts.csv", hubspotDupes)
	cfg := e.config(t, hubspotMapping, in)
	cfg.CreateFields = true

	var summary bytes.Buffer
	dry := cfg
	dry.DryRun, dry.PlanSummary = true, &summary
	dres, err := importer.Import(ctxT(t), dry)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summary.String(), "rows 2 and 5 are the same person") {
		t.Errorf("the plan does not report the duplicate:\n%s", summary.String())
	}

	before := e.srv.Stats().Requests
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	after := e.srv.Stats().Requests
	var out bytes.Buffer
	importer.WriteSummary(&out, res)
	if !strings.Contains(out.String(), "rows 2 and 5 are the same person") || res.WarnedRows != 1 {
		t.Errorf("the summary does not report the duplicate (%d warned rows):\n%s", res.WarnedRows, out.String())
	}
	// The dry run promised what the real run sent.
	if res.Total.Created != dres.Total.Created || res.Total.Updated != dres.Total.Updated {
		t.Errorf("dry run %+v, real run %+v", dres.Total, res.Total)
	}
	// One record per person; row 5 adds only its second phone number.
	people := e.list(t, "parties")
	if len(people) != 3 {
		t.Fatalf("%d people, want 3", len(people))
	}
	for _, p := range people {
		if p["lastName"] != "Whitfield" {
			continue
		}
		if p["jobTitle"] != "VP Operations" {
			t.Errorf("jobTitle %q: the first row should win", p["jobTitle"])
		}
		if n := len(p["phoneNumbers"].([]any)); n != 2 {
			t.Errorf("%d phone numbers, want both rows' numbers", n)
		}
		for _, f := range p["fields"].([]any) {
			fm := f.(map[string]any)
			if fm["definition"].(map[string]any)["name"] == "HubSpot Record ID" && fm["value"] != "51" {
				t.Errorf("HubSpot Record ID %v, want the first row's 51", fm["value"])
			}
		}
	}
	if w := after["POST"] + after["PUT"] - before["POST"] - before["PUT"]; w != 3+2+1 {
		// 2 field definitions, 3 creates, 1 update adding the phone.
		t.Errorf("first run sent %d writes, want 6", w)
	}

	for run := 2; run <= 3; run++ {
		before := e.srv.Stats().Requests
		res, err := importer.Import(ctxT(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		after := e.srv.Stats().Requests
		if w := after["POST"] + after["PUT"] + after["DELETE"] - before["POST"] - before["PUT"] - before["DELETE"]; w != 0 {
			t.Errorf("run %d sent %d writes, want 0 (%+v)", run, w, res.Total)
		}
		if res.Total.Unchanged != 4 || res.WarnedRows != 1 {
			t.Errorf("run %d: %+v, %d warned rows", run, res.Total, res.WarnedRows)
		}
	}
}

// The mapping can say otherwise: a later duplicate is rejected.
func TestDuplicateRowsRejectedWhenTheMappingSaysSo(t *testing.T) {
	e := newEnv(t)
	in := writeFile(t, t.TempDir(), "hubspot-contacts.csv", hubspotDupes)
	cfg := e.config(t, strings.Replace(hubspotMapping, "version: 1\n", "version: 1\ndefaults: {duplicates: reject}\n", 1), in)
	cfg.CreateFields = true
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Created != 3 || res.RejectedRows != 1 {
		t.Errorf("counts %+v, %d rejected rows", res.Total, res.RejectedRows)
	}
}
