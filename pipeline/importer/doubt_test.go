package importer_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
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
		res, err := importer.Import(ctxT(t), e.config(t, testMapping, in))
		if err == nil {
			checkAccounted(t, res, true)
			break
		}
	}
	if n := len(e.list(t, "entries")); n != 2 {
		t.Fatalf("%d notes in Capsule, want 2 (one per row)", n)
	}
}

// A note written by hand long before carries the same text as the row's
// note, whose POST fails with a 5xx before anything is stored. The old
// note must not be taken for the lost one: with or without the fault the
// import ends with the row's note added.
func TestLostNoteIsNotTakenForAnOlderOne(t *testing.T) {
	var offset atomic.Int64
	offset.Store(int64(-2 * time.Hour))
	e := newEnv(t, sandbox.WithClock(func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }))
	dir := t.TempDir()
	rows := genRows(1)
	note := rows[0][9]
	rows[0][9] = ""
	if _, err := importer.Import(ctxT(t), e.config(t, testMapping, writeCSV(t, dir, "first.csv", testHeader, rows))); err != nil {
		t.Fatal(err)
	}
	var person any
	for _, p := range e.list(t, "parties") {
		if p["type"] == "person" {
			person = p["id"]
		}
	}
	body := fmt.Sprintf(`{"entry":{"type":"note","party":{"id":%v},"content":%q}}`, person, note)
	req, _ := http.NewRequest("POST", e.url+"/entries", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sandbox.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("adding a note by hand: %v %v", err, resp)
	}
	resp.Body.Close()
	offset.Store(0)

	var notes atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/entries") && notes.Add(1) == 1 {
			http.Error(w, `{"message":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		e.srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	e.url = hs.URL + sandbox.APIPrefix
	rows[0][9] = note
	in := writeCSV(t, dir, "second.csv", testHeader, rows)
	for runs := 1; ; runs++ {
		if runs > 5 {
			t.Fatal("not finished after 5 runs")
		}
		if _, err := importer.Import(ctxT(t), e.config(t, testMapping, in)); err == nil {
			break
		}
	}
	if notes.Load() < 2 {
		t.Fatalf("the note was sent %d times: the fault was not retried", notes.Load())
	}
	if n := len(e.list(t, "entries")); n != 2 {
		t.Fatalf("%d notes in Capsule, want 2 (the one by hand and the row's)", n)
	}
}
