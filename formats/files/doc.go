// Package files opens and creates data files of any supported format by
// extension, so callers need not import every format package.
//
//	r, err := files.Open("people.xlsx", files.Options{Sheet: "Contacts"})
//	info := files.InfoOf(r) // format, encoding, delimiter, sheets, header row
//	for { rec, err := r.Read(); if err == io.EOF { break } ... }
//
//	w, err := files.Create("out.parquet", header, files.WriteOptions{ColumnTypes: kinds})
//	... w.Write(values) ...; err = w.Close() // or w.(formats.Aborter).Abort()
//
// Formats: .csv .tsv .txt (and .gz of them), .xlsx, .parquet, .jsonl/.ndjson.
// "-" reads CSV from Options.Stdin or writes CSV to WriteOptions.Stdout.
// Several sheets in one workbook: xlsxfile.NewWorkbook.
package files
