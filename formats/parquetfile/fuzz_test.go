package parquetfile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReader: damaged Parquet gives an error, never a panic or a runaway
// allocation (drain caps memory at 64 MiB).
func FuzzReader(f *testing.F) {
	good := filepath.Join(f.TempDir(), "seed.parquet")
	writeTyped(f, good)
	data, err := os.ReadFile(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(data[len(data)/3:])
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Add([]byte("PAR1\xff\xff\xff\x7fPAR1"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f.parquet")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = drain(p) // must return, error or not
	})
}
