// Package csvfile reads and writes delimited text (.csv, .tsv, .txt, and
// their .gz forms) with encoding/csv.
//
// Reading (Open, NewReader with Options): the encoding is detected from a
// BOM, NUL-byte patterns (UTF-16 without BOM) and UTF-8 validity, else
// Windows-1252; the delimiter is the one of , ; tab | whose most common field
// count over the first lines is the most frequent (a title line is outvoted). WithEncoding and WithDelimiter
// override them; Info reports what was used. Cells are String values and an
// empty cell is Null: types are not guessed here (formats.Infer does that
// for preview).
//
// Rows: row numbers count records (a quoted newline does not start a new
// row; blank lines count, as a spreadsheet shows them). The header is row
// WithHeaderRow, or detected (the default): the first of the first 20 rows
// at least half as wide as the widest, with more than one cell unless the
// file has one column, so title rows above it are skipped. Header names
// are trimmed of surrounding spaces. A row with fewer
// cells than the header is a ParseError (ErrRaggedRow) naming the first
// missing column, unless WithPadShortRows, which reads the missing cells as
// Null. Extra cells that are blank are ignored (spreadsheet exports leave
// trailing delimiters); an extra cell with a value is a ParseError. Blank
// or duplicate (case-insensitive) header names are ParseErrors, except blank
// names at the end of the header, which are dropped. A bare quote is an
// error unless WithLazyQuotes; an unclosed quote names the line its row
// starts on.
//
// Limits: one record may not exceed WithMaxRecordBytes (default 4 MiB, so a
// missing closing quote fails fast with ErrRecordTooLarge); .gz input may
// not inflate past WithMaxDecompressedBytes (default 16 GiB, ErrTooLarge).
//
// Writing (Create, NewWriter): RFC 4180 text, comma by default; String
// values that start with = + - @ tab or CR get a leading ' unless
// WithoutFormulaGuard. Create writes atomically; .gz paths are compressed.
package csvfile
