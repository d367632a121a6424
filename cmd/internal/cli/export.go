package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/export"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
)

// exportOptions are the streams and flags of `capsule-etl export`.
type exportOptions struct {
	IO  *IOStreams
	Log *slog.Logger // --log-format json: JSON records instead of text; nil for text

	account        accountOptions
	Reserve        float64
	Mapping        string
	Record         string
	Entity         string
	Output         string
	Since          string
	Incremental    bool
	State          string
	Overlap        time.Duration
	IncludeDeleted bool
	Overwrite      bool
	NoFormulaGuard bool
	now            func() time.Time
}

// newExportCmd builds `export`; runF, when set, runs instead of runExport
// with the parsed options (tests).
func newExportCmd(streams *IOStreams, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "export --entity ENTITY --output FILE [flags]",
		Short: "Export Capsule records to CSV, XLSX, Parquet or JSON Lines",
		Long: `Export records from Capsule into a file; the format comes from the extension
(.csv, .xlsx, .parquet, .jsonl); --output - writes CSV to stdout.

Without --mapping the default layout is written: every field, linked records by id
and name, numbered columns for emails, phones, addresses and websites, one
"Field: <name>" column per custom field, tags joined with "; ". capsule-etl import
reads this layout back without a mapping. With --mapping the mapping's reverse
direction decides the columns.

--entity is parties, opportunities, kases, entries or tasks; for an .xlsx output a
comma list or "all" writes one sheet per entity.

Incremental exports (for cron): --incremental --state FILE exports what changed
since the previous run (the first run exports everything) and reports deleted
records in a companion file <output>.deleted.<ext> (Entity, ID, Deleted At).
The state advances only after the output is complete. --since TIME (RFC 3339 or
YYYY-MM-DD) exports changes after a fixed time instead.

Progress is a redrawn line on a terminal and a log line every few seconds
otherwise. With --log-format json (or CAPSULE_ETL_LOG_FORMAT=json) progress and
the summary are one JSON object per stderr line (time, level, msg, and counts
such as records, records_per_s, entities, requests), for log collectors.

Reads are paced to the account's request budget, leaving --reserve percent of
it to other integrations of the same user.

CSV cells a spreadsheet would run as a formula (text starting with = + - @, but
not numbers or phone numbers such as +44 20 7946 0018) get a ' in front, which
capsule-etl import takes off again; --no-formula-guard leaves them as they are for
scripts and databases. XLSX, Parquet and JSON Lines are never guarded.

The output is written under a temporary name and renamed when complete, so it
never appears half-written (a kill -9 during the final write can leave a hidden
.NAME.tmp-* file beside it, safe to delete). Exit status: 0 done, 1 failed, 2 invalid usage (or the
output exists: add --overwrite), 130 interrupted (nothing written, state unchanged).`,
		Example: `  capsule-etl export --entity parties -o parties.csv
  capsule-etl export --entity all -o capsule.xlsx
  capsule-etl export --entity parties -o - | head
  capsule-etl export --entity opportunities -o deals.parquet --since 2026-01-01
  capsule-etl export --mapping contacts.yaml -o people.xlsx --overwrite
  capsule-etl export --entity parties -o changes.csv --incremental --state export-state.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := commandLogger(cmd, streams.ErrOut)
			if err != nil {
				return err
			}
			opts.Log = log
			if err := checkReserve(cmd, opts.Reserve); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runExport(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Mapping, "mapping", "", "a mapping whose reverse direction decides the columns (default: the default layout)")
	f.StringVar(&opts.Record, "record", "", "with --mapping: the mapping record to export (default: the first person, else the richest)")
	f.StringVar(&opts.Entity, "entity", "", "parties, opportunities, kases, entries or tasks (.xlsx: a comma list or all)")
	f.StringVarP(&opts.Output, "output", "o", "", "the file to write (.csv .xlsx .parquet .jsonl), - for CSV on stdout")
	f.StringVar(&opts.Since, "since", "", "only records changed after this time, less --overlap (RFC 3339 or YYYY-MM-DD)")
	f.BoolVar(&opts.Incremental, "incremental", false, "export the changes since the previous run recorded in --state")
	f.StringVar(&opts.State, "state", "", "with --incremental: the state file (JSON, created on the first run)")
	f.DurationVar(&opts.Overlap, "overlap", export.DefaultOverlap, "re-read window below the cursor for late or same-second changes (records are not repeated)")
	f.BoolVar(&opts.IncludeDeleted, "include-deleted", false, "report deleted parties, opportunities and kases in <output>.deleted.<ext> (always on with --incremental)")
	f.BoolVar(&opts.Overwrite, "overwrite", false, "replace existing output files")
	addReserveFlag(cmd, &opts.Reserve)
	f.BoolVar(&opts.NoFormulaGuard, "no-formula-guard", false, "CSV: write text starting with = + - @ as is, without the ' that stops spreadsheets running it (for scripts and databases)")
	addAccountFlags(cmd, &opts.account)
	return cmd
}

// runExport runs an export; with o.Log set (--log-format json) progress and
// the summary are JSON records on it instead of text.
func runExport(ctx context.Context, o *exportOptions) error {
	streams, log := o.IO, o.Log
	if o.now == nil {
		o.now = time.Now
	}
	eo, err := o.pipelineOptions(streams)
	if err != nil {
		return usageError(fmt.Errorf("%w\nRun 'capsule-etl export --help' for usage", err))
	}
	rc := &export.RequestCounter{}
	c, err := o.account.newClient(capsule.WithHTTPClient(&http.Client{Transport: rc}), capsule.WithReserve(o.Reserve))
	if err != nil {
		return err
	}
	eo.Counter = rc
	prog := newProgressLog(streams.ErrOut, streams.IsStderrTTY(), o.now, log)
	eo.Progress = prog.update
	sum, err := export.Export(ctx, c, eo)
	prog.finish()
	var optErr *export.OptionError
	switch {
	case errors.As(err, &optErr): // ExitUsage (exitCodes)
		return fmt.Errorf("%w\nRun 'capsule-etl export --help' for usage", err)
	case errors.Is(err, export.ErrOutputExists): // ExitUsage (exitCodes)
		return fmt.Errorf("%w: add --overwrite to replace it, or choose another --output", err)
	case err != nil && ctx.Err() != nil:
		return withCode(ExitInterrupted, fmt.Errorf("interrupted: no output written, state unchanged (%w)", err))
	case err != nil:
		return reachHint(err, o.account.resolvedBaseURL())
	}
	if log != nil {
		logExportSummary(log, sum, eo.Output)
	} else {
		printExportSummary(streams.ErrOut, sum, eo.Output)
	}
	return nil
}

func (o *exportOptions) pipelineOptions(streams *IOStreams) (export.Options, error) {
	eo := export.Options{Output: o.Output, Overwrite: o.Overwrite, Stdout: streams.Out, Overlap: o.Overlap,
		IncludeDeleted: o.IncludeDeleted, Record: o.Record, Now: o.now, NoFormulaGuard: o.NoFormulaGuard}
	if o.Overlap == 0 {
		eo.Overlap = -1 // an explicit 0 means no window
	}
	if o.Output == "" {
		return eo, errors.New("--output FILE is required (- writes CSV to stdout)")
	}
	if o.Output != "-" {
		// Checked before anything is fetched: a long export should not
		// fail at its very end on a mistyped folder.
		if st, err := os.Stat(filepath.Dir(o.Output)); err != nil || !st.IsDir() {
			return eo, fmt.Errorf("--output %s: the folder %s does not exist; create it or choose another path", o.Output, filepath.Dir(o.Output))
		}
		if st, err := os.Stat(o.Output); err == nil && st.IsDir() {
			return eo, fmt.Errorf("--output %s is a folder; name a file in it, e.g. %s", o.Output, filepath.Join(o.Output, "export.csv"))
		}
	}
	switch {
	case o.Incremental && o.Since != "":
		return eo, errors.New("--since and --incremental exclude each other: the state file holds the since of incremental runs")
	case o.Incremental && o.State == "":
		return eo, errors.New("--incremental needs --state FILE to remember where the previous run stopped")
	case !o.Incremental && o.State != "":
		return eo, errors.New("--state is only used with --incremental")
	case o.Incremental && o.Output == "-":
		return eo, errors.New("--incremental needs a file --output: deletions go to a companion file beside it")
	}
	if o.Incremental {
		eo.StatePath = o.State
	}
	if o.Since != "" {
		t, err := parseSince(o.Since)
		if err != nil {
			return eo, err
		}
		eo.Since = t
	}
	if o.Mapping != "" {
		src, err := os.ReadFile(o.Mapping)
		if err != nil {
			return eo, fmt.Errorf("reading the mapping: %w", err)
		}
		m, probs := mappings.Parse(src, o.Mapping)
		if !probs.HasErrors() {
			var p *mappings.Program
			var more mappings.Problems
			p, more = mappings.Compile(m, nil)
			probs = mappings.Merge(probs, more)
			eo.Mapping = p
		}
		if probs.HasErrors() {
			return eo, fmt.Errorf("%w\nRun 'capsule-etl validate --mapping %s' for details", probs, o.Mapping)
		}
		if o.Entity != "" {
			return eo, errors.New("--entity is decided by the mapping's record with --mapping; use --record to choose it")
		}
		return eo, nil
	}
	if o.Record != "" {
		return eo, errors.New("--record needs --mapping")
	}
	switch strings.TrimSpace(o.Entity) {
	case "":
		return eo, fmt.Errorf("--entity is required: %s (or all, for .xlsx)", strings.Join(layout.All, ", "))
	case "all":
		eo.Entities = layout.All
	default:
		for _, e := range strings.Split(o.Entity, ",") {
			e, err := exportEntity(e)
			if err != nil {
				return eo, err
			}
			eo.Entities = append(eo.Entities, e)
		}
	}
	return eo, nil
}

// parseSince reads RFC 3339 or a date (midnight UTC).
func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: write 2026-11-27T06:00:00Z or 2026-11-27", s)
}

func printExportSummary(w io.Writer, sum *export.Summary, output string) {
	for _, warn := range sum.Warnings {
		fmt.Fprintf(w, "export: %s\n", warn)
	}
	var parts []string
	for _, e := range sum.Entities {
		p := fmt.Sprintf("%s %d", e.Entity, e.Written)
		if e.Deleted > 0 {
			p += fmt.Sprintf(" (+%d deleted)", e.Deleted)
		}
		parts = append(parts, p)
	}
	dest := output
	if output == "-" {
		dest = "stdout"
	}
	fmt.Fprintf(w, "export: %s written to %s; %s, %s\n", strings.Join(parts, ", "), dest,
		plural(int(sum.Requests), "request"), sum.Elapsed.Round(time.Millisecond))
	if sum.DeletedFile != "" {
		fmt.Fprintf(w, "export: deleted records in %s\n", sum.DeletedFile)
	}
}

// logExportSummary is printExportSummary as JSON records: a WARN per
// warning, then one "export summary" record with the counts per entity.
func logExportSummary(log *slog.Logger, sum *export.Summary, output string) {
	for _, warn := range sum.Warnings {
		log.Warn(warn)
	}
	ents := make([]any, 0, len(sum.Entities))
	written := 0
	for _, e := range sum.Entities {
		ents = append(ents, slog.Group(e.Entity, "written", e.Written, "deleted", e.Deleted))
		written += e.Written
	}
	dest := output
	if output == "-" {
		dest = "stdout"
	}
	attrs := []any{slog.Group("entities", ents...), "records", written, "output", dest,
		"requests", sum.Requests, "elapsed_s", math.Round(sum.Elapsed.Seconds()*1000) / 1000}
	if sum.DeletedFile != "" {
		attrs = append(attrs, "deleted_file", sum.DeletedFile)
	}
	log.Info("export summary", attrs...)
}

// progressLog reports records as they arrive: an updating line on a
// terminal, else a timestamped log line every few seconds (cron mail and
// journald stay readable); with log set, a JSON record every few seconds
// even on a terminal.
type progressLog struct {
	mu       sync.Mutex
	w        io.Writer
	log      *slog.Logger
	start    time.Time
	tty      bool
	now      func() time.Time
	last     time.Time
	entity   string
	n        int
	shownAny bool
}

const progressEvery = 5 * time.Second

// newProgressLog reports on w; tty (w is a terminal) redraws one line,
// unless log is set.
func newProgressLog(w io.Writer, tty bool, now func() time.Time, log *slog.Logger) *progressLog {
	p := &progressLog{w: w, now: now, last: now(), log: log, tty: tty && log == nil}
	p.start = p.last
	return p
}

func (p *progressLog) update(entity string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.entity, p.n = entity, n
	now := p.now()
	if p.tty {
		if now.Sub(p.last) >= 200*time.Millisecond {
			fmt.Fprintf(p.w, "\rexporting %s: %d records ", entity, n)
			p.last, p.shownAny = now, true
		}
		return
	}
	if now.Sub(p.last) >= progressEvery && p.log != nil {
		rate := 0.0
		if el := now.Sub(p.start).Seconds(); el > 0 {
			rate = math.Round(float64(n)/el*10) / 10
		}
		p.log.Info("progress", "entity", entity, "records", n, "records_per_s", rate)
		p.last = now
		return
	}
	if now.Sub(p.last) >= progressEvery {
		fmt.Fprintf(p.w, "%s export: %s: %d records so far\n", now.UTC().Format(time.RFC3339), entity, n)
		p.last = now
	}
}

func (p *progressLog) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.shownAny {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// exportEntity reads an --entity word: the API's plural names, their
// singulars, and the names Capsule's screens use (projects for kases, notes
// and history for entries). People and organisations are both parties.
func exportEntity(word string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(word))
	switch e {
	case "deal", "deals":
		return capsule.PathOpportunities, nil
	case "case", "cases":
		return capsule.PathKases, nil
	case "history":
		return capsule.PathEntries, nil
	case "people", "person", "persons", "contacts", "contact", "organisations", "organisation", "organizations", "organization", "companies", "company":
		return "", fmt.Errorf("people and organisations are both parties: use --entity parties (its Type column tells them apart)")
	}
	if k := capsule.KindOf(e); k != nil {
		return k.Path, nil
	}
	return "", fmt.Errorf("unknown entity %q: choose from %s (or all, for .xlsx)", word, strings.Join(layout.All, ", "))
}
