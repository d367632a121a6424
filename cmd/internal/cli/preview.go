package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/spf13/cobra"
)

// Preview defaults.
const (
	defaultPreviewRows = 10
	inferSampleRows    = 1000 // rows looked at to infer column types
	previewCellWidth   = 40
)

type previewOptions struct {
	File      string
	Sheet     string
	HeaderRow int
	Rows      int
	JSON      bool
	Encoding  string
	Delimiter string
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newPreviewCmd(streams *IOStreams, runF func(context.Context, *previewOptions) error) *cobra.Command {
	opts := previewOptions{Rows: defaultPreviewRows}
	cmd := &cobra.Command{
		Use:   "preview FILE",
		Short: "Show how a data file is read: format, columns, types and first rows",
		Long: `preview shows how capsule-etl reads a CSV, XLSX, Parquet or JSON Lines file: the
detected format, encoding, delimiter, sheets and header row, each column with its
inferred type, and the first rows. Use it before writing a mapping.`,
		Example: `  capsule-etl preview contacts.csv
  capsule-etl preview export.xlsx --sheet People --header-row 3
  capsule-etl preview data.parquet --rows 5 --json`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(fmt.Errorf("preview needs exactly one FILE, got %d\nRun 'capsule-etl preview --help' for usage", len(args)))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(c.Context(), &opts)
			}
			return runPreview(c.Context(), opts, streams)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Sheet, "sheet", "", "XLSX sheet name or 1-based position (default the first)")
	f.IntVar(&opts.HeaderRow, "header-row", 0, "spreadsheet row of the column names (default: detected)")
	f.IntVar(&opts.Rows, "rows", defaultPreviewRows, "number of rows to show")
	f.BoolVar(&opts.JSON, "json", false, "print JSON for machines")
	f.StringVar(&opts.Encoding, "encoding", "", "CSV encoding: utf-8, utf-16le, utf-16be, windows-1252 (default: detected)")
	f.StringVar(&opts.Delimiter, "delimiter", "", `CSV delimiter: "," ";" "|" or tab (default: detected)`)
	return cmd
}

type previewColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type previewResult struct {
	File      string          `json:"file"`
	Format    string          `json:"format"`
	Encoding  string          `json:"encoding,omitempty"`
	Delimiter string          `json:"delimiter,omitempty"`
	Sheet     string          `json:"sheet,omitempty"`
	Sheets    []string        `json:"sheets,omitempty"`
	HeaderRow int             `json:"headerRow,omitempty"`
	Columns   []previewColumn `json:"columns"`
	Rows      [][]any         `json:"rows"`
	RowNums   []int           `json:"rowNumbers"`
	Sampled   int             `json:"sampledRows"`
	values    [][]formats.Value
}

func runPreview(ctx context.Context, opts previewOptions, streams *IOStreams) error {
	if opts.Rows < 0 {
		return usageError(errors.New("--rows must be 0 or more"))
	}
	if err := checkSourceFlags(opts.File, mappings.SourceOptions{Sheet: opts.Sheet, HeaderRow: opts.HeaderRow, Encoding: opts.Encoding, Delimiter: opts.Delimiter}); err != nil {
		return usageError(err)
	}
	r, err := files.Open(opts.File, files.Options{Sheet: opts.Sheet, HeaderRow: opts.HeaderRow,
		Encoding: opts.Encoding, Delimiter: opts.Delimiter, Stdin: streams.In, Context: ctx})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return usageError(previewHint(err))
	}
	defer r.Close()
	res, err := samplePreview(ctx, r, opts)
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && (res == nil || res.Sampled == 0) {
		return usageError(previewHint(err))
	}
	// A bad row further down: show the rows above it, then say what is wrong
	// (still exit 2), so one stray quote does not hide the whole file.
	if opts.JSON {
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		if perr := enc.Encode(res); perr != nil {
			return perr
		}
	} else if perr := printPreview(streams.Out, res); perr != nil {
		return perr
	}
	if err != nil {
		return usageError(previewHint(fmt.Errorf("reading stopped after %d rows: %w", res.Sampled, err)))
	}
	return nil
}

// samplePreview reads up to inferSampleRows rows to infer column types and
// keeps the first opts.Rows of them to show.
func samplePreview(ctx context.Context, r formats.Reader, opts previewOptions) (*previewResult, error) {
	info := files.InfoOf(r)
	res := &previewResult{File: opts.File, Format: info.Format, Encoding: info.Encoding, Delimiter: info.Delimiter,
		Sheet: info.Sheet, Sheets: info.Sheets, HeaderRow: info.HeaderRow, Rows: [][]any{}, RowNums: []int{}}
	names := r.Header().Names()
	inf := make([]formats.Inference, len(names))
	for res.Sampled < max(inferSampleRows, opts.Rows) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.columns(names, inf, info)
			return res, err
		}
		res.Sampled++
		typed := make([]formats.Value, len(rec.Values))
		shown := make([]formats.Value, len(rec.Values))
		for i, v := range rec.Values {
			shown[i] = v // the table shows the cell as the file has it
			if v.Kind() == formats.String && info.Format == "csv" {
				// CSV cells are text: infer what they hold. Typed formats
				// (an XLSX text cell "01234") say a string is a string.
				v = formats.Infer(v.Text())
			}
			typed[i] = v
			inf[i].Add(v)
		}
		if len(res.Rows) < opts.Rows {
			row := make([]any, len(typed))
			for i, v := range typed {
				row[i] = v.JSON()
			}
			res.Rows = append(res.Rows, row)
			res.RowNums = append(res.RowNums, rec.Pos.Row)
			res.values = append(res.values, shown)
		}
	}
	res.columns(names, inf, info)
	return res, nil
}

// columns names the columns with the kinds inferred so far.
func (res *previewResult) columns(names []string, inf []formats.Inference, info files.Info) {
	for i, n := range names {
		k := inf[i].Kind()
		if k == formats.Null && i < len(info.Columns) {
			k = info.Columns[i]
		}
		res.Columns = append(res.Columns, previewColumn{Name: n, Type: k.String()})
	}
}

func printPreview(out io.Writer, res *previewResult) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "File:\t%s\n", res.File)
	fmt.Fprintf(tw, "Format:\t%s\n", res.Format)
	if res.Encoding != "" {
		fmt.Fprintf(tw, "Encoding:\t%s\n", res.Encoding)
	}
	if res.Delimiter != "" {
		fmt.Fprintf(tw, "Delimiter:\t%s\n", strconv.Quote(res.Delimiter))
	}
	if len(res.Sheets) > 0 {
		quoted := make([]string, len(res.Sheets))
		for i, s := range res.Sheets {
			quoted[i] = strconv.Quote(s)
		}
		fmt.Fprintf(tw, "Sheets:\t%s (reading %q)\n", strings.Join(quoted, ", "), res.Sheet)
	}
	if res.HeaderRow > 0 && res.Format != "parquet" && res.Format != "jsonl" {
		fmt.Fprintf(tw, "Header row:\t%d\n", res.HeaderRow)
	}
	fmt.Fprintf(tw, "Columns:\t%d (types inferred from %d rows)\n", len(res.Columns), res.Sampled)
	for _, c := range res.Columns {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Type)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nFirst %d rows:\n", len(res.values))
	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "row")
	for _, c := range res.Columns {
		fmt.Fprintf(tw, "\t%s", cellText(c.Name))
	}
	fmt.Fprintln(tw)
	for i, row := range res.values {
		fmt.Fprint(tw, res.RowNums[i])
		for _, v := range row {
			fmt.Fprintf(tw, "\t%s", cellText(v.Text()))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// cellText keeps a table cell on one line and narrow enough to read.
func cellText(s string) string {
	s = strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎", "\t", " ").Replace(s)
	if utf8.RuneCountInString(s) > previewCellWidth {
		rs := []rune(s)
		s = string(rs[:previewCellWidth-1]) + "…"
	}
	return s
}

// previewHint adds what to try next to a read error.
func previewHint(err error) error {
	var hint string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		hint = "check the path"
	case errors.Is(err, files.ErrUnknownFormat):
		hint = "rename the file with its real extension"
	case errors.Is(err, files.ErrSheetMissing):
		hint = "pass --sheet with one of those names, or its position (1 = the first)"
	case errors.Is(err, files.ErrOldXLS), errors.Is(err, files.ErrEncrypted), errors.Is(err, files.ErrSpreadsheet), errors.Is(err, files.ErrNotText):
		return err // the message says what to do
	case errors.Is(err, files.ErrNotXLSX):
		hint = "the file is damaged or not a workbook: open it in Excel and save it as .xlsx again"
	case errors.Is(err, formats.ErrRaggedRow):
		hint = "fix the row in the file, or check the detected delimiter (--delimiter)"
	case errors.Is(err, csv.ErrQuote), errors.Is(err, csv.ErrBareQuote), errors.Is(err, formats.ErrRecordTooLarge):
		hint = "fix the quotes at that line (opening the file in a spreadsheet and saving it as CSV again writes valid quoting)"
	case errors.Is(err, formats.ErrBlankHeader), errors.Is(err, formats.ErrDuplicateHeader):
		hint = "fix the header, or point at the right row with --header-row (source.header_row in a mapping)"
	default:
		var pe *formats.ParseError
		if !errors.As(err, &pe) {
			return err
		}
		switch files.FormatOf(pe.File) {
		case "csv":
			hint = "check the file, or the detected encoding and delimiter (--encoding, --delimiter)"
		case "xlsx":
			hint = "check the sheet, or choose another with --sheet, or the header row with --header-row"
		default:
			hint = "check the file"
		}
	}
	return fmt.Errorf("%w\nhint: %s", err, hint)
}
