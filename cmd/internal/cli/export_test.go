package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// exportSandbox starts a sandbox with one organisation and one person and
// points CAPSULE_TOKEN at it; it returns the --base-url value.
func exportSandbox(t *testing.T) string {
	t.Helper()
	run, err := sandbox.Start(t.Context(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	t.Setenv(envToken, sandbox.DefaultToken)
	t.Setenv(envBaseURL, "")
	c, err := capsule.NewClient(capsule.WithToken(sandbox.DefaultToken), capsule.WithBaseURL(run.URL))
	if err != nil {
		t.Fatal(err)
	}
	c.Pacer().SetPending(10)
	ctx := context.Background()
	org, _, err := c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some("organisation"), Name: capsule.Some("Acme Ltd")})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Parties.Create(ctx, &capsule.Party{Type: capsule.Some("person"), FirstName: capsule.Some("Ann"), LastName: capsule.Some("Lee"),
		Organisation:   capsule.PartyID(org.ID),
		EmailAddresses: []capsule.EmailAddress{{Address: capsule.Some("ann@acme.example")}}})
	if err != nil {
		t.Fatal(err)
	}
	return run.URL
}

func TestExportCommand(t *testing.T) {
	url := exportSandbox(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.csv")
	os.WriteFile(existing, []byte("keep me\n"), 0o644)
	mapping := filepath.Join(dir, "people.yaml")
	os.WriteFile(mapping, []byte("version: 1\nrecords:\n  person:\n    entity: person\n    fields:\n      firstName: Given\n      lastName: Family\n      emailAddresses: [{address: Mail}]\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
	}{
		{"csv on stdout", []string{"export", "--entity", "parties", "-o", "-"}, ExitOK, "ID,Type,Name,Title,First Name,Last Name", "export: parties 2 written to stdout; 2 requests"},
		{"organisations come first", []string{"export", "--entity", "parties", "-o", "-"}, ExitOK, "organisation,Acme Ltd", ""},
		{"mapping decides the columns", []string{"export", "--mapping", mapping, "-o", "-"}, ExitOK, "Given,Family,Mail\nAnn,Lee,ann@acme.example\n", "parties 1 written"},
		{"file output", []string{"export", "--entity", "tasks", "-o", filepath.Join(dir, "tasks.csv")}, ExitOK, "", "tasks 0 written to " + filepath.Join(dir, "tasks.csv")},
		{"existing output refused", []string{"export", "--entity", "parties", "-o", existing}, ExitUsage, "", "add --overwrite"},
		{"overwrite", []string{"export", "--entity", "parties", "-o", existing, "--overwrite"}, ExitOK, "", "parties 2 written"},
		{"no output", []string{"export", "--entity", "parties"}, ExitUsage, "", "--output FILE is required"},
		{"no entity", []string{"export", "-o", "-"}, ExitUsage, "", "--entity is required"},
		{"several entities in a csv", []string{"export", "--entity", "parties,tasks", "-o", filepath.Join(dir, "x.csv")}, ExitUsage, "", "need an .xlsx output"},
		{"since and incremental", []string{"export", "--entity", "parties", "-o", "-", "--since", "2026-01-01", "--incremental", "--state", "s.json"}, ExitUsage, "", "exclude each other"},
		{"incremental without state", []string{"export", "--entity", "parties", "-o", filepath.Join(dir, "y.csv"), "--incremental"}, ExitUsage, "", "needs --state"},
		{"bad since", []string{"export", "--entity", "parties", "-o", "-", "--since", "yesterday"}, ExitUsage, "", "--since \"yesterday\""},
		{"since as a date", []string{"export", "--entity", "parties", "-o", "-", "--since", "2000-01-01"}, ExitOK, "Acme Ltd", ""},
		{"singular and screen names", []string{"export", "--entity", "Party", "-o", "-"}, ExitOK, "Acme Ltd", "parties 2 written"},
		{"projects are kases", []string{"export", "--entity", "projects", "-o", "-"}, ExitOK, "", "kases 0 written"},
		{"people are parties", []string{"export", "--entity", "people", "-o", "-"}, ExitUsage, "", "use --entity parties"},
		{"unknown entity", []string{"export", "--entity", "widgets", "-o", "-"}, ExitUsage, "", `unknown entity "widgets": choose from parties`},
		{"output folder missing", []string{"export", "--entity", "parties", "-o", filepath.Join(dir, "nope", "x.csv")}, ExitUsage, "", "the folder " + filepath.Join(dir, "nope") + " does not exist"},
		{"output is a folder", []string{"export", "--entity", "parties", "-o", dir}, ExitUsage, "", "is a folder; name a file in it"},
		{"unknown format", []string{"export", "--entity", "parties", "-o", filepath.Join(dir, "x.doc")}, ExitUsage, "", "unknown file format"},
		{"no token", []string{"export", "--entity", "parties", "-o", "-", "--base-url", "http://127.0.0.1:1"}, ExitUsage, "", "CAPSULE_TOKEN is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "no token" {
				t.Setenv(envToken, "")
			}
			args := tt.args
			if tt.name != "no token" {
				args = append(args, "--base-url", url)
			}
			code, out, errOut := runCLI(t, args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("code %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErr)
			}
			if strings.Contains(out+errOut, sandbox.DefaultToken) {
				t.Fatal("the token was printed")
			}
		})
	}
	if b, _ := os.ReadFile(existing); !strings.Contains(string(b), "Acme Ltd") {
		t.Errorf("--overwrite did not replace the file: %q", b)
	}
}

func TestExportCommandIncremental(t *testing.T) {
	url := exportSandbox(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	out := filepath.Join(dir, "parties.csv")
	code, _, errOut := runCLI(t, "export", "--entity", "parties", "-o", out, "--incremental", "--state", state, "--base-url", url)
	if code != ExitOK {
		t.Fatalf("code %d: %s", code, errOut)
	}
	for _, p := range []string{out, filepath.Join(dir, "parties.deleted.csv"), state} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if !strings.Contains(errOut, "deleted records in "+filepath.Join(dir, "parties.deleted.csv")) {
		t.Errorf("summary does not name the deleted file: %s", errOut)
	}
	// Without --overwrite the next run refuses the same output and leaves the state alone.
	before, _ := os.ReadFile(state)
	code, _, errOut = runCLI(t, "export", "--entity", "parties", "-o", out, "--incremental", "--state", state, "--base-url", url)
	after, _ := os.ReadFile(state)
	if code != ExitUsage || string(before) != string(after) {
		t.Errorf("second run: code %d (%s), state changed %v", code, errOut, string(before) != string(after))
	}
}

func TestExportCommandInterrupted(t *testing.T) {
	url := exportSandbox(t)
	out := filepath.Join(t.TempDir(), "parties.csv")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as if SIGINT arrived before the first page
	var stdout, stderr strings.Builder
	code := Run(ctx, []string{"export", "--entity", "parties", "-o", out, "--base-url", url}, &IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr})
	if code != ExitInterrupted {
		t.Fatalf("code %d (%s), want %d", code, stderr.String(), ExitInterrupted)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output exists after an interrupted export: %v", err)
	}
}

func TestExportProgressLogLines(t *testing.T) {
	now := time.Date(2026, 11, 27, 2, 15, 0, 0, time.UTC)
	var buf strings.Builder
	p := newProgressLog(&buf, false, func() time.Time { return now }, nil)
	steps := []struct {
		advance time.Duration
		n       int
		want    int // log lines so far
	}{
		{time.Second, 100, 0},
		{4 * time.Second, 200, 1},
		{time.Second, 300, 1},
		{5 * time.Second, 400, 2},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		p.update("parties", s.n)
		if got := strings.Count(buf.String(), "\n"); got != s.want {
			t.Fatalf("after %d records: %d log lines, want %d:\n%s", s.n, got, s.want, buf.String())
		}
	}
	p.finish()
	if !strings.Contains(buf.String(), "2026-11-27T02:15:05Z export: parties: 200 records so far\n") || strings.Contains(buf.String(), "\r") {
		t.Errorf("log lines = %q", buf.String())
	}
}

func TestExportCommandWorkbookAll(t *testing.T) {
	url := exportSandbox(t)
	out := filepath.Join(t.TempDir(), "capsule.xlsx")
	code, _, errOut := runCLI(t, "export", "--entity", "all", "-o", out, "--include-deleted", "--base-url", url)
	if code != ExitOK {
		t.Fatalf("code %d: %s", code, errOut)
	}
	for _, want := range []string{"parties 2", "opportunities 0", "kases 0", "entries 0", "tasks 0", "deleted records in " + strings.TrimSuffix(out, ".xlsx") + ".deleted.xlsx"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary %q lacks %q", errOut, want)
		}
	}
}
