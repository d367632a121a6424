package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/samples"
)

// defaultDemoDir is where the demo writes unless --out says otherwise; it
// is in .gitignore.
const defaultDemoDir = "demo-out"

type demoOptions struct {
	Out  string // folder for the samples, plans, journals and exports
	Keep bool   // keep the sandbox serving after the demo, until Ctrl+C
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newDemoCmd(streams *IOStreams, runF func(context.Context, *demoOptions) error) *cobra.Command {
	opts := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo [--out DIR] [--keep]",
		Short: "Run the main job end to end on the built-in sandbox",
		Long: `Run the main job end to end without an account: start a Capsule sandbox inside
this process, preview and validate the sample files, dry-run and import them,
re-run an import to show that nothing is written twice, export everything back
to CSV, XLSX and Parquet, check that the export holds what was imported, and
move the account into a second sandbox (another account) from the CSV exports.

Everything is written to one folder (default ./` + defaultDemoDir + `): the samples and
their mappings, the import journals, plans and errors file, and the exports. A
folder that exists and was not made by the demo is refused, never overwritten.

With --keep the sandbox keeps serving after the demo, with the imported data,
so you can try other commands against it; stop it with Ctrl+C.`,
		Example: `  capsule-etl demo
  capsule-etl demo --out /tmp/capsule-demo --keep`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runDemo(c.Context(), opts, streams)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", defaultDemoDir, "folder for the samples, journals and exports")
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "keep the sandbox running after the demo (until Ctrl+C)")
	return cmd
}

// demo runs capsule-etl's own commands, as a user would type them, against
// an in-process sandbox.
type demo struct {
	ctx     context.Context // carries CAPSULE_BASE_URL and CAPSULE_TOKEN (withEnv)
	out     io.Writer
	dir     string // the demo folder
	samples string // dir/samples
	srv     *sandbox.Running
}

func runDemo(ctx context.Context, opts *demoOptions, streams *IOStreams) error {
	start := time.Now()
	dir := filepath.Clean(opts.Out)
	if err := prepareDemoDir(dir); err != nil {
		return usageError(err)
	}
	d := &demo{out: streams.Out, dir: dir, samples: filepath.Join(dir, "samples")}
	for _, sub := range demoOwned {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	if err := samples.WriteTo(d.samples); err != nil {
		return fmt.Errorf("copying the samples: %w", err)
	}
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.WithSeedFile(filepath.Join(d.samples, samples.SeedFile)))
	if err != nil {
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer srv.Close()
	d.srv = srv
	d.ctx = withEnv(ctx, map[string]string{envBaseURL: srv.URL, envToken: sandbox.DefaultToken})

	fmt.Fprintf(d.out, "capsule-etl demo: a Capsule sandbox is running in this process at %s\n", srv.URL)
	fmt.Fprintf(d.out, "Every step below is a capsule-etl command, run with CAPSULE_BASE_URL=%s\nand CAPSULE_TOKEN=%s. Files go to %s/.\n", srv.URL, sandbox.DefaultToken, dir)

	steps := []struct {
		title string
		run   func() error
	}{
		{"Look at the files", d.preview},
		{"Check the mappings against the files", d.validate},
		{"Dry run: what would be written (reads only)", d.dryRun},
		{"Import", d.importAll},
		{"Run an import again: nothing is written twice", d.rerun},
		{"Export everything back to CSV, XLSX and Parquet", d.export},
		{"Check the round trip", d.check},
		{"Import the export again: it is already there", d.reimport},
		{"Move the account into a second sandbox", d.move},
	}
	for i, s := range steps {
		fmt.Fprintf(d.out, "\n== %d. %s\n", i+1, s.title)
		if err := s.run(); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("demo step %d (%s): %w", i+1, strings.ToLower(s.title), err)
		}
	}
	fmt.Fprintf(d.out, "\nDemo finished in %s. Everything it wrote is in %s/.\n", time.Since(start).Round(100*time.Millisecond), dir)
	if !opts.Keep {
		return nil
	}
	fmt.Fprintf(d.out, "\nThe sandbox keeps running with the imported data (--keep). In another terminal:\n"+
		"  export CAPSULE_BASE_URL=%s\n  export CAPSULE_TOKEN=%s\nStop it with Ctrl+C.\n", srv.URL, sandbox.DefaultToken)
	<-ctx.Done()
	return nil
}

// run runs one capsule-etl command in-process and checks its exit code.
// It shows the command line and the command's output, indented; show, when
// set, picks the lines worth showing.
func (d *demo) run(want int, show func(string) bool, args ...string) (string, error) {
	fmt.Fprintf(d.out, "\n$ capsule-etl %s\n", strings.Join(quoteArgs(args), " "))
	var out, errOut bytes.Buffer
	code := Run(d.ctx, args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	text := out.String() + errOut.String()
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line != "" && (show == nil || show(line)) {
			fmt.Fprintf(d.out, "  %s\n", line)
		}
	}
	if code == ExitInterrupted && d.ctx.Err() != nil {
		return text, d.ctx.Err()
	}
	if code != want {
		return text, fmt.Errorf("capsule-etl %s exited with %d, expected %d", strings.Join(args, " "), code, want)
	}
	return out.String(), nil
}

// from shows the lines from the first one starting with prefix; until
// shows those before it. Errors (lines starting "capsule-etl:") always show.
func from(prefix string) func(string) bool {
	on := false
	return func(line string) bool {
		on = on || strings.HasPrefix(line, prefix)
		return on || strings.HasPrefix(line, "capsule-etl: ") && !strings.Contains(line, "ETA")
	}
}

func until(prefix string) func(string) bool {
	on := true
	return func(line string) bool {
		on = on && !strings.HasPrefix(line, prefix)
		return on || strings.HasPrefix(line, "capsule-etl: ")
	}
}

// quoteArgs quotes arguments with spaces so a shown command can be pasted.
func quoteArgs(args []string) []string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t'\"") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return q
}

func (d *demo) path(name string) string { return filepath.Join(d.samples, name) }

func (d *demo) preview() error {
	for _, s := range samples.All() {
		args := []string{"preview", d.path(s.Input), "--rows", "0"}
		if src, err := fs.ReadFile(samples.Files(), s.Mapping); err == nil {
			if m, _ := mappings.Parse(src, s.Mapping); m.Source.Sheet != "" {
				args = append(args, "--sheet", m.Source.Sheet)
			}
		}
		// The facts about the file, not the table of rows.
		facts := func(line string) bool { return !strings.HasPrefix(line, " ") && !isTableLine(line) }
		if _, err := d.run(ExitOK, facts, args...); err != nil {
			return err
		}
	}
	return nil
}

// isTableLine tells preview's row table (and its title) from the facts above it.
func isTableLine(line string) bool {
	return strings.HasPrefix(line, "row ") || strings.HasPrefix(line, "First ") || (len(line) > 0 && line[0] >= '0' && line[0] <= '9')
}

func (d *demo) validate() error {
	for _, s := range samples.All() {
		if _, err := d.run(ExitOK, nil, "validate", "--rows", "0", "--mapping", d.path(s.Mapping), d.path(s.Input)); err != nil {
			return err
		}
	}
	return nil
}

func (d *demo) dryRun() error {
	plans := filepath.Join(d.dir, "plans")
	for _, s := range samples.All() {
		want := ExitOK
		if s.Broken {
			want = ExitRejected
		}
		args := []string{"import", "--dry-run", "--mapping", d.path(s.Mapping), "--plan", filepath.Join(plans, s.Name+".plan.jsonl"), d.path(s.Input)}
		if _, err := d.run(want, until("summary"), args...); err != nil {
			return err
		}
	}
	if st := d.srv.Server.Stats(); st.Requests["POST"]+st.Requests["PUT"]+st.Requests["DELETE"] != 0 {
		return fmt.Errorf("the dry runs wrote to the sandbox: %v", st.Requests)
	}
	fmt.Fprintf(d.out, "\nThe dry runs sent %d reads and no writes; the plans are in %s/.\n"+
		"Each plan is made against the account as it is now (empty), so a company that is in several files\n"+
		"is a create in each plan; the imports below create it once and match it afterwards.\n", d.srv.Server.Stats().Requests["GET"], plans)
	return nil
}

func (d *demo) importAll() error {
	for _, s := range samples.All() {
		want := ExitOK
		if s.Broken {
			want = ExitRejected
		}
		if _, err := d.run(want, from("summary"), "import", "--mapping", d.path(s.Mapping), d.path(s.Input)); err != nil {
			return err
		}
		if s.Broken {
			fmt.Fprintf(d.out, "\nThe rejected rows of %s, with the reasons, are in %s: fix them there and\nimport that file with the same mapping to retry just those rows.\n",
				s.Input, filepath.Join(d.samples, strings.TrimSuffix(s.Input, filepath.Ext(s.Input))+".errors"+filepath.Ext(s.Input)))
		}
	}
	st := d.srv.Server.Stats()
	fmt.Fprintf(d.out, "\nThe sandbox now holds %d parties, %d opportunities, %d notes and %d tasks.\n",
		st.Records["parties"], st.Records["opportunities"], st.Records["entries"], st.Records["tasks"])
	return nil
}

func (d *demo) rerun() error {
	before := d.srv.Server.Stats()
	s, ok := sampleNamed("hubspot-contacts")
	if !ok {
		return errors.New("the hubspot-contacts sample is missing")
	}
	if _, err := d.run(ExitOK, from("summary"), "import", "--mapping", d.path(s.Mapping), d.path(s.Input)); err != nil {
		return err
	}
	after := d.srv.Server.Stats()
	writes := 0
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		writes += after.Requests[m] - before.Requests[m]
	}
	if writes != 0 {
		return fmt.Errorf("the second import of %s sent %d writes, want none", s.Input, writes)
	}
	fmt.Fprintf(d.out, "\nThe second run sent no writes: the journal knew every row.\n")
	return nil
}

// demoReimported are the exports imported back: every exported entity.
// Notes and tasks are matched on their exported ids too, and their links
// to parties and opportunities go by the exported ids (names may repeat).
var demoReimported = demoEntities

// reimport imports exported files without a mapping (the export's layout
// carries the Capsule ids): every record is found unchanged.
func (d *demo) reimport() error {
	before := d.srv.Server.Stats()
	for _, e := range demoReimported {
		path, _ := d.exportPath(e, ".csv")
		if _, err := d.run(ExitOK, from("summary"), "import", path); err != nil {
			return err
		}
	}
	after := d.srv.Server.Stats()
	writes := 0
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		writes += after.Requests[m] - before.Requests[m]
	}
	if writes != 0 {
		return fmt.Errorf("%w: importing the export back sent %d writes, want none", errStep, writes)
	}
	fmt.Fprintf(d.out, "\nThe exported files import back as they are, with no change to write.\n")
	return nil
}

// errStep is returned by checks that found the data wrong.
var errStep = errors.New("round-trip check failed")
