package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// postJSON writes a record into the sandbox as another client would.
func postJSON(t *testing.T, url, path, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/"+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+sandbox.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: %d %v %v", path, resp.StatusCode, err, out)
	}
	return out
}

// A Pipedrive deals export (every column "Deal - …"), drafted by init and
// imported unchanged into an account that already has one of the deals'
// organisations and a pipeline with the Pipedrive stages: every deal
// becomes an opportunity linked to its contact person (or, without one, its
// organisation), at the won/lost milestone its status says, and the
// existing organisation is reused, not duplicated.
func TestInitPipedriveDealsImportsIntoSeededSandbox(t *testing.T) {
	stages := []sandbox.SeedMilestone{{Name: "Qualified", Probability: 10}, {Name: "Contact Made", Probability: 20},
		{Name: "Demo Scheduled", Probability: 40}, {Name: "Proposal Made", Probability: 60}, {Name: "Negotiations Started", Probability: 80},
		{Name: "Won", Probability: 100, Complete: true}, {Name: "Lost", Probability: 0, Complete: true}}
	srv, url := startSandbox(t, sandbox.WithSeed(sandbox.Seed{Pipelines: []sandbox.SeedPipeline{{Name: "Sales", Milestones: stages}}}))
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	acme := postJSON(t, url, "parties", `{"party": {"type": "organisation", "name": "Acme Ltd"}}`)
	acmeID := acme["party"].(map[string]any)["id"].(float64)

	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "mappings", "testdata", "crm", "pipedrive-deals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	input, mapping := filepath.Join(dir, "deals.csv"), filepath.Join(dir, "deals.yaml")
	if err := os.WriteFile(input, src, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "init", input, "-o", mapping)
	if code != ExitOK || !strings.Contains(stderr, "import --create-fields --mapping") || !strings.Contains(stderr, "Deal - ID") {
		t.Fatalf("init: exit %d, next steps without --create-fields:\n%s", code, stderr)
	}
	code, _, stderrDry := runImportCLI(t, "import", "--base-url", url, "--dry-run", "--create-fields", "--mapping", mapping, input)
	planned := regexp.MustCompile(`requests needed: (\d+) writes`).FindStringSubmatch(stderrDry)
	if code != ExitOK || planned == nil || srv.Stats().Requests["POST"] != 1 {
		t.Fatalf("dry run: exit %d, %d POSTs\n%s", code, srv.Stats().Requests["POST"], stderrDry)
	}
	code, _, stderr = runImportCLI(t, "import", "--base-url", url, "--create-fields", "--mapping", mapping, input)
	if code != ExitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	// "requests needed" counts every write, the custom field definitions
	// the dry run lists as "to be created" among them.
	fields := 0
	if m := regexp.MustCompile(`custom fields to be created: (.*)`).FindStringSubmatch(stderrDry); m != nil {
		fields = strings.Count(m[1], "\" (")
	}
	writes := srv.Stats().Requests["POST"] + srv.Stats().Requests["PUT"] - 1 // less the organisation posted above
	if want, _ := strconv.Atoi(planned[1]); fields != 1 || writes != want {
		t.Errorf("the dry run planned %d writes and %d custom fields, the import made %d writes", want, fields, writes)
	}

	parties := map[float64]map[string]any{}
	names := map[string]int{}
	for _, p := range listAll(t, url, "parties") {
		parties[p["id"].(float64)] = p
		n, _ := p["name"].(string)
		if n == "" {
			n = fmt.Sprint(p["firstName"], " ", p["lastName"])
		}
		names[n]++
	}
	for _, n := range []string{"Acme Ltd", "Brightside Studio", "Nordwind GmbH", "Anna Müller", "Oliver Grant", "Léa Dubois"} {
		if names[n] != 1 {
			t.Errorf("%q exists %d times, want once (parties %v)", n, names[n], names)
		}
	}
	if len(parties) != 6 {
		t.Errorf("%d parties, want 6: %v", len(parties), names)
	}
	type deal struct{ party, milestone, value string }
	got := map[string]deal{}
	for _, o := range listAll(t, url, "opportunities") {
		p := o["party"].(map[string]any)
		party := parties[p["id"].(float64)]
		who, _ := party["name"].(string)
		if who == "" {
			who = fmt.Sprint(party["firstName"], " ", party["lastName"])
		}
		v, _ := o["value"].(map[string]any)
		val := ""
		if v != nil {
			val = fmt.Sprint(v["amount"], " ", v["currency"])
		}
		got[o["name"].(string)] = deal{who, o["milestone"].(map[string]any)["name"].(string), val}
	}
	want := map[string]deal{
		"Acme Ltd deal":           {"Anna Müller", "Proposal Made", "12500 EUR"},
		"Website relaunch":        {"Oliver Grant", "Qualified", "4800 GBP"},
		"Annual support contract": {"Anna Müller", "Won", "9000 EUR"},
		"Pilot for Nordwind":      {"Nordwind GmbH", "Lost", "2300 EUR"},
		"Consulting days":         {"Léa Dubois", "Qualified", ""},
		"Brightside Studio deal":  {"Oliver Grant", "Demo Scheduled", "1500.5 GBP"},
	}
	if len(got) != len(want) {
		t.Errorf("%d opportunities, want %d: %v", len(got), len(want), got)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("opportunity %q = %+v, want %+v", name, got[name], w)
		}
	}
	// Anna Müller works at the Acme Ltd that was there before the import.
	for _, p := range parties {
		if p["lastName"] == "Müller" {
			if org, _ := p["organisation"].(map[string]any); org == nil || org["id"].(float64) != acmeID {
				t.Errorf("Anna Müller's organisation is %v, want the existing Acme Ltd (%v)", p["organisation"], acmeID)
			}
		}
	}
	posts, puts := srv.Stats().Requests["POST"], srv.Stats().Requests["PUT"]
	code, _, stderr = runImportCLI(t, "import", "--base-url", url, "--create-fields", "--mapping", mapping, input)
	if code != ExitOK || srv.Stats().Requests["POST"] != posts || srv.Stats().Requests["PUT"] != puts {
		t.Errorf("rerun: exit %d, %d POSTs and %d PUTs more\n%s", code, srv.Stats().Requests["POST"]-posts, srv.Stats().Requests["PUT"]-puts, stderr)
	}
}

// validate refuses a date layout that reads the month twice (the layout
// DD-MMM-YYYY became before month names were known), naming the line.
func TestValidateRefusesBrokenDateLayout(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	os.WriteFile(input, []byte("Name,Since\nAnn Lee,16-Mar-2024\n"), 0o644)
	for _, tc := range []struct {
		layout string
		code   int
		want   string
	}{
		{"02-011-2006", ExitUsage, "m.yaml:3:16: defaults.date_format: \"02-011-2006\" is not a date format: it reads the month 2 times"},
		{"DD-MMM-YYYY", ExitOK, "0 rows would be rejected"},
	} {
		mapping := filepath.Join(dir, "m.yaml")
		os.WriteFile(mapping, []byte("version: 1\ndefaults:\n  date_format: \""+tc.layout+"\"\nrecords:\n  p:\n    entity: person\n    fields:\n      lastName: Name\n      fields: {Since: {column: Since, type: date}}\n"), 0o644)
		code, stdout, stderr := runCLI(t, "validate", "--mapping", mapping, input)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("%s: exit %d, want %d and %q:\n%s%s", tc.layout, code, tc.code, tc.want, stdout, stderr)
		}
	}
}

// A draft without custom fields does not send the user to --create-fields.
func TestInitNextStepsWithoutCustomFields(t *testing.T) {
	input := filepath.Join(t.TempDir(), "people.csv")
	os.WriteFile(input, []byte("First Name,Last Name,Email\nAnn,Lee,ann@example.com\n"), 0o644)
	code, stdout, stderr := runCLI(t, "init", input)
	if code != ExitOK || strings.Contains(stderr, "--create-fields") || !strings.Contains(stderr, "capsule-etl import --mapping DRAFT.yaml") ||
		strings.Contains(stdout, "next steps") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
