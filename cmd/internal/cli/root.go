// Package cli holds the capsule-etl commands: one file per command, each with
// an options struct holding its flags and arguments, a newXxxCmd constructor
// taking the IOStreams and a runF seam (tests get the parsed options instead
// of a run), and a runXxx function. IOStreams is the only place that tells
// whether a stream is a terminal; exitCodes (exit.go) is the only table from
// errors to exit codes; Run hands the command line it was given to the
// commands that record it (import), never os.Args.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X .../cli.Version=...".
var Version = "dev"

// Main runs the command line and returns the process exit code.
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, &IOStreams{In: in, Out: out, ErrOut: errOut})
}

// Run is Main with an explicit context; tests call it directly.
func Run(ctx context.Context, args []string, streams *IOStreams) int {
	lf := &logFormat{}
	root := newRootCmdLog(streams, lf, args)
	argsAreUsage(root)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := exitCode(err)
	if err != nil {
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Err != nil {
			// The environment counts even when the command failed before
			// reading it (a flag or argument error).
			_ = lf.resolve()
			if l := lf.logger(streams.ErrOut); l != nil {
				// Cron jobs parsing JSON see the failure too.
				l.Error(err.Error(), "exit_code", code)
			} else {
				fmt.Fprintf(streams.ErrOut, "capsule-etl: %v\n", err)
			}
		}
	}
	return code
}

func newRootCmd(streams *IOStreams) *cobra.Command { return newRootCmdLog(streams, &logFormat{}, nil) }

// newRootCmdLog builds the command tree; lf receives --log-format and
// commandLine is the command line as given (recorded by import).
func newRootCmdLog(streams *IOStreams, lf *logFormat, commandLine []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "capsule-etl",
		Short: "Move data in bulk between files and Capsule CRM",
		Long: `capsule-etl moves data in bulk between CSV, XLSX, Parquet or JSON Lines files and
Capsule CRM, in both directions, driven by declarative YAML mappings.

Start with the built-in sandbox (no account needed):
  capsule-etl demo

Against a real account, run 'capsule-etl auth login' with a personal access
token (Capsule: My Preferences > API Authentication Tokens), or set CAPSULE_TOKEN.`,
		Example: `  capsule-etl preview contacts.csv
  capsule-etl init contacts.csv -o contacts.yaml
  capsule-etl validate --mapping contacts.yaml contacts.csv
  capsule-etl export --entity parties -o parties.xlsx`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				c.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor does not apply
				if s := c.SuggestionsFor(args[0]); len(s) > 0 {
					return usageError(fmt.Errorf("unknown command %q (did you mean %q?)\nRun 'capsule-etl --help' for the list of commands", args[0], s[0]))
				}
				return usageError(fmt.Errorf("unknown command %q\nRun 'capsule-etl --help' for the list of commands", args[0]))
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	root.PersistentFlags().Var(lf, "log-format", "import and export progress and summary on stderr: text (default), or json for one JSON object per line (env "+envLogFormat+")")
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError(fmt.Errorf("%w\nRun '%s --help' for usage", err, c.CommandPath()))
	})
	root.AddCommand(
		newVersionCmd(streams),
		newValidateCmd(streams, nil),
		newInitCmd(streams, nil),
		newAPICmd(streams, nil),
		newSandboxCmd(streams, nil),
		newImportCmd(streams, commandLine, nil),
		newPreviewCmd(streams, nil),
		newAuthCmd(streams),
		newRunsCmd(streams),
		newExportCmd(streams, nil),
		newDemoCmd(streams, nil),
		newHooksCmd(streams),
		newListenCmd(streams),
	)
	return root
}

func newVersionCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  capsule-etl version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(streams.Out, "capsule-etl", Version)
			return err
		},
	}
}
