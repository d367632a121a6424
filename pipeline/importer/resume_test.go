package importer_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

func TestUnfinishedRunRefusesOtherInputUntilAbandoned(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	header := dealHeader
	var rows [][]string
	for i := range 20 {
		stage, prob := "New", ""
		if i%2 == 1 {
			stage, prob = "Won", "50" // refused by Capsule
		}
		rows = append(rows, []string{"Org " + itoa(i), "Deal " + itoa(i), stage, prob, ""})
	}
	in := writeCSV(t, dir, "orgs.csv", header, rows)
	jpath := dir + "/orgs.journal"
	ctx := ctxT(t)
	cfg := e.config(t, dealMapping, in)
	cfg.JournalPath, cfg.MaxErrors, cfg.Workers = jpath, 2, 1
	_, err := importer.Import(ctx, cfg)
	if err == nil || !strings.Contains(err.Error(), "max-errors") {
		t.Fatalf("want a stop after --max-errors, got %v", err)
	}
	// Another input under the unfinished run is refused, with the way out.
	other := writeCSV(t, dir, "other.csv", header, rows[:3])
	cfg2 := e.config(t, dealMapping, other)
	cfg2.JournalPath = jpath
	_, err = importer.Import(ctx, cfg2)
	var ue *journal.UnfinishedRunError
	if !errors.As(err, &ue) || !ue.InputChanged || !strings.Contains(err.Error(), "abandon") {
		t.Fatalf("want an unfinished-run refusal naming the way out, got %v", err)
	}
	posts := e.srv.Stats().Requests["POST"]
	// The same input resumes and finishes.
	cfg = e.config(t, dealMapping, in)
	cfg.JournalPath = jpath
	res, err := importer.Import(ctx, cfg)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if res.RejectedRows != 10 || e.srv.Stats().Records["opportunities"] != 10 {
		t.Fatalf("after resume: rejected rows %d, records %v", res.RejectedRows, e.srv.Stats().Records)
	}
	if e.srv.Stats().Requests["POST"] == posts {
		t.Fatal("the resumed run sent nothing")
	}
	// --abandon lets another input start even under an unfinished run.
	cfg.MaxErrors = 0
	cfg2.Abandon = true
	if _, err := importer.Import(ctx, cfg2); err != nil {
		t.Fatalf("other input after finishing: %v", err)
	}
}

func TestInterruptedRunResumes(t *testing.T) {
	e := newEnv(t)
	// Interrupt (as SIGINT does) when the 25th write reaches Capsule.
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	var posts atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && posts.Add(1) == 25 {
			cancel()
		}
		e.srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	e.url = hs.URL + sandbox.APIPrefix
	dir := t.TempDir()
	rows := genRows(100)
	in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	res, err := importer.Import(ctx, e.config(t, testMapping, in))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the interruption reported, got %v", err)
	}
	if res == nil || res.Total.Created == 0 || res.Total.Pending == 0 {
		t.Fatalf("want some rows written and some left: %+v", res)
	}
	checkAccounted(t, res, false)
	for runs := 1; ; runs++ {
		if runs > 30 {
			t.Fatal("not finished after 30 runs")
		}
		res, err := importer.Import(ctxT(t), e.config(t, testMapping, in))
		if err == nil {
			checkAccounted(t, res, true)
			break
		}
		var ie *importer.IncompleteError
		if !errors.As(err, &ie) {
			t.Fatalf("resume: %v", err)
		}
	}
	checkExactlyOnce(t, e, rows)
}
