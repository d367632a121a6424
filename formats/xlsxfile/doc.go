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
// skipped; WithHeaderRow fixes it. Cells are typed: numbers (Int when whole,
// else Float), booleans, dates and timestamps (numbers whose number format
// shows a date or time, in the 1900 or 1904 system), strings, and the cached
// result of formulas. Empty rows are skipped; row numbers are the sheet's.
// Known limit: a text cell holding digits only ("123") reads as Int; with
// leading zeros ("007") it stays a String.
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
