package cli

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

var verboseLine = regexp.MustCompile(`(?m)^http: (GET|POST|PUT) /api/v2/\S+ \d{3} \d+\.\dms budget \d+/\d+$`)

func TestVerboseImportOverLoopback(t *testing.T) {
	const token = "cap-pat-7d41f0b9e2c85a36d1f4e7b0a9c3d2e1"
	// A small hourly budget, so the pacer is at work during the import.
	srv, url := startSandbox(t, sandbox.WithToken(token), sandbox.WithRateLimit(300, time.Hour))
	t.Setenv("CAPSULE_TOKEN", token)
	_, mapping, input := importFixture(t, importRows(6))

	code, _, stderr := runImportCLI(t, "import", "-v", "--base-url", url, "--mapping", mapping, input)
	if code != ExitOK {
		t.Fatalf("import -v: exit %d\n%s", code, stderr)
	}
	lines := verboseLine.FindAllString(stderr, -1)
	sent := 0
	for _, n := range srv.Stats().Requests {
		sent += n
	}
	if len(lines) != sent || sent == 0 {
		t.Errorf("%d -v lines for %d requests the sandbox answered:\n%s", len(lines), sent, stderr)
	}
	if !regexp.MustCompile(`http: POST /api/v2/parties(\?\S*)? 201 `).MatchString(stderr) {
		t.Errorf("no line for a created party:\n%s", stderr)
	}

	_, mapping2, input2 := importFixture(t, importRows(3))
	code, _, stderr = runImportCLI(t, "import", "--debug-http", "--base-url", url, "--mapping", mapping2, input2)
	if code != ExitOK {
		t.Fatalf("import --debug-http: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "> Authorization: Bearer [REDACTED]") || !strings.Contains(stderr, "< HTTP/1.1 201 Created") {
		t.Errorf("--debug-http shows no headers:\n%.2000s", stderr)
	}
	if strings.Contains(stderr, token) || strings.Contains(stderr, token[8:24]) {
		t.Error("the token appears in --debug-http output")
	}
}

func TestVersionFlagKeepsWorkingBesideVerbose(t *testing.T) {
	code, out, _ := runCLI(t, "--version")
	if code != ExitOK || !strings.Contains(out, "capsule-etl version") {
		t.Errorf("--version = %d %q", code, out)
	}
	code, out, _ = runCLI(t, "-v", "version")
	if code != ExitOK || !strings.HasPrefix(out, "capsule-etl ") {
		t.Errorf("-v version = %d %q", code, out)
	}
}
