package importer_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// With Config.Log every line is a JSON record, even with Terminal set, and
// the summary record carries the result's counts.
func TestImportLogJSON(t *testing.T) {
	tests := []struct {
		name         string
		dry          bool
		wantProgress bool
	}{
		{"write", false, true},
		{"dry run", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			rows := genRows(12)
			in := writeCSV(t, t.TempDir(), "contacts.csv", testHeader, rows)
			var buf bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&syncWriter{w: &buf}, nil))
			cfg := e.config(t, testMapping, in)
			cfg.DryRun, cfg.Log, cfg.Terminal, cfg.ProgressEvery = tc.dry, log, true, time.Nanosecond
			var text bytes.Buffer
			cfg.Progress, cfg.PlanSummary = &text, &text // Log takes their place
			res, err := importer.Import(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			importer.LogSummary(log, res)
			if text.Len() > 0 {
				t.Errorf("text written beside the JSON log: %q", text.String())
			}
			if strings.Contains(buf.String(), sandbox.DefaultToken) || strings.Contains(buf.String(), "\r") {
				t.Fatalf("token or redrawn line in the log:\n%s", buf.String())
			}
			byMsg := map[string][]map[string]any{}
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("not JSON: %q (%v)", line, err)
				}
				byMsg[rec["msg"].(string)] = append(byMsg[rec["msg"].(string)], rec)
			}
			if len(byMsg["plan"]) != 1 || len(byMsg["summary"]) != 1 {
				t.Fatalf("want one plan and one summary record:\n%s", buf.String())
			}
			prog := byMsg["progress"]
			if (len(prog) > 0) != tc.wantProgress {
				t.Fatalf("%d progress records, want some: %v\n%s", len(prog), tc.wantProgress, buf.String())
			}
			if tc.wantProgress {
				last := prog[len(prog)-1]
				if last["writes_done"] != last["writes_total"] || last["rows"] != 12.0 || last["rows_total"] != 12.0 {
					t.Errorf("last progress record %v", last)
				}
			}
			sum := byMsg["summary"][0]
			total := sum["total"].(map[string]any)
			if sum["level"] != "INFO" || sum["dry_run"] != tc.dry || sum["rows"] != float64(res.Rows) ||
				total["created"] != float64(res.Total.Created) || res.Total.Created == 0 {
				t.Errorf("summary %v, result %+v", sum, res)
			}
			if len(sum["entities"].(map[string]any)) != len(res.Entities) {
				t.Errorf("summary entities %v, result %v", sum["entities"], res.Entities)
			}
		})
	}
}
