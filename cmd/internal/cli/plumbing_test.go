package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/export"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
	"github.com/capsule-etl/capsule-etl/pipeline/rollback"
)

// The exit codes are a contract: this is the table scripts rely on.
func TestExitCodeMapping(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("importing a.csv: %w", err) }
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"no error", nil, 0},
		{"plain error", errors.New("boom"), 1},
		{"usage", usageError(errors.New("bad flag")), 2},
		{"rejected rows", withCode(ExitRejected, nil), 3},
		{"interrupted, reported", withCode(ExitInterrupted, nil), 130},
		{"an explicit code wins over the table", withCode(ExitFatal, wrap(&importer.InputError{})), 1},
		{"input error", wrap(&importer.InputError{Problems: []string{"a.csv row 2"}}), 2},
		{"preflight", wrap(&importer.PreflightError{}), 2},
		{"unfinished run", wrap(&journal.UnfinishedRunError{}), 2},
		{"export option", wrap(&export.OptionError{Err: errors.New("x")}), 2},
		{"output exists", wrap(export.ErrOutputExists), 2},
		{"rollback of a rollback", wrap(rollback.ErrIsRollback), 2},
		{"another account", wrap(&rollback.AccountError{}), 2},
		{"cancelled", wrap(context.Canceled), 130},
		{"deadline is not an interruption", wrap(context.DeadlineExceeded), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitCode(tc.err); got != tc.want {
				t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
	if len(exitCodes) != 8 {
		t.Errorf("exitCodes has %d rows; add the new ones to this test", len(exitCodes))
	}
}

// One --reserve for import and export: capsule's range, default, and an
// error that names the flag (it used to blame --base-url).
func TestReserveFlag(t *testing.T) {
	_, mapping, input := importFixture(t, importRows(2))
	out := filepath.Join(t.TempDir(), "p.csv")
	t.Setenv(envToken, sandbox.DefaultToken)
	for _, args := range [][]string{
		{"import", "--reserve", "60", "--mapping", mapping, input},
		{"import", "--reserve", "60", "--offline", "--mapping", mapping, input},
		{"import", "--reserve", "-1", "--mapping", mapping, input},
		{"export", "--reserve", "60", "--entity", "parties", "-o", out},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, errOut := runCLI(t, args...)
			want := "--reserve " + args[2] + ": give a percentage from 0 to 50"
			if code != ExitUsage || !strings.Contains(errOut, want) || strings.Contains(errOut, "--base-url") {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, want)
			}
		})
	}
}

func TestImportAndExportOptions(t *testing.T) {
	streams, _, _ := NewTestIOStreams("")
	var imp *importOptions
	line := []string{"import", "--mapping", "m.yaml", "a.csv", "b.xlsx"}
	cmd := newImportCmd(streams, line, func(_ context.Context, o *importOptions) error { imp = o; return nil })
	cmd.SetArgs(line[1:])
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if imp == nil || imp.Mapping != "m.yaml" || !slices.Equal(imp.Inputs, []string{"a.csv", "b.xlsx"}) ||
		!slices.Equal(imp.CommandLine, line) || imp.Reserve != capsule.DefaultReserve || imp.IO != streams {
		t.Fatalf("import options %+v", imp)
	}

	var exp *exportOptions
	cmd = newExportCmd(streams, func(_ context.Context, o *exportOptions) error { exp = o; return nil })
	cmd.SetArgs([]string{"--entity", "parties", "-o", "p.csv", "--reserve", "25"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if exp == nil || exp.Reserve != 25 || exp.Entity != "parties" || exp.Output != "p.csv" || exp.IO != streams {
		t.Fatalf("export options %+v", exp)
	}
	exp = nil
	cmd = newExportCmd(streams, func(_ context.Context, o *exportOptions) error { exp = o; return nil })
	cmd.SetArgs([]string{"--entity", "parties", "-o", "p.csv"})
	if err := cmd.Execute(); err != nil || exp.Reserve != capsule.DefaultReserve {
		t.Fatalf("default export reserve: %v, %+v", err, exp)
	}
}

func TestExportWithReserve(t *testing.T) {
	url := exportSandbox(t)
	out := filepath.Join(t.TempDir(), "parties.csv")
	code, _, errOut := runCLI(t, "export", "--entity", "parties", "-o", out, "--reserve", "20", "--base-url", url)
	if code != ExitOK || !strings.Contains(errOut, "parties 2") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// The journal records the command line Run was given, not the process's
// (here the test binary's flags).
func TestImportRecordsItsCommandLine(t *testing.T) {
	_, url := startSandbox(t)
	t.Setenv(envToken, sandbox.DefaultToken)
	_, mapping, input := importFixture(t, importRows(2))
	args := []string{"import", "--base-url", url, "--mapping", mapping, "--reserve", "15", input}
	if code, _, errOut := runImportCLI(t, args...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	j, err := journal.Open(t.Context(), input+".capsule-etl.db", journal.WithoutLock())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	runs, err := j.ListRuns(t.Context())
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	if !slices.Equal(runs[0].Args, args) {
		t.Errorf("recorded command line %q, want %q (os.Args is %q)", runs[0].Args, args, os.Args)
	}
}

func TestIOStreamsTerminals(t *testing.T) {
	devNull, err := os.Open(os.DevNull) // a character device, not a terminal
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	s := &IOStreams{In: devNull, Out: devNull, ErrOut: devNull}
	if s.IsStdinTTY() || s.IsStdoutTTY() || s.IsStderrTTY() {
		t.Errorf("%s taken for a terminal", os.DevNull)
	}
	b, _, _ := NewTestIOStreams("")
	if b.IsStdinTTY() || b.IsStdoutTTY() || b.IsStderrTTY() {
		t.Error("a buffer taken for a terminal")
	}
	b.SetStdinTTY(true)
	b.SetStderrTTY(true)
	if !b.IsStdinTTY() || b.IsStdoutTTY() || !b.IsStderrTTY() {
		t.Error("declared terminals not reported")
	}
}

// On a terminal, auth login asks for the token and reads it through the
// streams (without echo on a real terminal); the token is never printed.
func TestAuthLoginPromptsOnATerminal(t *testing.T) {
	base, credFile := authEnv(t)
	streams, out, errOut := NewTestIOStreams(sandbox.DefaultToken + "\n")
	streams.SetStdinTTY(true)
	code := Run(context.Background(), []string{"auth", "login", "--base-url", base}, streams)
	if code != ExitOK || !strings.Contains(errOut.String(), "Paste your Capsule personal access token") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if strings.Contains(out.String()+errOut.String(), sandbox.DefaultToken) {
		t.Error("the token was echoed")
	}
	if b, err := os.ReadFile(credFile); err != nil || !strings.Contains(string(b), sandbox.DefaultToken) {
		t.Errorf("credentials not stored: %v", err)
	}
}

// On a terminal the export progress is one redrawn line, cleared at the end.
func TestExportProgressRedrawsOnATerminal(t *testing.T) {
	now := time.Date(2026, 11, 27, 2, 15, 0, 0, time.UTC)
	var buf strings.Builder
	p := newProgressLog(&buf, true, func() time.Time { return now }, nil)
	now = now.Add(time.Second)
	p.update("parties", 100)
	now = now.Add(time.Second)
	p.update("parties", 200)
	p.finish()
	if want := "\rexporting parties: 100 records \rexporting parties: 200 records \r\033[K"; buf.String() != want {
		t.Errorf("terminal output %q, want %q", buf.String(), want)
	}
}

// The plan summary's estimate is the pacer's: the --reserve given, offline
// (no budget seen: Capsule's 4,000 an hour) and against the account.
func TestPlanEstimateUsesTheReserve(t *testing.T) {
	_, url := startSandbox(t)
	t.Setenv(envToken, sandbox.DefaultToken)
	_, mapping, input := importFixture(t, importRows(3))
	code, _, errOut := runImportCLI(t, "import", "--offline", "--reserve", "20", "--mapping", mapping, input)
	if code != ExitOK || !strings.Contains(errOut, "3200 usable per hour (20% kept in reserve)") {
		t.Fatalf("offline: exit %d\n%s", code, errOut)
	}
	code, _, errOut = runImportCLI(t, "import", "--dry-run", "--reserve", "20", "--base-url", url, "--mapping", mapping, input)
	if code != ExitOK || !strings.Contains(errOut, "20% kept in reserve)") || !strings.Contains(errOut, "no waiting: ") {
		t.Fatalf("dry run: exit %d\n%s", code, errOut)
	}
}
