package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/mappings"
)

// initOptions are the inputs of `capsule-etl init`.
type initOptions struct {
	Input  string
	Entity string
	Output string
	Force  bool
}

func newInitCmd(streams *IO) *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init INPUT [--entity person|organisation|opportunity|project|note|task] [--output FILE]",
		Short: "Print a draft mapping for an input file",
		Long: `Read an input file's header and first rows and print a draft mapping for it.
Column names of common exports (HubSpot, Salesforce, Pipedrive, Google Contacts,
Outlook) and of several languages are recognised; people are matched on email and
organisations on name. Review the draft, then check it with validate.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			return runInit(opts, streams)
		},
	}
	cmd.Flags().StringVar(&opts.Entity, "entity", "person", "main record: person, organisation, opportunity, project, note or task")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the draft to FILE instead of standard output")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite FILE if it exists")
	return cmd
}

func runInit(opts *initOptions, streams *IO) error {
	h, sample, err := readSample(opts.Input, mappings.SourceOptions{}, 50)
	if err != nil {
		return usageError(fmt.Errorf("reading the input: %w", err))
	}
	draft, err := mappings.Draft(h, sample, mappings.DraftOptions{Entity: opts.Entity, Source: filepath.Base(opts.Input)})
	if err != nil {
		return usageError(err)
	}
	if opts.Output == "" {
		_, err = streams.Out.Write(draft)
		return err
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
	return nil
}
