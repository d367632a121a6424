// Package xlsxfile reads and writes Excel .xlsx workbooks with excelize.
//
// Reading (Open): one sheet, chosen with WithSheet by name (exact, then
// case-insensitive) or 1-based position, default the first sheet with a
// header and a data row in its first 20 rows (cover sheets holding only a
// title or notes are passed over), else the first; a missing sheet
// is ErrSheetMissing naming the sheets that exist. Rows are streamed by
// the package's own checking XML scanner (excelize's Rows stop without an
// error at a broken tag or a cut-off part, and hold each text node whole).
// The header is the first of the first 20 rows that is at
// least half as wide as the widest of them with more than one cell (unless
// the sheet has one column), so title rows above it are
// skipped; WithHeaderRow fixes it. Cells are typed by their XML type
// (the t attribute) and their style's number format:
//   - text cells (t="s" shared, t="inlineStr", t="str" a formula's text
//     result) are always String, exactly as stored: "+49307654321",
//     "01234", "123", "1e5" stay text. excelize itself writes every formula
//     as t="str", so its cached numbers read as text; Excel's do not.
//   - number cells (no t, t="n") are Int when whole, else Float, or a Date
//     or Timestamp when the cell's number format shows a date or time
//     (1900 or 1904 system). A number formatted as text ("@") is still the
//     number it holds: Excel stores text typed into such a cell as text.
//   - t="b" is Bool; t="d" (ISO 8601 text) is Date or Timestamp.
//   - t="e" (#N/A, #DIV/0!, ...) stops reading with a ParseError wrapping
//     ErrCellError naming sheet, row and column, rather than importing a
//     blank or the error text as data: fix or clear the formula.
//
// Formulas give their cached result. Empty rows are skipped; row numbers
// are the sheet's.
//
// Refusals before excelize is involved: an old .xls (ErrOldXLS), a
// password-protected workbook (ErrEncrypted), anything not a zip
// (ErrNotXLSX). Decompression is capped (WithUnzipLimits, default 1 GiB in
// total).
//
// Damaged and hostile workbooks: memory stays bounded whatever the sheet
// holds. Broken XML (a tag that does not match, an undefined entity), a
// part that ends before its last element, a cell of more than 32,767
// characters (MaxCellChars, Excel's limit), a row of more than 16 MiB of
// text, more rows or columns than Excel allows: reading stops with a
// ParseError wrapping ErrDamaged (which matches ErrNotXLSX) that names the
// sheet, row and column reached; the rows before it are never the whole
// story told as success. Blank runs cost only the time to skip them. The
// shared strings table is held in memory up to SharedStringsMemory (32 MiB);
// a larger one is written to a temporary file and read from there (its
// index of 4 bytes a string stays in memory up to 8 Mi strings, then goes
// to a second file); Close removes them. The workbook, relationships and styles
// parts are decoded whole, so each is refused above 64 MiB. WithContext
// stops a read within about a megabyte of XML once the context is done.
//
// Writing: NewWorkbook(path, opts...) then AddSheet(name, header, kinds...)
// for each sheet (one formats.Writer each; adding a sheet closes the
// previous one), then Close, which writes the file atomically (Abort drops
// it). Create is the one-sheet shortcut. Sheets get a bold frozen header
// row, an autofilter and column widths measured on the first 100 rows.
// Numbers are number cells, dates and timestamps date cells with
// yyyy-mm-dd (hh:mm:ss) formats, decimals numbers, lists "a; b" text. Text
// is always a plain string cell, so "=..." is never run as a formula;
// WithoutFormulaGuard writes text starting with "=" as a live formula.
package xlsxfile
