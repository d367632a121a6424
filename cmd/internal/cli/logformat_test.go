package cli

import (
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// jsonRecords parses stderr as one JSON object per line, failing the test
// on any other line (a redrawn line, a text summary).
func jsonRecords(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("stderr line %d is not JSON (%v): %q\nall of stderr:\n%s", i+1, err, line, stderr)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Fatalf("stderr line %d lacks %q: %s", i+1, k, line)
			}
		}
		recs = append(recs, rec)
	}
	return recs
}

// record returns the first record with msg, or fails.
func record(t *testing.T, recs []map[string]any, msg string) map[string]any {
	t.Helper()
	for _, r := range recs {
		if r["msg"] == msg {
			return r
		}
	}
	t.Fatalf("no %q record in %v", msg, recs)
	return nil
}

// path reads a number or string nested in a record: path(r, "total", "created").
func path(r map[string]any, keys ...string) any {
	var v any = r
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestLogFormatJSON(t *testing.T) {
	srv, url := startSandbox(t)
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	t.Setenv(envLogFormat, "")
	_, mapping, input := importFixture(t, importRows(12))
	out := filepath.Join(t.TempDir(), "parties.csv")
	tests := []struct {
		name    string
		env     string
		args    []string
		code    int
		msg     string         // the summary record
		want    map[string]any // attribute path (dot-separated) -> value in it
		present []string       // messages that must appear too
	}{
		{"import dry run", "", []string{"--log-format", "json", "import", "--base-url", url, "--mapping", mapping, "--dry-run", input}, ExitOK,
			"summary", map[string]any{"dry_run": true, "rows": 12.0, "entities.people.created": 12.0, "total.rejected": 0.0},
			[]string{"plan"}},
		{"import", "", []string{"import", "--log-format", "json", "--base-url", url, "--mapping", mapping, input}, ExitOK,
			"summary", map[string]any{"dry_run": false, "rows": 12.0, "entities.people.created": 12.0, "level": "INFO"},
			[]string{"plan", "progress"}},
		{"import again, format from the environment", "json", []string{"import", "--base-url", url, "--mapping", mapping, input}, ExitOK,
			"summary", map[string]any{"entities.people.created": 0.0, "entities.people.unchanged": 12.0, "requests": float64(-1)},
			[]string{"plan"}},
		{"export", "", []string{"export", "--log-format", "json", "--base-url", url, "--entity", "parties", "-o", out}, ExitOK,
			"export summary", map[string]any{"entities.parties.written": 15.0, "records": 15.0, "output": out, "requests": 2.0},
			nil},
		{"flag beats the environment", "text", []string{"export", "--log-format", "json", "--base-url", url, "--entity", "parties", "-o", "-"}, ExitOK,
			"export summary", map[string]any{"output": "stdout", "entities.parties.deleted": 0.0},
			nil},
		{"a usage error is a JSON record too", "", []string{"--log-format", "json", "export", "--base-url", url, "--entity", "parties"}, ExitUsage,
			"--output FILE is required (- writes CSV to stdout)\nRun 'capsule-etl export --help' for usage", map[string]any{"level": "ERROR", "exit_code": 2.0},
			nil},
		{"an argument error with the format from the environment", "json", []string{"import", "--mapping", mapping}, ExitUsage,
			"give at least one INPUT file\nRun 'capsule-etl import --help' for usage", map[string]any{"level": "ERROR", "exit_code": 2.0},
			nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envLogFormat, tc.env)
			code, _, stderr := runImportCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			if strings.Contains(stderr, sandbox.DefaultToken) {
				t.Fatalf("the token appears on stderr:\n%s", stderr)
			}
			recs := jsonRecords(t, stderr)
			sum := record(t, recs, tc.msg)
			for p, want := range tc.want {
				got := path(sum, strings.Split(p, ".")...)
				if want == float64(-1) { // any positive number
					if n, ok := got.(float64); !ok || n <= 0 {
						t.Errorf("%s = %v, want a positive number", p, got)
					}
					continue
				}
				if got != want {
					t.Errorf("%s = %#v, want %#v\n%s", p, got, want, stderr)
				}
			}
			for _, m := range tc.present {
				record(t, recs, m)
			}
		})
	}
	if n := srv.Stats().Requests["POST"]; n == 0 {
		t.Fatal("the import wrote nothing")
	}
}

func TestLogFormatInvalid(t *testing.T) {
	_, mapping, input := importFixture(t, importRows(2))
	tests := []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"flag on import", "", []string{"import", "--log-format", "xml", "--offline", "--mapping", mapping, input}, `"xml" is not a log format: use text or json`},
		{"flag on the root", "", []string{"--log-format", "JSONL", "export", "--entity", "parties", "-o", "-"}, `"JSONL" is not a log format`},
		{"environment on import", "yaml", []string{"import", "--offline", "--mapping", mapping, input}, envLogFormat + `: "yaml" is not a log format`},
		{"environment on export", "pretty", []string{"export", "--entity", "parties", "-o", "-"}, envLogFormat + `: "pretty" is not a log format`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envLogFormat, tc.env)
			code, _, stderr := runImportCLI(t, tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d (want %d), stderr:\n%s\nwant it to contain %q", code, ExitUsage, stderr, tc.want)
			}
		})
	}
}

// The text format is unchanged when neither the flag nor the environment
// asks for JSON.
func TestLogFormatTextDefault(t *testing.T) {
	t.Setenv(envLogFormat, "")
	_, mapping, input := importFixture(t, importRows(2))
	code, _, stderr := runImportCLI(t, "import", "--offline", "--mapping", mapping, input)
	if code != ExitOK || !strings.Contains(stderr, "summary (dry run") || strings.Contains(stderr, `"msg"`) {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestExportProgressJSON(t *testing.T) {
	now := time.Date(2026, 11, 27, 2, 15, 0, 0, time.UTC)
	var buf strings.Builder
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	p := newProgressLog(&buf, false, func() time.Time { return now }, log)
	steps := []struct {
		advance time.Duration
		n       int
		want    int // records so far
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
			t.Fatalf("after %d records: %d records, want %d:\n%s", s.n, got, s.want, buf.String())
		}
	}
	p.finish()
	recs := jsonRecords(t, buf.String())
	last := recs[len(recs)-1]
	if last["msg"] != "progress" || last["entity"] != "parties" || last["records"] != 400.0 || last["records_per_s"] != 36.4 /* 400 in 11s */ {
		t.Errorf("last record = %v", last)
	}
	if strings.Contains(buf.String(), "\r") {
		t.Errorf("a redrawn line in JSON logs: %q", buf.String())
	}
}
