package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/csvfile"
)

// Info says how a file was read (format, encoding, delimiter, sheets, header row).
type Info = formats.Info

// Options tune reading. The zero value detects everything.
type Options struct {
	Sheet        string   // XLSX: sheet name, or its 1-based position as text ("2"); "" = first
	HeaderRow    int      // spreadsheet row of the column names; 0 = detect (title rows skipped)
	Encoding     string   // CSV: utf-8, utf-16le, utf-16be, windows-1252; "" = detect
	Delimiter    string   // CSV: , ; | or tab; "" = detect
	PadShortRows bool     // CSV: read missing trailing cells as null instead of refusing the row
	Columns      []string // Parquet: read only these columns (projection); nil = all
	Format       string   // force a format (csv, tsv, xlsx, parquet, jsonl) instead of the extension
	Stdin        io.Reader
	// Context, when set, stops a long read (a huge XLSX part) soon after it
	// is cancelled; the reader then returns the context's error.
	Context context.Context
}

// ErrUnknownFormat is returned for an extension no reader or writer handles.
var ErrUnknownFormat = errors.New("unknown file format")

// FormatOf names the format of path from its extension: csv, xlsx, parquet
// or jsonl ("" when unknown). .tsv, .txt and .gz variants are csv.
func FormatOf(path string) string {
	p := strings.ToLower(path)
	p = strings.TrimSuffix(p, ".gz")
	switch filepath.Ext(p) {
	case ".csv", ".tsv", ".txt", ".tab":
		return "csv"
	case ".xlsx", ".xlsm", ".xls":
		return "xlsx"
	case ".parquet", ".pq":
		return "parquet"
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	}
	if path == "-" {
		return "csv"
	}
	return ""
}

// Open opens path for reading, choosing the reader by extension
// (.csv .tsv .txt .csv.gz .xlsx .parquet .jsonl .ndjson; "-" reads CSV from
// opt.Stdin). Every reader implements formats.Informer; use InfoOf.
func Open(path string, opt Options) (formats.Reader, error) {
	r, err := open(path, opt)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return r, nil
}

func open(path string, opt Options) (formats.Reader, error) {
	format := opt.Format
	if format == "" {
		format = FormatOf(path)
	}
	switch format {
	case "csv", "tsv":
		return openCSV(path, opt)
	case "xlsx":
		return openXLSX(path, opt)
	case "parquet":
		return openParquet(path, opt)
	case "jsonl", "ndjson":
		return openJSONL(path, opt)
	}
	return nil, &formats.ParseError{File: path, Err: fmt.Errorf("%w: use .csv, .tsv, .txt, .csv.gz, .xlsx, .parquet or .jsonl", ErrUnknownFormat)}
}

// InfoOf returns what r detected, or a zero Info for readers that do not say.
func InfoOf(r formats.Reader) Info {
	if i, ok := r.(formats.Informer); ok {
		return i.Info()
	}
	return Info{}
}

func openCSV(path string, opt Options) (formats.Reader, error) {
	opts := []csvfile.Option{csvfile.WithEncoding(opt.Encoding), csvfile.WithDelimiter(opt.Delimiter),
		csvfile.WithHeaderRow(opt.HeaderRow), csvfile.WithPadShortRows(opt.PadShortRows)}
	if opt.Delimiter == "" && strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv") {
		opts = append(opts, csvfile.WithDelimiter("\t"))
	}
	if path == "-" {
		in := opt.Stdin
		if in == nil {
			in = os.Stdin
		}
		return csvfile.NewReader(in, append([]csvfile.Option{csvfile.WithName("stdin")}, opts...)...)
	}
	return csvfile.Open(path, opts...)
}

// WriteOptions tune writing.
type WriteOptions struct {
	Overwrite      bool           // replace an existing file
	NoFormulaGuard bool           // write formula-looking text as is
	Sheet          string         // XLSX: sheet name (default "Sheet1")
	Compression    string         // Parquet: "zstd" (default) or "snappy"
	ColumnTypes    []formats.Kind // Parquet (and XLSX widths): one kind per column; nil or Null = string
	DecimalScale   int            // Parquet: digits after the point for Decimal columns (default 2)
	Delimiter      rune           // CSV: default ',' (tab for .tsv)
	BOM            bool           // CSV: start with a UTF-8 BOM for Excel
	Format         string         // force a format instead of the extension
	Stdout         io.Writer      // where "-" writes (default os.Stdout)
}

// Create writes a new file at path, choosing the writer by extension; "-"
// writes CSV to opt.Stdout. Files are written to a temporary name and renamed
// into place by Close; Abort (every writer here implements formats.Aborter)
// leaves nothing behind.
func Create(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	w, err := create(path, header, opt)
	if err != nil {
		// A nil *csvfile.Writer in the interface is not a nil interface:
		// callers that abort a writer they hold would call it on nil.
		return nil, err
	}
	return w, nil
}

func create(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	format := opt.Format
	if format == "" {
		format = FormatOf(path)
	}
	switch format {
	case "csv", "tsv":
		return createCSV(path, header, opt)
	case "xlsx":
		return createXLSX(path, header, opt)
	case "parquet":
		return createParquet(path, header, opt)
	case "jsonl", "ndjson":
		return createJSONL(path, header, opt)
	}
	return nil, fmt.Errorf("%s: %w: use .csv, .tsv, .csv.gz, .xlsx, .parquet or .jsonl", path, ErrUnknownFormat)
}

func createCSV(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	var opts []csvfile.WriteOption
	d := opt.Delimiter
	if d == 0 && strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv") {
		d = '\t'
	}
	if d != 0 {
		opts = append(opts, csvfile.WithWriteDelimiter(d))
	}
	if opt.NoFormulaGuard {
		opts = append(opts, csvfile.WithoutFormulaGuard())
	}
	if opt.BOM {
		opts = append(opts, csvfile.WithBOM())
	}
	if path == "-" {
		out := opt.Stdout
		if out == nil {
			out = os.Stdout
		}
		return csvfile.NewWriter(out, header, opts...)
	}
	opts = append(opts, csvfile.WithOverwrite(opt.Overwrite))
	return csvfile.Create(path, header, opts...)
}
