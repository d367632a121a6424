package formats

import "strconv"

// Info says how a file was read: what was detected or given. Readers expose
// it through the Informer interface.
type Info struct {
	Format     string   // "csv", "xlsx", "parquet", "jsonl"
	Encoding   string   // CSV: "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"
	Delimiter  string   // CSV: ",", ";", "\t" or "|"
	Sheet      string   // XLSX: the sheet being read
	Sheets     []string // XLSX: every sheet in the workbook
	HeaderRow  int      // spreadsheet row number of the header (1 = first line)
	Columns    []Kind   // Parquet and JSON Lines: the kind of each column when the file declares it
	Compressed string   // "gzip" for .gz input, the codec for Parquet
}

// Informer is implemented by every reader in the sub-packages.
type Informer interface {
	Info() Info
}

// ColumnLetter is the spreadsheet name of a 0-based column index: A, B, ..., Z, AA.
func ColumnLetter(i int) string {
	if i < 0 {
		return strconv.Itoa(i)
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
