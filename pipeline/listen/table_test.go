package listen_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
	"github.com/capsule-etl/capsule-etl/pipeline/listen"
)

// row is one CSV or Parquet row of a table output, by its change columns
// and a few export columns.
type row struct {
	file                              string
	event, entity, updatedAt, deleted string
	id                                int64
	name, email                       string
}

func (r row) key() string {
	l := line{Event: r.event, Entity: r.entity, ID: r.id, UpdatedAt: r.updatedAt}
	return l.key()
}

// readTable reads every file of a table output (one per entity, or the
// part files of each entity) through formats/files.
func readTable(t *testing.T, output string) []row {
	t.Helper()
	ext := filepath.Ext(output)
	matches, err := filepath.Glob(strings.TrimSuffix(output, ext) + ".*" + ext)
	if err != nil {
		t.Fatal(err)
	}
	var out []row
	for _, path := range matches {
		r, err := files.Open(path, files.Options{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		names := r.Header().Names()
		if !slices.Equal(names[:len(listen.ChangeColumns)], listen.ChangeColumns) {
			t.Fatalf("%s: header starts %v", path, names[:min(len(names), 6)])
		}
		for _, col := range []string{"Tags", "Created At", "Updated At"} {
			if _, ok := r.Header().Index(col); !ok {
				t.Fatalf("%s: no export column %q in %v", path, col, names)
			}
		}
		recs, err := formats.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, rec := range recs {
			get := func(c string) formats.Value { v, _ := rec.Get(c); return v }
			x := row{file: path, event: get("event").Text(), entity: get("entity").Text(), updatedAt: get("updatedAt").Text(),
				deleted: get("deletedAt").Text(), id: get("id").Int(), name: get("Name").Text()}
			if get("id").Kind() != formats.Int {
				x.id = atoi(t, get("id").Text()) // CSV cells are text
			}
			if strings.HasSuffix(path, ".csv") {
				// The default import layout recognises the file (its ID is the id column).
				if ent, ok := layout.Detect(r.Header()); !ok || ent != x.entity {
					t.Fatalf("%s: layout.Detect = %q %v", path, ent, ok)
				}
			}
			if v, ok := rec.Get("Email 1"); ok {
				x.email = v.Text()
			}
			if x.entity == "" || !strings.Contains(filepath.Base(path), "."+x.entity+".") {
				t.Fatalf("%s: row of entity %q", path, x.entity)
			}
			out = append(out, x)
		}
	}
	return out
}

func atoi(t *testing.T, s string) int64 {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not an id: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// checkTable fails unless the rows hold each wanted change once, with the
// export columns filled from the record.
func checkTable(t *testing.T, rows []row, wants []want) {
	t.Helper()
	byKey := map[string]want{}
	for _, w := range wants {
		byKey[w.key()] = w
	}
	seen := map[string]int{}
	for _, r := range rows {
		k := r.key()
		seen[k]++
		w, ok := byKey[k]
		if !ok {
			t.Errorf("%s: unexpected change %s %s", r.file, r.event, k)
			continue
		}
		if w.kind == "deleted" {
			if r.deleted == "" {
				t.Errorf("%s: %s without deletedAt", r.file, k)
			}
			continue
		}
		if r.entity == "opportunities" && r.name != w.record["name"] {
			t.Errorf("%s: %s Name %q, record %v", r.file, k, r.name, w.record["name"])
		}
		if r.entity == "parties" {
			if em, _ := w.record["emailAddresses"].([]any); len(em) > 0 {
				if a := em[0].(map[string]any)["address"]; r.email != a {
					t.Errorf("%s: %s Email 1 %q, record %v", r.file, k, r.email, a)
				}
			} else if n := w.record["name"]; n != nil && r.name != n {
				t.Errorf("%s: %s Name %q, record %v", r.file, k, r.name, n)
			}
		}
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("%s written %d times", k, n)
		}
	}
	for k := range byKey {
		if seen[k] == 0 {
			t.Errorf("missing change %s", k)
		}
	}
}

func waitTable(t *testing.T, output string, wants []want, within time.Duration) {
	t.Helper()
	need := map[string]bool{}
	for _, w := range wants {
		need[w.key()] = true
	}
	deadline := time.Now().Add(within)
	for {
		have := 0
		for _, r := range readTable(t, output) {
			if need[r.key()] {
				have++
			}
		}
		if have >= len(need) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d of %d wanted changes after %v", output, have, len(need), within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A CSV listener and a Parquet listener receive the same changes as a JSON
// Lines one, exactly once, across a restart that re-reads the changes it
// already wrote (catch-up overlap) and finds a torn last CSV row.
func TestCSVAndParquetGetTheSameChangesAcrossARestart(t *testing.T) {
	e := newEnv(t, sandbox.WithRateLimit(1_000_000, time.Hour))
	// Three listeners share the account's 20 hooks: six events each.
	events := []string{"party/created", "party/updated", "party/deleted", "opportunity/created", "opportunity/updated", "opportunity/deleted"}
	cfg := func(name string) listen.Config { c := hookConfig(e, name); c.Events = events; return c }
	jsonl := e.start(cfg("changes.jsonl"))
	csvCfg := cfg("changes.csv")
	pqCfg := cfg("changes.parquet")
	pqCfg.RollCount = 25
	csvL, pqL := e.start(csvCfg), e.start(pqCfg)

	rng := rand.New(rand.NewPCG(3, 4))
	pause := func() { time.Sleep(1100 * time.Millisecond) }
	first := e.edits(80, rng, pause)
	waitLines(t, out(e, "changes.jsonl"), first, 30*time.Second)
	waitTable(t, out(e, "changes.csv"), first, 30*time.Second)
	csvL.stop(t)
	pqL.stop(t) // writes the last part
	waitTable(t, out(e, "changes.parquet"), first, 10*time.Second)

	// A crash mid-row leaves a torn last row in the parties file.
	parties := listen.EntityPath(out(e, "changes.csv"), layout.Parties)
	f, err := os.OpenFile(parties, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`party/updated,parties,999999,2026-12-04T10:00:00Z,,2026-12-04T10:00:01Z,999999,person,"Half a ro`)
	f.Close()

	second := e.edits(40, rng, pause)
	csvL, pqL = e.start(csvCfg), e.start(pqCfg) // catch-up re-reads both phases
	all := append(slices.Clone(first), second...)
	waitLines(t, out(e, "changes.jsonl"), all, 30*time.Second)
	waitTable(t, out(e, "changes.csv"), all, 30*time.Second)
	csvL.stop(t)
	pqL.stop(t)
	jsonl.stop(t)

	checkExactlyOnce(t, readLines(t, out(e, "changes.jsonl")), all)
	csvRows := readTable(t, out(e, "changes.csv"))
	checkTable(t, csvRows, all)
	pqRows := readTable(t, out(e, "changes.parquet"))
	checkTable(t, pqRows, all)

	// One header per CSV file, however many starts.
	b, err := os.ReadFile(parties)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "event,entity,id,"); n != 1 {
		t.Fatalf("%s has %d headers", parties, n)
	}
	parts, _ := filepath.Glob(filepath.Join(e.dir, "changes.parties.*.parquet"))
	if len(parts) < 2 {
		t.Fatalf("parquet parties parts %v: want several (roll every 25)", parts)
	}
}

// Stats.Lag is the time from a change's updatedAt to its receipt: with a
// receiver clock an hour ahead, about an hour.
func TestLagFromUpdatedAtToReceipt(t *testing.T) {
	e := newEnv(t)
	cfg := hookConfig(e, "lag.csv")
	cfg.Now = func() time.Time { return time.Now().Add(time.Hour) }
	l := e.start(cfg)
	m := e.raw("POST", "parties?embed="+listen.Embed, map[string]any{"party": map[string]any{"type": "organisation", "name": "Lag Test Ltd"}})
	rec := decode(t, m["party"])
	w := want{entity: "parties", id: int64(rec["id"].(float64)), kind: "updated", at: rec["updatedAt"].(string), record: rec}
	waitTable(t, out(e, "lag.csv"), []want{w}, 20*time.Second)
	st := l.stop(t)
	if st.Lag < 59*time.Minute || st.Lag > 61*time.Minute {
		t.Fatalf("lag %v, want about 1h", st.Lag)
	}
}
