package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// Rows are known in the journal by file name and row number, so two inputs
// with the same name would share their rows' journal entries: refused up
// front, before any request, naming both and the way out.
func TestInputsWithTheSameFileNameAreRefused(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	header := []string{"First", "Last", "Email", "Note"}
	for _, d := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	a := writeCSV(t, filepath.Join(dir, "a"), "contacts.csv", header, [][]string{{"Ann", "Lee", "ann@example.com", "Met Ann"}})
	b := writeCSV(t, filepath.Join(dir, "b"), "contacts.csv", header, [][]string{{"Bob", "Day", "bob@example.com", "Met Bob"}})
	_, err := importer.Import(ctxT(t), e.config(t, noKeyMapping, a, b))
	var ie *importer.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) || !strings.Contains(err.Error(), "rename") {
		t.Fatalf("want an input error naming both files and the way out, got %v", err)
	}
	if n := e.srv.Stats().Requests["POST"]; n != 0 {
		t.Fatalf("%d POSTs sent", n)
	}
}
