package csvfile

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFixtures reads files saved the way real tools save them (committed
// as bytes under testdata).
func TestFixtures(t *testing.T) {
	tests := []struct {
		file, enc, delim, header, rows string
	}{
		{"utf16le_bom_tab.csv", UTF16LE, "\t", "name|city|note", "[Zoë|Köln|two\nlines][José|€uro|]"},
		{"utf16be_nobom.csv", UTF16BE, ",", "name|city", "[Zoë|Köln][José|Lyon]"},
		{"cp1252_semicolon.csv", Windows1252, ";", "Name|Preis|Ort", "[café|€ 3,50|Köln][naïve|€ 1,00|Zürich]"},
		{"excel_quotes.csv", UTF8BOM, ",", "id|comment", "[1|He said \"hi\", then left][2|multi\nline]"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rows, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(rowsText(rows), "\r\n", "\n")
			if i := r.Info(); i.Encoding != tt.enc || i.Delimiter != tt.delim {
				t.Errorf("detected %s %q, want %s %q", i.Encoding, i.Delimiter, tt.enc, tt.delim)
			}
			if h := strings.Join(r.Header().Names(), "|"); h != tt.header {
				t.Errorf("header %q, want %q", h, tt.header)
			}
			if got != tt.rows {
				t.Errorf("rows %q, want %q", got, tt.rows)
			}
		})
	}
}
