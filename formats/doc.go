// Package formats is the typed row model shared by every file format:
// values, headers, records, the Reader and Writer shapes and ParseError.
// The sub-packages csvfile, xlsxfile, parquetfile and jsonlfile implement
// it; package files opens and creates any of them by extension.
//
// Values: Value is a small typed cell (Null, String, Int, Float, Decimal,
// Bool, Date, Timestamp, List) built with NullValue, StringValue, IntValue,
// FloatValue, DecimalValue (exact text), BoolValue, DateValue,
// TimestampValue (UTC), ListValue, and read with Kind, Text, Int, Float,
// Bool, Time, List, Equal, IsBlank and JSON (a JSON-ready Go value, dates
// in ISO 8601).
//
// Text to values: ParseValue(text, kind) reads text as a given kind (a
// *ValueError when it cannot); Infer(text) guesses a kind the way preview
// shows it ("007" stays a string); Inference accumulates the kinds of a
// column and names the narrowest that holds them all.
//
// Rows: a Header is shared by every Record of a file; Record.Values is
// positional and reused by the reader between calls (Clone to keep one).
// Record.Pos names file, sheet and the row number a spreadsheet shows
// (the header on the first line is row 1).
//
// Reading: Reader.Read returns io.EOF after the last record; Records
// iterates a reader and ReadAll collects every record (cloned). Every reader
// also implements Informer (Info: format, encoding, delimiter, sheets,
// header row). Problems are *ParseError values naming file, sheet, row and
// column and wrapping a sentinel: ErrBlankHeader, ErrDuplicateHeader,
// ErrRaggedRow, ErrRecordTooLarge, ErrTooLarge, ErrUnknownColumn (use
// errors.Is). CheckHeader applies the header rules to a list of names.
//
// Writing: Writer.Write takes one value per header column; errors are
// sticky. Every file writer writes through an AtomicFile (CreateAtomic):
// a temporary file in the same directory (mode 0666 less the umask, or the
// mode of the file it replaces), synced and renamed into place by Close; it refuses to replace an existing file (ErrExists) unless asked.
// Writers also implement Aborter: Abort leaves nothing at the final path.
// Finisher is the close/abort tail the format writers share: a sticky Err,
// a Closed flag, Close(flush) committing Out or removing it on any error,
// and Abort(what, release) ("<what>: aborted"); a writer holds one in an
// unexported field and supplies only its own flush and release.
// NeedsFormulaGuard reports text a spreadsheet would run as a formula;
// FormulaGuard and Unguard add and remove the CSV guard (see guard.go).
package formats
