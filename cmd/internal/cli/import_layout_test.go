package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// An export in the default layout imports as it is, without --mapping.
func TestImportExportLayoutWithoutMapping(t *testing.T) {
	srcSrv, src := startSandbox(t)
	dstSrv, dst := startSandbox(t)
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	dir, mapping, input := importFixture(t, importRows(12))
	if code, _, stderr := runImportCLI(t, "import", "--base-url", src, "--mapping", mapping, input); code != ExitOK {
		t.Fatalf("seeding: exit %d\n%s", code, stderr)
	}
	exported := filepath.Join(dir, "parties.csv")
	if code, _, stderr := runImportCLI(t, "export", "--base-url", src, "--entity", "parties", "--output", exported); code != ExitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	code, _, stderr := runImportCLI(t, "import", "--base-url", dst, exported)
	if code != ExitOK {
		t.Fatalf("import of the export: exit %d\n%s", code, stderr)
	}
	if got, want := dstSrv.Stats().Records["parties"], srcSrv.Stats().Records["parties"]; got != want {
		t.Fatalf("%d parties imported, %d exported", got, want)
	}
	if got, want := linked(t, dst), linked(t, src); got != want || want == 0 {
		t.Fatalf("%d people linked to their organisation, want %d", got, want)
	}
	posts := dstSrv.Stats().Requests["POST"]
	if code, _, stderr = runImportCLI(t, "import", "--base-url", dst, exported); code != ExitOK ||
		dstSrv.Stats().Requests["POST"] != posts || dstSrv.Stats().Requests["PUT"] != 0 {
		t.Fatalf("rerun: exit %d, routes %v\n%s", code, dstSrv.Stats().Routes, stderr)
	}
	if !strings.Contains(stderr, "unchanged") {
		t.Fatalf("summary missing:\n%s", stderr)
	}
}

// linked counts people whose organisation has the name it had in the file
// (organisation ids differ between accounts, names do not).
func linked(t *testing.T, url string) int {
	t.Helper()
	n := 0
	for _, p := range listAll(t, url, "parties") {
		if org, ok := p["organisation"].(map[string]any); ok && org["name"] != nil && p["type"] == "person" {
			n++
		}
	}
	return n
}

// Custom fields of every type survive export and import without a mapping.
func TestImportExportLayoutCustomFields(t *testing.T) {
	seed := sandbox.Seed{Fields: []sandbox.SeedFieldDef{
		{Entity: "parties", Name: "Size", Type: "number"},
		{Entity: "parties", Name: "Partner", Type: "boolean"},
		{Entity: "parties", Name: "Since", Type: "date"},
		{Entity: "parties", Name: "Tier", Type: "list", Options: []string{"Gold", "Silver"}},
	}}
	_, src := startSandbox(t, sandbox.WithSeed(seed))
	dstSrv, dst := startSandbox(t, sandbox.WithSeed(seed))
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	dir := t.TempDir()
	mapping := filepath.Join(dir, "orgs.yaml")
	os.WriteFile(mapping, []byte(`version: 1
records:
  org:
    entity: organisation
    match: [name]
    fields:
      name: Name
      fields:
        Size: {column: Size, type: decimal}
        Partner: {column: Partner, type: boolean}
        Since: {column: Since, type: date}
        Tier: Tier
`), 0o644)
	input := filepath.Join(dir, "orgs.csv")
	os.WriteFile(input, []byte("Name,Size,Partner,Since,Tier\nAcme,12.5,yes,2020-01-31,Gold\nGlobex,3,no,2021-12-01,Silver\n"), 0o644)
	if code, _, stderr := runImportCLI(t, "import", "--base-url", src, "--mapping", mapping, input); code != ExitOK {
		t.Fatalf("seeding: exit %d\n%s", code, stderr)
	}
	exported := filepath.Join(dir, "parties.csv")
	if code, _, stderr := runImportCLI(t, "export", "--base-url", src, "--entity", "parties", "--output", exported); code != ExitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runImportCLI(t, "import", "--base-url", dst, exported); code != ExitOK {
		data, _ := os.ReadFile(exported)
		errs, _ := os.ReadFile(strings.TrimSuffix(exported, ".csv") + ".errors.csv")
		t.Fatalf("import of the export: exit %d\n%s\n%s\n%s", code, stderr, data, errs)
	}
	want, got := fieldValues(t, src), fieldValues(t, dst)
	if len(want) != 8 || fmt.Sprint(want) != fmt.Sprint(got) {
		t.Fatalf("custom fields\n got %v\nwant %v", got, want)
	}
	if dstSrv.Stats().Records["parties"] != 2 {
		t.Fatalf("records %v", dstSrv.Stats().Records)
	}
}

// fieldValues lists "party name/field: value" of every custom field value.
func fieldValues(t *testing.T, url string) []string {
	t.Helper()
	var out []string
	for _, p := range listAll(t, url, "parties?embed=fields") {
		fs, _ := p["fields"].([]any)
		for _, f := range fs {
			m := f.(map[string]any)
			def := m["definition"].(map[string]any)
			out = append(out, fmt.Sprintf("%v/%v: %v", p["name"], def["name"], m["value"]))
		}
	}
	sort.Strings(out)
	return out
}

// Parties, opportunities and notes exported in the default layout import
// into another account in one command, linked by name.
func TestImportExportLayoutAllEntities(t *testing.T) {
	srcSrv, src := startSandbox(t)
	dstSrv, dst := startSandbox(t)
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	rows := importRows(16)
	dir, mapping, input := importFixture(t, rows)
	if code, _, stderr := runImportCLI(t, "import", "--base-url", src, "--mapping", mapping, input); code != ExitOK {
		t.Fatalf("seeding: exit %d\n%s", code, stderr)
	}
	var files []string
	for _, e := range []string{"parties", "opportunities", "entries"} {
		f := filepath.Join(dir, e+".csv")
		if code, _, stderr := runImportCLI(t, "export", "--base-url", src, "--entity", e, "--output", f); code != ExitOK {
			t.Fatalf("export %s: exit %d\n%s", e, code, stderr)
		}
		files = append(files, f)
	}
	args := append([]string{"import", "--base-url", dst}, files...)
	if code, _, stderr := runImportCLI(t, args...); code != ExitOK {
		t.Fatalf("import of the exports: exit %d\n%s", code, stderr)
	}
	if got, want := fmt.Sprint(dstSrv.Stats().Records), fmt.Sprint(srcSrv.Stats().Records); got != want {
		t.Fatalf("records %s, want %s", got, want)
	}
	checkOnce(t, dst, rows)
}

// People sharing a name: the exports of parties and notes import back into
// the same account with no write, and into another account, in one
// command, with every note on the same person (told apart by e-mail).
func TestImportExportLayoutSameNames(t *testing.T) {
	srcSrv, src := startSandbox(t)
	dstSrv, dst := startSandbox(t)
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	var rows [][]string
	for i := range 4 {
		rows = append(rows, []string{fmt.Sprintf("P%d", i), "", "Ann", "Lee", fmt.Sprintf("ann%d@example.com", i), "", "", fmt.Sprintf("Met Ann %d", i)})
	}
	dir, mapping, input := importFixture(t, rows)
	if code, _, stderr := runImportCLI(t, "import", "--base-url", src, "--mapping", mapping, input); code != ExitOK {
		t.Fatalf("seeding: exit %d\n%s", code, stderr)
	}
	var files []string
	for _, e := range []string{"parties", "entries"} {
		out := filepath.Join(dir, e+".csv")
		if code, _, stderr := runImportCLI(t, "export", "--base-url", src, "--entity", e, "--output", out); code != ExitOK {
			t.Fatalf("export %s: exit %d\n%s", e, code, stderr)
		}
		files = append(files, out)
	}
	writes := func(s *sandbox.Server) int { r := s.Stats().Requests; return r["POST"] + r["PUT"] + r["DELETE"] }
	before := writes(srcSrv)
	for _, f := range files {
		if code, _, stderr := runImportCLI(t, "import", "--base-url", src, f); code != ExitOK {
			t.Fatalf("re-import of %s: exit %d\n%s", f, code, stderr)
		}
	}
	if w := writes(srcSrv) - before; w != 0 {
		t.Errorf("re-import into the same account sent %d writes, want none", w)
	}
	if code, _, stderr := runImportCLI(t, append([]string{"import", "--base-url", dst}, files...)...); code != ExitOK {
		t.Fatalf("import into another account: exit %d\n%s", code, stderr)
	}
	if got, want := notesByEmail(t, dst), notesByEmail(t, src); got != want || dstSrv.Stats().Records["entries"] != 4 {
		t.Errorf("notes in the other account:\n%s\nwant:\n%s", got, want)
	}
}

// notesByEmail lists "content -> e-mail of the note's party", sorted.
func notesByEmail(t *testing.T, url string) string {
	t.Helper()
	email := map[string]string{}
	for _, p := range listAll(t, url, "parties") {
		if l, ok := p["emailAddresses"].([]any); ok && len(l) > 0 {
			email[fmt.Sprint(p["id"])] = fmt.Sprint(l[0].(map[string]any)["address"])
		}
	}
	var out []string
	for _, e := range listAll(t, url, "entries") {
		party, _ := e["party"].(map[string]any)
		out = append(out, fmt.Sprintf("%v -> %s", e["content"], email[fmt.Sprint(party["id"])]))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
