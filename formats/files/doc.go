// Package files opens and creates data files of any supported format by
// extension. It is the only door to the format packages (csvfile, xlsxfile,
// parquetfile, jsonlfile): what a caller needs of them (Workbook, the
// errors a file can be refused with) is re-exported here.
//
//	r, err := files.Open("people.xlsx", files.Options{Sheet: "Contacts"})
//	info := files.InfoOf(r) // format, encoding, delimiter, sheets, header row
//	for rec, err := range formats.Records(r) { ... } // or formats.ReadAll(r)
//
//	w, err := files.Create("out.parquet", header, files.WriteOptions{ColumnTypes: kinds})
//	... w.Write(values) ...; err = w.Close() // or w.(formats.Aborter).Abort()
//
// Formats: .csv .tsv .txt (and .gz of them), .xlsx, .parquet, .jsonl/.ndjson.
// "-" reads CSV from Options.Stdin or writes CSV to WriteOptions.Stdout.
// Several sheets in one workbook: CreateWorkbook, then AddSheet for each.
package files
