package importer_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// A list typed by hand in an office with contacts in three cities; only
// the Vienna number has its +code, so init guesses AT.
const threeCities = `First Name,Last Name,Email Address,Phone Number
Lena,Huber,lena.huber@wien-consult.at,+43 1 555 0105
Sam,Carter,sam.carter@hudsonworks.com,(212) 555-0106
Julie,Moreau,julie.moreau@atelier-paris.fr,01 44 55 01 07
`

func draftFor(t *testing.T, path string) string {
	t.Helper()
	r, err := files.Open(path, files.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var sample []*formats.Record
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sample = append(sample, rec.Clone())
	}
	d, err := mappings.Draft(r.Header(), sample, mappings.DraftOptions{Source: path})
	if err != nil {
		t.Fatal(err)
	}
	return string(d)
}

// The draft's guessed region moves no number to another country: the dry
// run plans the numbers as written with a warning each, the real run sends
// exactly that, and confirming another region is the user's move.
func TestGuessedPhoneRegionMovesNoNumber(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "contacts.csv", threeCities)
	draft := draftFor(t, in)
	if !strings.Contains(draft, "phone_region: AT") || !strings.Contains(draft, "phone_region_guessed: true") {
		t.Fatalf("draft does not mark its AT guess:\n%s", draft)
	}

	cfg := e.config(t, draft, in)
	cfg.DryRun = true
	var plan, summary bytes.Buffer
	cfg.Plan, cfg.PlanSummary = &plan, &summary
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.WarnedRows != 2 || res.Total.Rejected != 0 || res.Total.Created != 3 {
		t.Fatalf("dry run: %d warned rows, counts %+v", res.WarnedRows, res.Total)
	}
	if !strings.Contains(summary.String(), "warnings: 2 warnings on 2 rows") || !strings.Contains(summary.String(), `contacts.csv row 3 person: column "Phone Number"`) {
		t.Errorf("plan summary:\n%s", summary.String())
	}
	warned := 0
	for _, line := range strings.Split(strings.TrimSpace(plan.String()), "\n") {
		var l importer.PlanLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		if len(l.Warnings) > 0 {
			warned++
		}
		body := string(l.Request.Body)
		if strings.Contains(body, "+43212") || strings.Contains(body, "+43144") {
			t.Errorf("plan sends a number in the wrong country: %s", body)
		}
	}
	if warned != 2 {
		t.Errorf("%d plan lines carry warnings, want 2:\n%s", warned, plan.String())
	}

	cfg.DryRun, cfg.Plan, cfg.PlanSummary = false, nil, nil
	if res, err = importer.Import(ctxT(t), cfg); err != nil || res.Total.Created != 3 || res.WarnedRows != 2 {
		t.Fatalf("import: %v %+v", err, res)
	}
	got := map[string]string{}
	for _, p := range e.list(t, "parties") {
		l, _ := p["phoneNumbers"].([]any)
		got[p["lastName"].(string)] = l[0].(map[string]any)["number"].(string)
	}
	want := map[string]string{"Huber": "+4315550105", "Carter": "(212) 555-0106", "Moreau": "01 44 55 01 07"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: phone %q, want %q", k, got[k], v)
		}
	}

	// The user confirms US for a US list: the numbers that fit are
	// formatted, the others stay as written with a warning.
	us := strings.Replace(strings.Replace(draft, "phone_region: AT", "phone_region: US", 1), "phone_region_guessed: true", "", 1)
	cfg = e.config(t, us, in)
	cfg.DryRun = true
	plan.Reset()
	cfg.Plan = &plan
	if res, err = importer.Import(ctxT(t), cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), `"+12125550106"`) || strings.Contains(plan.String(), "+1144550107") || res.WarnedRows != 1 {
		t.Errorf("confirmed US: %d warned rows, plan:\n%s", res.WarnedRows, plan.String())
	}
}
