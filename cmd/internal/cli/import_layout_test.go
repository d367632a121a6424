package cli

import (
	"path/filepath"
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
