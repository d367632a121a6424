package importer_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

func planLines(t *testing.T, b []byte) []importer.PlanLine {
	t.Helper()
	var out []importer.PlanLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l importer.PlanLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("plan line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

func TestDryRunPlansWhatTheRealRunSends(t *testing.T) {
	tests := []struct {
		name    string
		offline bool
	}{
		{"online dry run", false},
		{"offline dry run", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			dir := t.TempDir()
			rows := genRows(60)
			in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
			ctx := ctxT(t)
			var plan, summary bytes.Buffer
			cfg := e.config(t, testMapping, in)
			cfg.DryRun, cfg.Offline, cfg.Plan, cfg.PlanSummary = true, tc.offline, &plan, &summary
			if tc.offline {
				cfg.Client = nil
			}
			res, err := importer.Import(ctx, cfg)
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if st := e.srv.Stats(); st.Requests["POST"]+st.Requests["PUT"] != 0 {
				t.Fatalf("dry run wrote: %v", st.Routes)
			}
			if tc.offline {
				if st := e.srv.Stats(); st.Requests["GET"] != 0 {
					t.Fatalf("offline dry run read: %v", st.Routes)
				}
			}
			lines := planLines(t, plan.Bytes())
			if len(lines) != len(rows)*4 {
				t.Fatalf("%d plan lines for %d rows of 4 records", len(lines), len(rows))
			}
			planned := map[string]int{}
			for _, l := range lines {
				if l.Request != nil {
					planned[l.Request.Method+" /"+strings.SplitN(l.Request.Path, "/", 2)[0]]++
					if strings.Contains(string(l.Request.Body), "sandbox-token") {
						t.Fatal("the plan holds the token")
					}
				}
				if l.Source.Row < 2 || l.Source.File != in {
					t.Fatalf("plan line without its source: %+v", l.Source)
				}
			}
			if !strings.Contains(summary.String(), "requests needed") || res.Total.Created != planned["POST /parties"]+planned["POST /opportunities"]+planned["POST /entries"] {
				t.Fatalf("summary %q, totals %+v, planned %v", summary.String(), res.Total, planned)
			}
			cfg = e.config(t, testMapping, in)
			if _, err := importer.Import(ctx, cfg); err != nil {
				t.Fatalf("real run: %v", err)
			}
			st := e.srv.Stats()
			for _, route := range []string{"POST /parties", "POST /opportunities", "POST /entries"} {
				if st.Routes[route] != planned[route] {
					t.Errorf("%s: real run sent %d, plan said %d", route, st.Routes[route], planned[route])
				}
			}
			if planned["PUT /parties"] != 0 || st.Requests["PUT"] != 0 {
				t.Errorf("unexpected updates: planned %v, sent %v", planned, st.Routes)
			}
		})
	}
}
