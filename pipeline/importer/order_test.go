package importer_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// Two rows update one record (the second adds a tag the first leaves
// out); the answer to the first update is lost after Capsule applied it.
// The second must not overtake it: the record ends with both.
func TestUpdatesOfOneRecordKeepTheirOrderWhenOneIsInDoubt(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	rows := genRows(3)
	in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	ctx := ctxT(t)
	if _, err := importer.Import(ctx, e.config(t, testMapping, in)); err != nil {
		t.Fatal(err)
	}
	var puts atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PUT" && puts.Add(1) == 1 {
			e.srv.ServeHTTP(httptest.NewRecorder(), r) // applied...
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // ...and the answer lost
			}
			return
		}
		e.srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	e.url = hs.URL + sandbox.APIPrefix
	a, b := append([]string(nil), rows[1]...), append([]string(nil), rows[1]...)
	a[0], a[4] = "X1", "First change"
	b[0], b[4], b[6] = "X2", "First change", rows[1][6]+"|Second change"
	in2 := writeCSV(t, dir, "changes.csv", testHeader, [][]string{a, b})
	cfg := e.config(t, testMapping, in2)
	cfg.JournalPath = dir + "/changes.db"
	for run := 1; ; run++ {
		if run > 5 {
			t.Fatal("not finished after 5 runs")
		}
		if _, err := importer.Import(ctx, cfg); err == nil {
			break
		}
	}
	if puts.Load() < 2 {
		t.Fatalf("%d PUTs: the lost answer was not exercised", puts.Load())
	}
	for _, p := range e.list(t, "parties") {
		if p["lastName"] == rows[1][3] && (p["jobTitle"] != "First change" || !strings.Contains(fmt.Sprint(p["tags"]), "Second change")) {
			t.Fatalf("title %q, tags %v: an update was lost or overtook the one in doubt", p["jobTitle"], p["tags"])
		}
	}
}
