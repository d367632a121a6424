package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// validateOptions are the inputs of `capsule-etl validate`.
type validateOptions struct {
	Mapping string
	Input   string
	Rows    int // rows of the input evaluated for a preview of row errors
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newValidateCmd(streams *IOStreams, runF func(context.Context, *validateOptions) error) *cobra.Command {
	opts := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate --mapping FILE [INPUT]",
		Short: "Check a mapping, and optionally that it fits an input file",
		Long: `Check a mapping and report every problem at once, each with the line and column
in the mapping, the path of the setting and a hint.

With INPUT, the columns the mapping names are checked against the file's header,
and the first rows are evaluated to preview rows that would be rejected.

Without --mapping, a .yaml or .yml argument is taken as the mapping.

Exit status: 0 when the mapping is valid (warnings are printed but do not fail),
2 when it is not.`,
		Example: `  capsule-etl validate --mapping contacts.yaml
  capsule-etl validate --mapping contacts.yaml contacts.csv
  capsule-etl validate --mapping deals.yaml deals.xlsx --rows 0`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if opts.Mapping == "" && isYAMLPath(a) {
					opts.Mapping = a
				} else if opts.Input == "" {
					opts.Input = a
				} else {
					return usageError(fmt.Errorf("one INPUT file at most (got %q and %q); the mapping goes after --mapping", opts.Input, a))
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runValidate(opts, streams)
		},
	}
	cmd.Flags().StringVar(&opts.Mapping, "mapping", "", "the mapping file (YAML)")
	cmd.Flags().IntVar(&opts.Rows, "rows", 1000, "rows of INPUT to evaluate for a preview of rejected rows (0 = all)")
	return cmd
}

func runValidate(opts *validateOptions, streams *IOStreams) error {
	if opts.Mapping == "" {
		return usageError(errors.New("--mapping FILE is required: capsule-etl validate --mapping MAPPING.yaml [INPUT]\nRun 'capsule-etl validate --help' for usage"))
	}
	if files.FormatOf(opts.Mapping) != "" && !isYAMLPath(opts.Mapping) {
		input := opts.Input
		if input == "" {
			input = opts.Mapping
		}
		return usageError(fmt.Errorf("%s is a data file, not a mapping: capsule-etl validate --mapping MAPPING.yaml %s (no mapping yet? capsule-etl init %s)", opts.Mapping, input, opts.Mapping))
	}
	src, err := os.ReadFile(opts.Mapping)
	if err != nil {
		return usageError(fmt.Errorf("reading the mapping: %w", err))
	}
	m, probs := mappings.Parse(src, opts.Mapping)
	var prog *mappings.Program
	// Compile even after structure problems, so one run also reports the
	// columns missing from the input; only a file that is not YAML stops here.
	if len(m.Records) > 0 {
		var h *formats.Header
		var recs []*formats.Record
		if opts.Input != "" {
			h, recs, err = readSample(opts.Input, m.Source, opts.Rows)
			if err != nil {
				return usageError(previewHint(fmt.Errorf("reading the input: %w", err)))
			}
		}
		var cp mappings.Problems
		prog, cp = mappings.Compile(m, h)
		probs = mappings.Merge(probs, cp)
		if prog != nil && !probs.HasErrors() && len(recs) > 0 {
			previewRows(streams, prog, recs)
		}
	}
	errs, warns := 0, 0
	for _, p := range probs {
		fmt.Fprintln(streams.Out, p.Error())
		if p.Severity == mappings.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	if errs > 0 {
		return usageError(errors.New(plural(errs, "problem") + " in " + opts.Mapping + "; fix them and run validate again"))
	}
	fmt.Fprintf(streams.Out, "%s is valid (%s, %s)\n", opts.Mapping, plural(len(m.Records), "record"), plural(warns, "warning"))
	return nil
}

// previewRows evaluates rows and prints the first row errors, so a user
// sees data problems before an import run.
func previewRows(streams *IOStreams, prog *mappings.Program, recs []*formats.Record) {
	const show = 10
	rejected, warned, shown := 0, 0, 0
	for _, r := range recs {
		ops, errs := prog.Eval(r)
		if len(errs) == 0 {
			// Values kept as written (a phone that does not fit its
			// region): the row is imported, with a warning.
			n := 0
			for _, op := range ops {
				for _, w := range op.Warnings {
					if shown < show {
						fmt.Fprintf(streams.Out, "%s: warning: %s (the row is imported with this warning)\n", r.Pos, w.Error())
						shown++
					}
					n++
				}
			}
			if n > 0 {
				warned++
			}
			continue
		}
		rejected++
		for _, e := range errs {
			if shown < show {
				fmt.Fprintf(streams.Out, "%s: warning: %s\n", r.Pos, e.Error())
				shown++
			}
		}
	}
	with := ""
	if warned > 0 {
		with = ", " + plural(warned, "row") + " imported with warnings"
	}
	fmt.Fprintf(streams.Out, "checked %s of the input: %s would be rejected%s\n", plural(len(recs), "row"), plural(rejected, "row"), with)
}

// isYAMLPath reports a file name that is a mapping by its extension.
func isYAMLPath(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
