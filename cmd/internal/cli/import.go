package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// importOptions are the streams, flags and arguments of `capsule-etl import`.
type importOptions struct {
	IO          *IOStreams
	CommandLine []string     // as given to Run, recorded with the run in the journal
	Inputs      []string     // the INPUT arguments
	Log         *slog.Logger // --log-format json: JSON records instead of text; nil for text

	account        accountOptions
	Mapping        string
	DryRun         bool
	Offline        bool
	Plan           string
	Errors         string
	Journal        string
	Reserve        float64
	MaxErrors      int
	NoFormulaGuard bool
	Abandon        bool
	CreateFields   bool
	Source         files.Options
	Workers        int
}

// newImportCmd builds `import`; commandLine is what the journal records.
// runF, when set, runs instead of runImport with the parsed options (tests).
func newImportCmd(streams *IOStreams, commandLine []string, runF func(context.Context, *importOptions) error) *cobra.Command {
	o := &importOptions{IO: streams, CommandLine: commandLine}
	cmd := &cobra.Command{
		Use:   "import --mapping FILE [flags] INPUT...",
		Short: "Import files into Capsule (dry run, matching, paced writes, resumable)",
		Long: `Import rows of CSV, XLSX, Parquet or JSON Lines files into Capsule through a mapping.

Every row ends with an outcome per record of the mapping: created, updated (only
the fields that changed), unchanged, skipped or rejected. Existing records are
matched through an index of the account kept in the journal, so matching costs
no request per row. Writes are paced to Capsule's 4,000 requests/hour and
recorded in a journal (default: beside the first input) before they are sent:
running the same command again after an interruption resumes without sending
anything twice, and running it after a finished import sends nothing new.

Rejected rows are written to an errors file (default <input>.errors.<ext>) with
the input's columns plus _file, _sheet, _row, _field and _reason; fix them there
and import that file with the same mapping.

Progress shows rows/s, writes done and the ETA: a redrawn line on a terminal,
a log line every few seconds otherwise. With --log-format json (or
CAPSULE_ETL_LOG_FORMAT=json) the plan, progress and summary are one JSON object
per stderr line (time, level, msg, and counts such as rows, rows_per_s,
writes_done, writes_total, requests_left, eta_s, entities), never redrawn.

Exit status: 0 every row accounted for, 1 fatal error or writes left to check
(run again), 2 invalid usage, mapping or input, 3 finished with rejected rows,
130 interrupted (run the same command again to resume).`,
		Example: `  capsule-etl import --mapping contacts.yaml --dry-run --plan plan.jsonl contacts.csv
  capsule-etl import --mapping contacts.yaml contacts.csv
  capsule-etl import --mapping deals.yaml organisations.csv deals.xlsx`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(errors.New("give at least one INPUT file\nRun 'capsule-etl import --help' for usage"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			log, err := commandLogger(cmd, streams.ErrOut)
			if err != nil {
				return err
			}
			o.Inputs, o.Log = args, log
			if err := checkReserve(cmd, o.Reserve); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runImport(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Mapping, "mapping", "", "the mapping file (YAML); optional for files in capsule-etl's export layout")
	f.BoolVar(&o.DryRun, "dry-run", false, "plan only: read the account, write nothing")
	f.BoolVar(&o.Offline, "offline", false, "plan without any request (no account needed): everything is a create; implies --dry-run")
	f.StringVar(&o.Plan, "plan", "", "write the plan as JSON Lines to FILE ('-' for standard output)")
	f.StringVar(&o.Errors, "errors", "", "write rejected rows to FILE (default <input>.errors.<ext>)")
	f.StringVar(&o.Journal, "journal", "", "the journal file (default <input>.capsule-etl.db)")
	addReserveFlag(cmd, &o.Reserve)
	f.IntVar(&o.MaxErrors, "max-errors", 0, "stop after this many rejected rows (0 = no limit)")
	f.BoolVar(&o.NoFormulaGuard, "no-formula-guard", false, "a CSV errors file keeps text starting with = + - @ as is, without the ' that stops spreadsheets running it")
	f.BoolVar(&o.CreateFields, "create-fields", false, "create custom fields the mapping uses that the account lacks (type from the first value)")
	f.BoolVar(&o.Abandon, "abandon", false, "abandon an unfinished run of other files or mapping in the journal and start afresh")
	f.IntVar(&o.Workers, "workers", 4, "concurrent writes (the pace stays within the budget)")
	f.StringVar(&o.Source.Sheet, "sheet", "", "XLSX sheet to read (name or 1-based position)")
	f.IntVar(&o.Source.HeaderRow, "header-row", 0, "row holding the column names (default: detect)")
	f.StringVar(&o.Source.Encoding, "encoding", "", "CSV encoding: utf-8, utf-16le, utf-16be, windows-1252 (default: detect)")
	f.StringVar(&o.Source.Delimiter, "delimiter", "", "CSV delimiter (default: detect)")
	addAccountFlags(cmd, &o.account)
	return cmd
}

// runImport runs an import; with o.Log set (--log-format json) progress,
// notices and summaries are JSON records on it instead of text.
func runImport(ctx context.Context, o *importOptions) error {
	streams, log := o.IO, o.Log
	cfg := importer.Config{
		Inputs: o.Inputs, Source: o.Source, DryRun: o.DryRun || o.Offline, Offline: o.Offline,
		ErrorsPath: o.Errors, JournalPath: o.Journal, MaxErrors: o.MaxErrors, Abandon: o.Abandon, NoFormulaGuard: o.NoFormulaGuard,
		Reserve: o.Reserve, Workers: o.Workers, Args: o.CommandLine, CreateFields: o.CreateFields,
		Progress: streams.ErrOut, Terminal: streams.IsStderrTTY(), Log: log,
	}
	if o.Mapping != "" {
		src, err := os.ReadFile(o.Mapping)
		if err != nil {
			return usageError(fmt.Errorf("reading the mapping: %w", err))
		}
		cfg.Mapping, cfg.MappingName = src, o.Mapping
	} else {
		cfg.MappingFor = layoutMapping
	}
	if !o.Offline {
		c, err := o.account.newClient(capsule.WithReserve(o.Reserve))
		if err != nil {
			return err
		}
		cfg.Client = c
		cfg.Account = journal.Account{BaseURL: o.account.resolvedBaseURL(), Token: o.account.token()}
	}
	// The plan's counts and the time it takes, before anything is written.
	cfg.PlanSummary = streams.ErrOut
	if o.Plan != "" {
		var w io.Writer = streams.Out
		if o.Plan != "-" {
			pf, err := formats.CreateAtomic(o.Plan, true)
			if err != nil {
				return usageError(fmt.Errorf("--plan: %w", err))
			}
			// Commit puts the plan in place even when the run failed
			// afterwards; Abort after Commit is a no-op.
			defer pf.Abort()
			defer pf.Commit()
			w = pf
		}
		cfg.Plan = w
	}
	res, err := importer.Import(ctx, cfg)
	switch {
	case res != nil && log != nil:
		importer.LogSummary(log, res)
	case res != nil:
		importer.WriteSummary(streams.ErrOut, res)
	}
	switch {
	case err == nil:
	case isA[*importer.InputError](err), isA[*importer.PreflightError](err), isA[*journal.UnfinishedRunError](err):
		return err // ExitUsage (exitCodes)
	case errors.Is(err, context.Canceled):
		const msg = "interrupted; the journal is saved: run the same command again to resume"
		if log != nil {
			log.Warn(msg)
		} else {
			fmt.Fprintln(streams.ErrOut, "capsule-etl: "+msg)
		}
		return withCode(ExitInterrupted, nil)
	default:
		return err
	}
	if res.RejectedRows > 0 || res.Total.Rejected > 0 {
		return withCode(ExitRejected, nil)
	}
	return nil
}

// layoutMapping is used without --mapping: files in capsule-etl's default
// export layout are imported with the layout's own mapping.
func layoutMapping(header *formats.Header) (*mappings.Mapping, error) {
	entity, ok := layout.Detect(header)
	if !ok {
		return nil, errors.New("--mapping is required unless the file is in capsule-etl's export layout " +
			"(write one with `capsule-etl init`)")
	}
	return layout.Mapping(entity, header)
}
