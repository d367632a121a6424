package importer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// post sends body to the sandbox as another user of the account would and
// returns the id in the answer.
func (e *env) post(t *testing.T, path, wrapper, body string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", e.url+"/"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sandbox.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]struct {
		ID json.Number `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %v %s", path, err, resp.Status)
	}
	return out[wrapper].ID.String()
}

// Matching by search finds the same records as matching by the listed
// index, for every key kind, ambiguous keys included: the plans of both
// are the same, line for line.
func TestSearchMatchesLikeTheIndex(t *testing.T) {
	e := newEnv(t)
	def := e.post(t, "parties/fields/definitions", "definition", `{"definition":{"name":"Salesforce ID","type":"text"}}`)
	person := func(first, last, email, phone, sfid string) string {
		p := map[string]any{"type": "person", "firstName": first, "lastName": last}
		if email != "" {
			p["emailAddresses"] = []any{map[string]any{"address": email}}
		}
		if phone != "" {
			p["phoneNumbers"] = []any{map[string]any{"number": phone}}
		}
		if sfid != "" {
			p["fields"] = []any{map[string]any{"definition": map[string]any{"id": json.Number(def)}, "value": sfid}}
		}
		b, _ := json.Marshal(map[string]any{"party": p})
		return e.post(t, "parties", "party", string(b))
	}
	for i := 0; i < 120; i++ {
		person(fmt.Sprintf("Lee%d", i), "Filler", fmt.Sprintf("lee%d@filler.example", i), "", "")
	}
	person("Ana", "Silva", "ana.silva@harbor.example", "+44 20 7946 0011", "0035g00000AbCdE1")
	person("Ana", "Silva", "ana@silva-consulting.example", "+44 20 7946 0022", "0035g00000AbCdE2")
	person("Ben", "Ode", "shared@harbor.example", "+1 415 555 0100", "0035g00000AbCdE3")
	person("Bea", "Ode", "SHARED@harbor.example", "", "0035g00000AbCdE3")
	chris := person("Chris", "Wu", "chris.wu@harbor.example", "+14155550100", "0035g00000AbCdE5")

	// A Salesforce contacts report as a consultant trims it by hand.
	header := []string{"First Name", "Last Name", "Email", "Phone", "Contact ID", "Capsule ID"}
	rows := [][]string{
		{"Ana", "Silva", " Ana.Silva@Harbor.example", "+44 20 7946 0011", "0035g00000AbCdE1", ""},
		{"Ana", "Silva", "ana@silva-consulting.example", "+44 (0)20 7946 0022", "0035g00000AbCdE2", "999999"},
		{"Ben", "Ode", "shared@harbor.example", "+1 415-555-0100", "0035g00000AbCdE3", ""},
		{"Chris", "Wu", "chris.wu@harbor.example", "", "0035g00000AbCdE5", chris},
		{"Dee", "Newman", "dee.newman@newco.example", "+44 161 496 0000", "0035g00000ZzZzZ9", "not-an-id"},
	}
	dir := t.TempDir()
	in := writeCSV(t, dir, "sf-contacts.csv", header, rows)
	for _, key := range []string{"email", "phone", "name", "{field: Salesforce ID}", "{id: Capsule ID}"} {
		t.Run(key, func(t *testing.T) {
			mapping := `version: 1
records:
  person:
    entity: person
    match: [` + key + `]
    fields:
      firstName: First Name
      lastName: Last Name
      emailAddresses: [{address: Email}]
      phoneNumbers: [{number: Phone}]
      fields:
        Salesforce ID: Contact ID
`
			plans := map[string]string{}
			for _, by := range []string{importer.MatchByIndex, importer.MatchBySearch} {
				cfg := e.config(t, mapping, in)
				cfg.DryRun, cfg.NoIndexCache, cfg.MatchBy = true, true, by
				cfg.JournalPath = filepath.Join(t.TempDir(), "j.db")
				var plan bytes.Buffer
				cfg.Plan = &plan
				res, err := importer.Import(ctxT(t), cfg)
				if err != nil {
					t.Fatalf("%s: %v", by, err)
				}
				t.Logf("%s: %d requests, %v", by, res.Requests, res.Matching)
				plans[by] = plan.String()
			}
			if plans[importer.MatchByIndex] != plans[importer.MatchBySearch] {
				t.Errorf("by index:\n%s\nby search:\n%s", plans[importer.MatchByIndex], plans[importer.MatchBySearch])
			}
			if !strings.Contains(plans[importer.MatchBySearch], `"update"`) && !strings.Contains(plans[importer.MatchBySearch], `"unchanged"`) {
				t.Errorf("no row matched an existing record:\n%s", plans[importer.MatchBySearch])
			}
			if key != "{id: Capsule ID}" && !strings.Contains(plans[importer.MatchBySearch], "matches more than one record") {
				t.Errorf("no ambiguous key reported:\n%s", plans[importer.MatchBySearch])
			}
		})
	}
}
