package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
	"github.com/capsule-etl/capsule-etl/pipeline/rollback"
	"github.com/spf13/cobra"
)

// journalSuffix names the journal the import keeps beside its first input.
const journalSuffix = ".capsule-etl.db"

type runsOptions struct {
	journal string
	dir     string // where to look for a journal; "" = current directory
}

func newRunsCmd(streams *IOStreams) *cobra.Command {
	o := &runsOptions{}
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List, inspect and roll back import runs recorded in a journal",
		Long: `Every import records its runs in a journal (default <first input>` + journalSuffix + `):
what it created, what it changed and the previous values, and what failed.

Without --journal, the single *` + journalSuffix + ` file of the current directory is used.`,
		Example: `  capsule-etl runs list
  capsule-etl runs show 3
  capsule-etl runs rollback 3 --dry-run
  capsule-etl runs list --journal contacts.csv` + journalSuffix,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.PersistentFlags().StringVar(&o.journal, "journal", "", "the journal file (default: the only *"+journalSuffix+" here)")
	cmd.AddCommand(newRunsListCmd(o, streams, nil), newRunsShowCmd(o, streams, nil), newRunsRollbackCmd(o, streams, nil))
	return cmd
}

// journalPath finds the journal: --journal, or the only candidate here.
func (o *runsOptions) journalPath() (string, error) {
	if o.journal != "" {
		if _, err := os.Stat(o.journal); err != nil {
			return "", usageError(fmt.Errorf("--journal: %w", err))
		}
		return o.journal, nil
	}
	dir := o.dir
	if dir == "" {
		dir = "."
	}
	found, err := filepath.Glob(filepath.Join(dir, "*"+journalSuffix))
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		abs, _ := filepath.Abs(dir)
		return "", usageError(fmt.Errorf("no journal (*%s) in %s: pass --journal FILE", journalSuffix, abs))
	case 1:
		return found[0], nil
	}
	return "", usageError(fmt.Errorf("several journals here, choose one with --journal: %s", strings.Join(found, ", ")))
}

// openJournal opens the journal; read-only commands skip the process lock
// so they work while an import runs.
func (o *runsOptions) openJournal(ctx context.Context, readOnly bool) (*journal.Journal, error) {
	path, err := o.journalPath()
	if err != nil {
		return nil, err
	}
	var opts []journal.Option
	if readOnly {
		opts = append(opts, journal.WithoutLock())
	}
	j, err := journal.Open(ctx, path, opts...)
	if err != nil {
		var le *journal.LockedError
		if errors.As(err, &le) {
			return nil, withCode(ExitFatal, err)
		}
		return nil, usageError(err)
	}
	return j, nil
}

func parseRunID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError(fmt.Errorf("run ID %q: want the number shown by 'capsule-etl runs list'", s))
	}
	return id, nil
}

// runKind says what a run did, for list and show.
func runKind(ri journal.RunInfo) string {
	if of, ok := rollback.RollbackOf(ri); ok {
		return "rollback of " + strconv.FormatInt(of, 10)
	}
	return "import"
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

type runsListOptions struct {
	*runsOptions
	json bool
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newRunsListCmd(parent *runsOptions, streams *IOStreams, runF func(context.Context, *runsListOptions) error) *cobra.Command {
	o := &runsListOptions{runsOptions: parent}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the runs of the journal, newest first",
		Example: `  capsule-etl runs list
  capsule-etl runs list --journal contacts.csv` + journalSuffix + ` --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runRunsList(cmd.Context(), o, streams)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

type runLine struct {
	ID       int64                  `json:"id"`
	Kind     string                 `json:"kind"`
	Status   journal.Status         `json:"status"`
	Started  time.Time              `json:"started"`
	Finished *time.Time             `json:"finished,omitempty"`
	BaseURL  string                 `json:"baseURL"`
	Args     []string               `json:"args"`
	Total    journal.Counts         `json:"total"`
	Requests int64                  `json:"requests"`
	Entities []journal.EntityCounts `json:"entities,omitempty"`
}

func lineOf(ri journal.RunInfo, s journal.Summary) runLine {
	l := runLine{ID: ri.ID, Kind: runKind(ri), Status: ri.Status, Started: ri.Started, BaseURL: ri.BaseURL,
		Args: ri.Args, Total: s.Total, Requests: ri.Requests}
	if !ri.Finished.IsZero() {
		f := ri.Finished
		l.Finished = &f
	}
	return l
}

func runRunsList(ctx context.Context, o *runsListOptions, streams *IOStreams) error {
	j, err := o.openJournal(ctx, true)
	if err != nil {
		return err
	}
	defer j.Close()
	runs, err := j.ListRuns(ctx)
	if err != nil {
		return withCode(ExitFatal, err)
	}
	lines := make([]runLine, 0, len(runs))
	for _, ri := range runs {
		s, err := j.Summary(ctx, ri.ID)
		if err != nil {
			return withCode(ExitFatal, err)
		}
		lines = append(lines, lineOf(ri, s))
	}
	if o.json {
		return writeJSONOut(streams.Out, lines)
	}
	if len(lines) == 0 {
		fmt.Fprintln(streams.Out, "no runs in", j.Path())
		return nil
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATUS\tSTARTED\tCREATED\tUPDATED\tDELETED\tFAILED\tREJECTED\tIN DOUBT\tCOMMAND")
	for _, l := range lines {
		t := l.Total
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", l.ID, l.Kind, l.Status, fmtTime(l.Started),
			t.Created, t.Updated, t.Deleted, t.Failed, t.Rejected, t.InDoubt, strings.Join(l.Args, " "))
	}
	return tw.Flush()
}

func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type runsShowOptions struct {
	*runsOptions
	json bool
	id   int64 // the run to show
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newRunsShowCmd(parent *runsOptions, streams *IOStreams, runF func(context.Context, *runsShowOptions) error) *cobra.Command {
	o := &runsShowOptions{runsOptions: parent}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one run: what it was given, what it did per entity, what failed",
		Example: `  capsule-etl runs show 3
  capsule-etl runs show 3 --journal contacts.csv` + journalSuffix,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(errors.New("runs show needs exactly one run ID (see 'capsule-etl runs list')"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseRunID(args[0])
			if err != nil {
				return err
			}
			o.id = id
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runRunsShow(cmd.Context(), o, id, streams)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

type failedRow struct {
	File    string `json:"file"`
	Row     int64  `json:"row,omitempty"`
	Key     string `json:"sourceKey,omitempty"`
	Record  string `json:"record"`
	Entity  string `json:"entity"`
	Action  string `json:"action"`
	Message string `json:"message"`
}

type runDetail struct {
	runLine
	InputHash   string      `json:"inputHash"`
	MappingHash string      `json:"mappingHash"`
	UserID      string      `json:"userID"`
	Marker      string      `json:"marker"`
	CreatedIDs  int         `json:"createdIds"`
	Failed      []failedRow `json:"failed"`
}

func runRunsShow(ctx context.Context, o *runsShowOptions, id int64, streams *IOStreams) error {
	j, err := o.openJournal(ctx, true)
	if err != nil {
		return err
	}
	defer j.Close()
	ri, err := j.GetRun(ctx, id)
	if errors.Is(err, journal.ErrNotFound) {
		return usageError(err)
	}
	if err != nil {
		return withCode(ExitFatal, err)
	}
	s, err := j.Summary(ctx, id)
	if err != nil {
		return withCode(ExitFatal, err)
	}
	failed, err := j.RunOps(ctx, id, journal.Failed, journal.Rejected)
	if err != nil {
		return withCode(ExitFatal, err)
	}
	d := runDetail{runLine: lineOf(ri, s), InputHash: ri.InputHash, MappingHash: ri.MappingHash, UserID: ri.UserID,
		Marker: ri.Marker, CreatedIDs: s.Total.Created, Failed: []failedRow{}}
	d.Entities = s.Entities
	for _, op := range failed {
		d.Failed = append(d.Failed, failedRow{File: op.Key.File, Row: op.Key.Row, Key: op.Key.SourceKey,
			Record: op.Key.Record, Entity: op.Entity, Action: string(op.Action), Message: op.Message})
	}
	if o.json {
		return writeJSONOut(streams.Out, d)
	}
	return printRunDetail(streams.Out, d)
}

func printRunDetail(out io.Writer, d runDetail) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "Run %d (%s): %s\n", d.ID, d.Kind, d.Status)
	fmt.Fprintf(w, "  started   %s\n  finished  %s\n", fmtTime(d.Started), fmtTime(derefTime(d.Finished)))
	fmt.Fprintf(w, "  command   capsule-etl %s\n", strings.Join(d.Args, " "))
	fmt.Fprintf(w, "  account   %s (user %s)\n", d.BaseURL, orDash(d.UserID))
	fmt.Fprintf(w, "  input     %s\n  mapping   %s\n", d.InputHash, d.MappingHash)
	fmt.Fprintf(w, "  requests  %d\n  created ids  %d (rolled back by 'capsule-etl runs rollback %d')\n\n", d.Requests, d.CreatedIDs, d.ID)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTITY\tCREATED\tUPDATED\tDELETED\tUNCHANGED\tSKIPPED\tREJECTED\tFAILED\tPENDING\tIN DOUBT")
	rows := append(d.Entities, journal.EntityCounts{Entity: "total", Counts: d.Total})
	for _, e := range rows {
		c := e.Counts
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", e.Entity, c.Created, c.Updated, c.Deleted,
			c.Unchanged, c.Skipped, c.Rejected, c.Failed, c.Pending, c.InDoubt)
	}
	tw.Flush()
	if len(d.Failed) > 0 {
		fmt.Fprintf(w, "\nFailed and rejected rows (%d):\n", len(d.Failed))
		for _, f := range d.Failed {
			where := f.File
			if f.Row > 0 {
				where += ":" + strconv.FormatInt(f.Row, 10)
			}
			if f.Key != "" {
				where += " key " + f.Key
			}
			fmt.Fprintf(w, "  %s %s (%s %s): %s\n", where, f.Record, f.Action, f.Entity, f.Message)
		}
	}
	return w.Flush()
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
