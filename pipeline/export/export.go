package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
)

// Options say what Export writes.
//
// Incremental runs (StatePath set): each entity resumes from its cursor in
// the state file (the highest updatedAt exported) minus Overlap; records
// already exported and unchanged since are dropped, so a run holds exactly
// what changed. The first run (no state file, or a new entity) exports
// everything. Entries have no since on the API: they are paged newest
// entryAt first and the paging stops at the first entry dated before the
// window, so an edit of an old note is not picked up by an incremental
// run (a full export has it). Tasks use the API's since.
//
// Deleted records (IncludeDeleted, always with StatePath) come from the
// deleted feeds of parties, opportunities and kases (Capsule keeps none for
// entries and tasks) and go to a companion file beside the output,
// DeletedPath(Output): columns Entity, ID, Deleted At, one row per deleted
// record, written (possibly with no rows) whenever deletions are reported.
// The first incremental run reads the feed only to set its cursor: records
// deleted before that run are never reported.
// Without a cursor or Since the feed is read from the Unix epoch. With
// Output "-" no companion is written; the summary still counts deletions.
//
// Files: records are spooled to a temporary file in TempDir that is
// unlinked as soon as it is created, then the output is written under a
// hidden temporary name beside it (".NAME.tmp-*", see formats.CreateAtomic),
// synced and renamed. A kill -9 while pages are read leaves nothing; only a
// kill -9 during the final write (after the last page) can leave that
// hidden ".NAME.tmp-*" file, never a partial file at the output path.
type Options struct {
	Entities  []string // layout.Parties, ...; several only for .xlsx (one sheet each)
	Output    string   // file path; "-" writes CSV to Stdout
	Overwrite bool     // replace existing output files
	Stdout    io.Writer
	// NoFormulaGuard writes CSV text starting with = + - @ as is, for
	// machine consumers (see formats.FormulaGuard; XLSX, Parquet and JSON
	// Lines are never guarded).
	NoFormulaGuard bool

	// Mapping, when set, decides the columns through its reverse
	// direction; Record names the mapping record to export ("" = first
	// person, else the richest). Entities is then ignored.
	Mapping *mappings.Program
	Record  string

	Since          time.Time     // only records changed after Since - Overlap
	StatePath      string        // incremental: the --state file
	Overlap        time.Duration // re-read window below the cursor (DefaultOverlap when 0 and StatePath or Since is set)
	IncludeDeleted bool

	TempDir  string                           // where the spool lives ("" = os.TempDir(); it is unlinked at once)
	Counter  *RequestCounter                  // counts requests for the summary (optional)
	Progress func(entity string, records int) // called as records arrive (optional)
	Now      func() time.Time
}

// DefaultOverlap is the re-read window of incremental exports: changes
// stamped a little before the cursor (clock skew, same-second writes) are
// still seen, and the state's Recent set keeps them from repeating.
const DefaultOverlap = 5 * time.Minute

// Summary is what a run did, for the summary line.
type Summary struct {
	Entities    []EntitySummary
	DeletedFile string   // "" when none was written
	Warnings    []string // with a mapping: parts of it the reverse direction leaves out
	Requests    int64
	Elapsed     time.Duration
}

// EntitySummary counts one entity's records.
type EntitySummary struct {
	Entity  string
	Written int
	Deleted int
}

// ErrOutputExists is returned (before any request) when an output file
// exists and Overwrite is false.
var ErrOutputExists = formats.ErrExists

// OptionError is returned (before any request) for options that cannot
// work: no output, unknown format or entity, several entities outside XLSX,
// a mapping without an exportable record. Commands report it as a usage error.
type OptionError struct{ Err error }

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// DeletedPath is the companion file of deleted records for output:
// "out/parties.csv" -> "out/parties.deleted.csv".
func DeletedPath(output string) string {
	ext := filepath.Ext(output)
	if strings.EqualFold(ext, ".gz") {
		inner := filepath.Ext(strings.TrimSuffix(output, ext))
		ext = inner + ext
	}
	return strings.TrimSuffix(output, ext) + ".deleted" + ext
}

type exporter struct {
	c     *capsule.Client
	opt   Options
	state *State
	start time.Time
}

// Export lists the chosen entities from Capsule (100 per page, with the
// embeds the layout needs, no request per record) and writes them to
// opt.Output in one go: the file appears complete or not at all. The state
// file is advanced only after every output is in place.
func Export(ctx context.Context, c *capsule.Client, opt Options) (*Summary, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Overlap == 0 && (opt.StatePath != "" || !opt.Since.IsZero()) {
		opt.Overlap = DefaultOverlap
	}
	if opt.Overlap < 0 {
		opt.Overlap = 0
	}
	x := &exporter{c: c, opt: opt, start: opt.Now()}
	requests0 := opt.Counter.Count()
	entities, exp, err := x.plan()
	if err != nil {
		return nil, &OptionError{Err: err}
	}
	if err := x.checkOutputs(); err != nil {
		return nil, err
	}
	if opt.StatePath != "" {
		if x.state, err = LoadState(opt.StatePath); err != nil {
			return nil, err
		}
	}
	var all []*fetched
	defer func() {
		for _, f := range all {
			if f.sp != nil {
				f.sp.close()
			}
		}
	}()
	for _, e := range entities {
		f, err := x.fetch(ctx, e)
		if f != nil {
			all = append(all, f)
		}
		if err != nil {
			return nil, err
		}
	}
	sum := &Summary{}
	if exp != nil {
		for _, w := range exp.Warnings {
			sum.Warnings = append(sum.Warnings, w.Error())
		}
	}
	if err := x.write(all, exp, sum); err != nil {
		return nil, err
	}
	if x.state != nil {
		for _, f := range all {
			cur := x.cursor(f.entity)
			cur.UpdatedAt, cur.Recent = f.win.advance()
			if f.delWin != nil {
				cur.DeletedAt, cur.RecentDeleted = f.delWin.advance()
			}
		}
		if err := x.state.Save(opt.StatePath); err != nil {
			return nil, err
		}
	}
	sum.Requests = opt.Counter.Count() - requests0
	sum.Elapsed = opt.Now().Sub(x.start)
	return sum, nil
}

// plan checks the options and returns the entities to list, and the
// mapping's export when one is used.
func (x *exporter) plan() ([]string, *mappingExport, error) {
	o := x.opt
	if o.Output == "" {
		return nil, nil, errors.New("no output file: give --output FILE (or - for CSV on stdout)")
	}
	format := files.FormatOf(o.Output)
	if format == "" {
		return nil, nil, fmt.Errorf("%s: %w: use .csv, .xlsx, .parquet or .jsonl", o.Output, files.ErrUnknownFormat)
	}
	if o.Mapping != nil {
		me, err := newMappingExport(o.Mapping, o.Record)
		if err != nil {
			return nil, nil, err
		}
		return []string{me.entity}, me, nil
	}
	if len(o.Entities) == 0 {
		return nil, nil, fmt.Errorf("no entity: choose from %s", strings.Join(layout.All, ", "))
	}
	var out []string
	for _, e := range o.Entities {
		if !slices.Contains(layout.All, e) {
			return nil, nil, fmt.Errorf("unknown entity %q: choose from %s", e, strings.Join(layout.All, ", "))
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if len(out) > 1 && format != "xlsx" {
		return nil, nil, fmt.Errorf("%d entities need an .xlsx output (one sheet each), or export them one per file", len(out))
	}
	// Relationship order, so an import of the files in this order links.
	slices.SortFunc(out, func(a, b string) int { return slices.Index(layout.All, a) - slices.Index(layout.All, b) })
	return out, nil, nil
}

func (x *exporter) reportDeleted() bool { return x.opt.IncludeDeleted || x.opt.StatePath != "" }

// checkOutputs refuses existing outputs before any request is sent.
func (x *exporter) checkOutputs() error {
	if x.opt.Overwrite || x.opt.Output == "-" {
		return nil
	}
	paths := []string{x.opt.Output}
	if x.reportDeleted() {
		paths = append(paths, DeletedPath(x.opt.Output))
	}
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s: %w", p, ErrOutputExists)
		}
	}
	return nil
}

func (x *exporter) cursor(entity string) *Cursor {
	if x.state == nil {
		return &Cursor{}
	}
	c := x.state.Entities[entity]
	if c == nil {
		c = &Cursor{}
		x.state.Entities[entity] = c
	}
	return c
}

func (x *exporter) progress(entity string, n int) {
	if x.opt.Progress != nil {
		x.opt.Progress(entity, n)
	}
}
