package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
	"github.com/capsule-etl/capsule-etl/pipeline/rollback"
	"github.com/spf13/cobra"
)

type runsRollbackOptions struct {
	*runsOptions
	account accountOptions
	dryRun  bool
	yes     bool
	id      int64 // the run to roll back
	args    []string
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newRunsRollbackCmd(parent *runsOptions, streams *IOStreams, runF func(context.Context, *runsRollbackOptions) error) *cobra.Command {
	o := &runsRollbackOptions{runsOptions: parent}
	cmd := &cobra.Command{
		Use:   "rollback ID",
		Short: "Undo a run: delete what it created, restore what it changed",
		Long: `Undo an import run recorded in the journal: delete the records it created (notes
and tasks first, then opportunities and projects, then people, then
organisations) and put back the previous values of the fields it updated (a
partial update with only those fields), through the rate-paced client.

The rollback is recorded in the journal as it goes: interrupted, it resumes
where it stopped when run again; run after it finished, it does nothing. A
record already deleted (404) counts as done. Writes the import left in doubt
have no known id and are listed, not touched: run the import again first to
settle them. A run is not rolled back while it, or any other run of the
journal, is unfinished.

The token must be the account's the run wrote to (CAPSULE_TOKEN or 'auth login').
On a terminal the rollback asks for confirmation; elsewhere pass --yes.

Exit status: 0 done (or nothing to do); 1 some steps failed, or a run is
unfinished; 2 usage, unknown run, or a token of another account than the run's;
130 interrupted (run again to resume).`,
		Example: `  capsule-etl runs rollback 3 --dry-run
  capsule-etl runs rollback 3 --journal people.csv.capsule-etl.db --yes`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(errors.New("runs rollback needs exactly one run ID (see 'capsule-etl runs list')"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseRunID(args[0])
			if err != nil {
				return err
			}
			o.id, o.args = id, append([]string{"runs", "rollback"}, args...)
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runRunsRollback(cmd.Context(), o, id, streams)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would be deleted and restored; send nothing")
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runRunsRollback(ctx context.Context, o *runsRollbackOptions, id int64, streams *IOStreams) error {
	j, err := o.openJournal(ctx, o.dryRun)
	if err != nil {
		return err
	}
	defer j.Close()
	plan, err := rollback.NewPlan(ctx, j, id)
	switch {
	case errors.Is(err, journal.ErrNotFound), errors.Is(err, rollback.ErrIsRollback):
		return usageError(err)
	case err != nil:
		return withCode(ExitFatal, err)
	}
	printPlan(streams.ErrOut, plan)
	steps := plan.Steps()
	if o.dryRun {
		for _, s := range steps {
			fmt.Fprintln(streams.Out, "would", s)
		}
		return nil
	}
	if plan.Run.Status == journal.StatusRunning {
		return withCode(ExitFatal, &rollback.UnfinishedError{RunID: id})
	}
	if len(steps) == 0 {
		fmt.Fprintf(streams.Out, "Nothing to roll back in run %d.\n", id)
		return nil
	}
	if !o.yes {
		if err := confirm(streams, fmt.Sprintf("Delete %d records and restore %d in %s?", len(plan.Deletes), len(plan.Restores), plan.Run.BaseURL)); err != nil {
			return err
		}
	}
	c, err := o.account.newClient()
	if err != nil {
		return err
	}
	who, err := whoAmIWith(ctx, c)
	if err != nil {
		return err
	}
	res, err := rollback.Execute(ctx, j, c, id, rollback.WithUserID(strconv.FormatInt(who.userID, 10)),
		rollback.WithArgs(o.args), rollback.WithProgress(func(s rollback.Step, out rollback.Outcome) {
			fmt.Fprintf(streams.ErrOut, "  %s: %s\n", s, out)
		}))
	if res != nil {
		printResult(streams.Out, res)
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		fmt.Fprintln(streams.ErrOut, "capsule-etl: interrupted; the progress is in the journal: run the same command again to resume")
		return withCode(ExitInterrupted, nil)
	case isA[*rollback.AccountError](err):
		return err // ExitUsage (exitCodes)
	default:
		return withCode(ExitFatal, err)
	}
	if len(res.Failures) > 0 {
		return withCode(ExitFatal, fmt.Errorf("%d steps failed; run the rollback again to retry them", len(res.Failures)))
	}
	return nil
}

func printPlan(w io.Writer, p *rollback.Plan) {
	count := func(steps []rollback.Step) string {
		by := map[string]int{}
		for _, s := range steps {
			by[s.Entity]++
		}
		var parts []string
		for e, n := range by {
			parts = append(parts, fmt.Sprintf("%d %s", n, e))
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	}
	fmt.Fprintf(w, "Run %d (%s, %s, %s):\n", p.Run.ID, runKind(p.Run), p.Run.Status, p.Run.BaseURL)
	fmt.Fprintf(w, "  delete   %d (%s)\n  restore  %d (%s)\n", len(p.Deletes), count(p.Deletes), len(p.Restores), count(p.Restores))
	if p.Done > 0 {
		fmt.Fprintf(w, "  already undone by an earlier rollback: %d\n", p.Done)
	}
	for _, it := range p.InDoubt {
		fmt.Fprintf(w, "  in doubt, not touched: %s %s (%s); run the import again to settle it\n", it.Action, it.Entity, it.Key)
	}
	for _, it := range p.Unknown {
		fmt.Fprintf(w, "  cannot undo entity %q: %s (%s)\n", it.Entity, it.Action, it.Key)
	}
}

func printResult(w io.Writer, r *rollback.Result) {
	if r.AlreadyDone {
		fmt.Fprintf(w, "Run %d was already rolled back: nothing sent.\n", r.RunID)
		return
	}
	c := r.Counts
	fmt.Fprintf(w, "Rolled back run %d (recorded as run %d): %d deleted, %d already gone, %d restored, %d unchanged, %d gone, %d failed.\n",
		r.RunID, r.RollbackRunID, c[rollback.Deleted], c[rollback.AlreadyGone], c[rollback.Restored],
		c[rollback.Unchanged], c[rollback.Gone], c[rollback.Failed])
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  failed: %s: %s\n", f.Step, f.Message)
	}
	if len(r.InDoubt) > 0 {
		fmt.Fprintf(w, "  %d writes of the import were in doubt and were not rolled back\n", len(r.InDoubt))
	}
}

// confirm asks on a terminal; elsewhere it refuses without --yes, since a
// rollback deletes records.
func confirm(streams *IOStreams, question string) error {
	if !streams.IsStdinTTY() {
		return usageError(errors.New("standard input is not a terminal: pass --yes to confirm the rollback (or --dry-run to see it)"))
	}
	fmt.Fprintf(streams.ErrOut, "%s [y/N] ", question)
	line, _ := bufio.NewReader(streams.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return withCode(ExitFatal, errors.New("rollback cancelled"))
	}
	return nil
}
