// Package xlsxfile reads and writes Excel .xlsx workbooks with excelize.
//
// Reading (Open): one sheet, chosen with WithSheet by name (exact, then
// case-insensitive) or 1-based position, default the first sheet with a
// header and a data row in its first 20 rows (cover sheets holding only a
// title or notes are passed over), else the first; a missing sheet
// is ErrSheetMissing naming the sheets that exist. Rows are streamed with
// excelize's Rows. The header is the first of the first 20 rows that is at
// least half as wide as the widest of them with more than one cell (unless
// the sheet has one column), so title rows above it are
// skipped; WithHeaderRow fixes it. Cells are typed by their XML type
// (the t attribute, streamed beside excelize's Rows, which drop it):
//   - text cells (t="s" shared, t="inlineStr", t="str" a formula's text
//     result) are always String, exactly as stored: "+49307654321",
//     "01234", "123", "1e5" stay text. excelize itself writes every formula
//     as t="str", so its cached numbers read as text; Excel's do not.
//   - number cells (no t, t="n") are Int when whole, else Float, or a Date
//     or Timestamp when the column's number format shows a date or time
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
// total, sheets over 64 MiB spill to a temporary file).
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
