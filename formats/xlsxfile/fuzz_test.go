package xlsxfile

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FuzzReader: damaged workbooks give an error, never a panic.
func FuzzReader(f *testing.F) {
	seed := build(f, "seed.xlsx", func(x *excelize.File) {
		x.SetCellValue("Sheet1", "A1", "name")
		x.SetCellValue("Sheet1", "B1", "n")
		x.SetCellValue("Sheet1", "A2", "Zoë")
		x.SetCellValue("Sheet1", "B2", 3.5)
	})
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(data[:len(data)-20])
	f.Add(append(append([]byte{}, oleMagic...), encryptedName...))
	f.Add([]byte("PK\x03\x04"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f.xlsx")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(p, WithUnzipLimits(16<<20, 8<<20))
		if err != nil {
			return
		}
		defer r.Close()
		for range 10000 {
			if _, err := r.Read(); err == io.EOF || err != nil {
				return
			}
		}
	})
}
