package files

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// TestTruncatedInputIsAnError: a file cut short (a download or copy that
// stopped) never reads as a complete file with fewer rows: each format
// either says where reading stopped or, cut only in its last line break,
// still gives every row. Plain CSV cannot tell a cut at a line break from
// an end, so it is not in the list; its .gz is.
func TestTruncatedInputIsAnError(t *testing.T) {
	const rows = 3000
	for _, ext := range []string{".csv.gz", ".jsonl", ".parquet", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			full := filepath.Join(t.TempDir(), "pipedrive-persons"+ext)
			w, err := Create(full, []string{"Person - Name", "Person - Email", "Person - Phone", "Deals"}, WriteOptions{ColumnTypes: []formats.Kind{formats.String, formats.String, formats.String, formats.Int}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows {
				if err := w.Write([]formats.Value{formats.StringValue(fmt.Sprintf("Jörg Person %d", i)), formats.StringValue(fmt.Sprintf("jp%d@example.org", i)),
					formats.StringValue(fmt.Sprintf("+49 30 %07d", i)), formats.IntValue(int64(i % 7))}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(full)
			if err != nil {
				t.Fatal(err)
			}
			for _, keep := range []int{len(data) - 1, len(data) - 9, len(data) - 100, len(data) * 2 / 3, len(data) / 2} {
				cut := filepath.Join(t.TempDir(), "cut"+ext)
				if err := os.WriteFile(cut, data[:keep], 0o644); err != nil {
					t.Fatal(err)
				}
				n, err := countRows(cut)
				if err == nil && n != rows {
					t.Errorf("cut at %d of %d bytes: %d of %d rows and no error", keep, len(data), n, rows)
				}
			}
		})
	}
}

func countRows(path string) (int, error) {
	r, err := Open(path, Options{})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
