package pipeline_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline"
)

// Two rows bring the same note for the same person. The second note's
// POST fails with a 5xx before anything is stored, so it is in doubt; the
// first note, identical, must not be taken for it.
func TestLostNoteIsNotTakenForItsTwin(t *testing.T) {
	e := newEnv(t)
	var notes atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/entries") && notes.Add(1) == 2 {
			http.Error(w, `{"message":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		e.srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	e.url = hs.URL + sandbox.APIPrefix
	rows := genRows(1)
	twin := append([]string(nil), rows[0]...)
	twin[0] = "P0000-again"
	rows = append(rows, twin)
	in := writeCSV(t, t.TempDir(), "contacts.csv", testHeader, rows)
	for runs := 1; ; runs++ {
		if runs > 5 {
			t.Fatal("not finished after 5 runs")
		}
		res, err := pipeline.Import(ctxT(t), e.config(t, testMapping, in))
		if err == nil {
			checkAccounted(t, res, true)
			break
		}
	}
	if n := len(e.list(t, "entries")); n != 2 {
		t.Fatalf("%d notes in Capsule, want 2 (one per row)", n)
	}
}
