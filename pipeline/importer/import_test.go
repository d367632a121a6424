package importer_test

import (
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

func TestImportLandsExactlyAndRerunSendsNothing(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	rows := genRows(200)
	in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	ctx := ctxT(t)
	res, err := importer.Import(ctx, e.config(t, testMapping, in))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	orgs, people, deals, notes := expected(rows)
	st := e.srv.Stats()
	if st.Records["parties"] != orgs+people || st.Records["opportunities"] != deals || st.Records["entries"] != notes {
		t.Fatalf("records %v, want parties %d opportunities %d entries %d", st.Records, orgs+people, deals, notes)
	}
	if res.Total.Created != orgs+people+deals+notes || res.Total.Rejected != 0 {
		t.Fatalf("totals %+v", res.Total)
	}
	// Every person is linked to its company and carries both tags once.
	orgID := map[string]string{}
	for _, p := range e.list(t, "parties") {
		if p["type"] == "organisation" {
			orgID[p["name"].(string)] = scalarID(p["id"])
		}
	}
	for _, p := range e.list(t, "parties") {
		if p["type"] != "person" {
			continue
		}
		org, _ := p["organisation"].(map[string]any)
		if org == nil || len(p["tags"].([]any)) != 2 || len(p["emailAddresses"].([]any)) != 1 {
			t.Fatalf("person %v: organisation/tags/emails wrong", p)
		}
	}
	if len(orgID) != orgs {
		t.Fatalf("%d distinct organisations, want %d", len(orgID), orgs)
	}
	first := res.Total
	before := e.srv.Stats()
	res, err = importer.Import(ctx, e.config(t, testMapping, in))
	if err != nil {
		t.Fatalf("rerun: %v", err)
	}
	after := e.srv.Stats()
	if w := after.Requests["POST"] + after.Requests["PUT"] - before.Requests["POST"] - before.Requests["PUT"]; w != 0 {
		t.Fatalf("rerun sent %d writes; totals %+v; routes %v", w, res.Total, after.Routes)
	}
	if res.Total.Unchanged != first.Created+first.Unchanged+first.Reused || res.Total.Skipped != first.Skipped {
		t.Fatalf("rerun totals %+v", res.Total)
	}
}

func scalarID(v any) string {
	switch x := v.(type) {
	case float64:
		return itoa(int(x))
	}
	return ""
}

func itoa(n int) string {
	b := []byte{}
	if n == 0 {
		return "0"
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
