package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/mappings"
)

// initOptions are the inputs of `capsule-etl init`.
type initOptions struct {
	Input     string
	Entity    string
	Output    string
	Force     bool
	Sheet     string
	HeaderRow int
	Encoding  string
	Delimiter string
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newInitCmd(streams *IOStreams, runF func(context.Context, *initOptions) error) *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init INPUT [--entity person|organisation|opportunity|project|note|task] [--output FILE]",
		Short: "Print a draft mapping for an input file",
		Long: `Read an input file's header and first rows and print a draft mapping for it.
Column names of common exports (HubSpot, Salesforce, Pipedrive, Zoho, Google
Contacts, Outlook) and of several languages are recognised: job titles, every email,
phone and website, addresses on the person or the organisation they describe, tags,
birthdays. A deals export (Pipedrive's "Deal - …" columns) drafts opportunities linked
to their contact person and organisation, with a map: of the file's stages and the
won/lost milestone from a status column. People are matched on email (or the source
id), organisations on name. Review the draft, then check it with validate; the next
steps printed on standard error say when import needs --create-fields.

The phone region for numbers written without +code comes from a country column,
else from the language of the column names (Vorname, Téléphone… give DE, FR…),
else from the e-mail domains or the +codes in the file; the draft says which,
and GB with a CHECK comment when nothing tells.

Title rows above the header are skipped; the header row, and --sheet, --encoding
and --delimiter when given, are written under source: so import reads the file
the same way.`,
		Example: `  capsule-etl init contacts.csv > contacts.yaml
  capsule-etl init deals.xlsx --sheet Deals --entity opportunity -o deals.yaml
  capsule-etl init export.csv --encoding windows-1252 --delimiter ';' -o export.yaml
  capsule-etl validate --mapping contacts.yaml contacts.csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(fmt.Errorf("init needs exactly one INPUT file, got %d\nRun 'capsule-etl init --help' for usage", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInit(opts, streams)
		},
	}
	cmd.Flags().StringVar(&opts.Entity, "entity", "", "main record: person, organisation, opportunity, project, note or task (default: opportunity for a deals export, else person)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the draft to FILE instead of standard output")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite FILE if it exists")
	cmd.Flags().StringVar(&opts.Sheet, "sheet", "", "XLSX sheet name or 1-based position (default the first)")
	cmd.Flags().IntVar(&opts.HeaderRow, "header-row", 0, "spreadsheet row of the column names (default: detected)")
	cmd.Flags().StringVar(&opts.Encoding, "encoding", "", "CSV encoding: utf-8, utf-16le, utf-16be, windows-1252 (default: detected)")
	cmd.Flags().StringVar(&opts.Delimiter, "delimiter", "", `CSV delimiter: "," ";" "|" or tab (default: detected)`)
	return cmd
}

func runInit(opts *initOptions, streams *IOStreams) error {
	if opts.HeaderRow < 0 {
		return usageError(fmt.Errorf("--header-row must be 1 or more (the spreadsheet row of the column names), got %d", opts.HeaderRow))
	}
	switch strings.ToLower(strings.TrimSpace(opts.Entity)) {
	case "deal", "deals", "opportunities":
		opts.Entity = "opportunity"
	case "kase", "case", "projects":
		opts.Entity = "project"
	case "people", "contact", "contacts":
		opts.Entity = "person"
	case "organisations", "organizations", "company", "companies":
		opts.Entity = "organisation"
	}
	src := mappings.SourceOptions{Sheet: opts.Sheet, HeaderRow: opts.HeaderRow, Encoding: opts.Encoding, Delimiter: opts.Delimiter}
	if err := checkSourceFlags(opts.Input, src); err != nil {
		return usageError(err)
	}
	// The first 1,000 rows: enough to list a stage column's values.
	h, sample, info, err := readSampleInfo(opts.Input, src, 1000)
	if err != nil {
		return usageError(previewHint(fmt.Errorf("reading the input: %w", err)))
	}
	in := src
	in.HeaderRow = info.HeaderRow
	if in.Sheet == "" && len(info.Sheets) > 1 {
		in.Sheet = info.Sheet // several sheets: say which one the draft is for
	}
	draft, dinfo, err := mappings.DraftWithInfo(h, sample, mappings.DraftOptions{Entity: opts.Entity, Source: filepath.Base(opts.Input), Input: in})
	if err != nil {
		return usageError(err)
	}
	if opts.Output == "" {
		if _, err = streams.Out.Write(draft); err != nil {
			return err
		}
		printNextSteps(streams, "DRAFT.yaml", opts.Input, dinfo)
		return nil
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if opts.Force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(opts.Output, flags, 0o644)
	if errors.Is(err, os.ErrExist) {
		return usageError(fmt.Errorf("%s exists; pass --force to overwrite it", opts.Output))
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(draft); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(streams.ErrOut, "wrote %s; check it with: capsule-etl validate --mapping %s %s\n", opts.Output, opts.Output, opts.Input)
	printNextSteps(streams, opts.Output, opts.Input, dinfo)
	return nil
}

// printNextSteps tells what to do with the draft, on standard error so that
// the draft itself can be redirected to a file.
func printNextSteps(streams *IOStreams, mapping, input string, info mappings.DraftInfo) {
	mapping, input = shellWord(mapping), shellWord(input)
	create := ""
	w := streams.ErrOut
	fmt.Fprintf(w, "next steps (the draft's main record: %s):\n", info.Entity)
	if mapping == "DRAFT.yaml" {
		fmt.Fprintf(w, "  0. save the draft: capsule-etl init %s -o DRAFT.yaml\n", input)
	}
	fmt.Fprintf(w, "  1. read the draft and settle every CHECK and CHANGE ME\n")
	if len(info.CustomFields) > 0 {
		create = " --create-fields"
		fmt.Fprintf(w, "     it writes custom fields (%s): create them in Capsule (Settings > Custom Fields), or add --create-fields to import as below\n",
			strings.Join(info.CustomFields, ", "))
	}
	fmt.Fprintf(w, "  2. capsule-etl validate --mapping %s %s\n", mapping, input)
	fmt.Fprintf(w, "  3. capsule-etl import --dry-run%s --mapping %s %s\n", create, mapping, input)
	fmt.Fprintf(w, "  4. capsule-etl import%s --mapping %s %s\n", create, mapping, input)
}

// shellWord quotes a path for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
