package importer_test

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

func writeXLSX(t *testing.T, path, sheet string, header []string, rows [][]string) {
	t.Helper()
	w, err := files.Create(path, header, files.WriteOptions{Sheet: sheet})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		vals := make([]formats.Value, len(r))
		for i, s := range r {
			vals[i] = formats.StringValue(s)
		}
		if err := w.Write(vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestXLSXInputErrorsFileKeepsFormatAndSheet(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "orgs.xlsx")
	writeXLSX(t, in, "Accounts", dealHeader, [][]string{
		{"Alpha Ltd", "Alpha deal", "New", "", ""},
		{"Beta Ltd", "Beta deal", "Won", "50", ""}, // Capsule refuses the probability
	})
	var progress bytes.Buffer
	cfg := e.config(t, dealMapping, in)
	cfg.Progress, cfg.ProgressEvery = &progress, time.Millisecond
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.ErrorsFile != filepath.Join(dir, "orgs.errors.xlsx") {
		t.Fatalf("errors file %q", res.ErrorsFile)
	}
	h, rows := readAllRows(t, res.ErrorsFile)
	if len(rows) != 1 || rows[0][0] != "Beta Ltd" || rows[0][6] != "Accounts" || rows[0][7] != "3" {
		t.Fatalf("errors file %v %v", h, rows)
	}
	var sum bytes.Buffer
	importer.WriteSummary(&sum, res)
	if !strings.Contains(sum.String(), "organisations") || !strings.Contains(sum.String(), "created 2") || !strings.Contains(sum.String(), "orgs.errors.xlsx") {
		t.Fatalf("summary:\n%s", sum.String())
	}
	if !strings.Contains(progress.String(), "writes 4/4") {
		t.Fatalf("progress:\n%s", progress.String())
	}
}

func TestProgressLinesAndManifest(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	rows := genRows(30)
	in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	ctx := ctxT(t)
	if _, err := importer.Import(ctx, e.config(t, testMapping, in)); err != nil {
		t.Fatal(err)
	}
	rows[4][4] = "Chief Buyer"
	in2 := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	var progress bytes.Buffer
	cfg := e.config(t, testMapping, in2)
	cfg.Progress, cfg.ProgressEvery = &syncWriter{w: &progress}, time.Nanosecond
	res, err := importer.Import(ctx, cfg)
	if err != nil || res.Total.Updated != 1 {
		t.Fatalf("update run: %v %+v", err, res)
	}
	if !strings.Contains(progress.String(), "capsule-etl: people 1/1, rows 30/30") {
		t.Fatalf("no progress line with the final count:\n%s", progress.String())
	}
	j, err := journal.Open(ctx, res.JournalFile)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ri, err := j.GetRun(ctx, res.RunID)
	if err != nil || ri.Requests != res.Requests || ri.Requests < 3 {
		t.Fatalf("the journal counts %d requests, the run sent %d (%v)", ri.Requests, res.Requests, err)
	}
	items, err := j.Manifest(ctx, res.RunID)
	if err != nil || len(items) != 1 || items[0].Action != journal.Update || !strings.Contains(string(items[0].Previous), `"jobTitle":"Buyer"`) {
		t.Fatalf("manifest %v %+v", err, items)
	}
}

// syncWriter serialises writes from the progress goroutine and the test.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
