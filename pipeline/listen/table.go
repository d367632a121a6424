package listen

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
)

// sink is where changes go: the JSON Lines output or a table output.
type sink interface {
	Write(cs []Change) (int, error)
	Close() error
}

// ChangeColumns start every CSV and Parquet row; the entity's export
// columns (pipeline/export/layout) follow, less their ID (the id column).
var ChangeColumns = []string{"event", "entity", "id", "updatedAt", "deletedAt", "receivedAt"}

// CSVCounts are the numbered list columns of an appended parties CSV: its
// header is written once, so they cannot grow with the data. A party with
// more items is logged (the first ones are written).
var CSVCounts = layout.Counts{Emails: 3, Phones: 3, Addresses: 2, Websites: 3}

// EntityPath is the file of one entity for a table output: the entity is
// inserted before the extension (changes.csv -> changes.parties.csv).
func EntityPath(output, entity string) string {
	ext := filepath.Ext(output)
	return strings.TrimSuffix(output, ext) + "." + entity + ext
}

// PartPath is the n-th Parquet part of one entity
// (changes.parquet -> changes.parties.000001.parquet).
func PartPath(output, entity string, n int) string {
	ext := filepath.Ext(output)
	return fmt.Sprintf("%s.%s.%06d%s", strings.TrimSuffix(output, ext), entity, n, ext)
}

// tableOutput writes changes as rows, one file (CSV) or series of part
// files (Parquet) per entity. The keys of written changes live in the
// listener's journal, with the durable length of each CSV file, so a
// restart knows what was written and cuts a torn last row; Parquet changes
// wait in the journal until their part is written.
type tableOutput struct {
	output  string
	parquet bool
	st      *store
	log     *slog.Logger
	fields  map[string][]layout.Field
	pipes   map[int64]string
	rollN   int
	rollDur time.Duration
	now     func() time.Time

	mu    sync.Mutex
	seen  map[string]struct{}
	csvs  map[string]*csvFile
	first map[string]time.Time // parquet: oldest pending change per entity
	count map[string]int       // parquet: pending changes per entity
	stop  chan struct{}
	done  chan struct{}
}

type csvFile struct {
	path   string
	f      *os.File
	lay    *layout.Layout
	header []string
	size   int64
}

func isTableOutput(path string) bool {
	switch files.FormatOf(path) {
	case "csv", "parquet":
		return !strings.HasSuffix(strings.ToLower(path), ".gz") && !strings.HasSuffix(strings.ToLower(path), ".tsv")
	}
	return false
}

func openTable(ctx context.Context, cfg *Config, st *store) (*tableOutput, error) {
	t := &tableOutput{output: cfg.Output, parquet: files.FormatOf(cfg.Output) == "parquet", st: st, log: cfg.Logger,
		fields: map[string][]layout.Field{}, rollN: cfg.RollCount, rollDur: cfg.RollInterval, now: cfg.Now,
		seen: map[string]struct{}{}, csvs: map[string]*csvFile{}, first: map[string]time.Time{}, count: map[string]int{},
		stop: make(chan struct{}), done: make(chan struct{})}
	if t.parquet && t.rollN <= 0 && t.rollDur <= 0 {
		t.rollDur = DefaultRollEvery
	}
	if err := st.initTables(ctx); err != nil {
		return nil, fmt.Errorf("journal %s: %w", cfg.Journal, err)
	}
	keys, err := st.seenKeys(ctx, t.output)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", cfg.Journal, err)
	}
	for _, k := range keys {
		t.seen[k] = struct{}{}
	}
	// The account's custom fields and pipelines give the export columns.
	c := cfg.Client
	for _, e := range []capsule.Entity{capsule.EntityParties, capsule.EntityOpportunities, capsule.EntityKases} {
		for d, err := range c.Fields.ListAll(ctx, e, &capsule.ListOptions{PerPage: capsule.MaxPerPage}) {
			if err != nil {
				return nil, fmt.Errorf("listing %s custom fields (for the columns of %s): %w", e, cfg.Output, err)
			}
			if n := d.Name.Value(); n != "" {
				t.fields[string(e)] = append(t.fields[string(e)], layout.Field{Name: n, Type: d.Type.Value()})
			}
		}
	}
	t.pipes = map[int64]string{}
	for p, err := range c.Pipelines.ListAll(ctx, &capsule.ListOptions{PerPage: capsule.MaxPerPage}) {
		if err != nil {
			return nil, fmt.Errorf("listing pipelines (for the columns of %s): %w", cfg.Output, err)
		}
		for m, err := range c.Milestones.ListAllForPipeline(ctx, p.ID) {
			if err != nil {
				return nil, fmt.Errorf("listing milestones of pipeline %q: %w", p.Name.Value(), err)
			}
			t.pipes[m.ID] = p.Name.Value()
		}
	}
	if t.parquet {
		pend, err := st.pendingCounts(ctx, t.output)
		if err != nil {
			return nil, fmt.Errorf("journal %s: %w", cfg.Journal, err)
		}
		for e, n := range pend {
			t.count[e] = n
			t.first[e] = t.now()
		}
		go t.roller()
	} else {
		close(t.done)
	}
	return t, nil
}

// Write keeps the changes not yet written: CSV rows appended and fsynced,
// Parquet changes committed to the journal. It returns how many were new.
func (t *tableOutput) Write(cs []Change) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	byEntity := map[string][]Change{}
	var order []string
	var keys []string
	fresh := map[string]struct{}{}
	for _, c := range cs {
		k := c.Key()
		if _, dup := t.seen[k]; dup {
			continue
		}
		if _, dup := fresh[k]; dup {
			continue
		}
		fresh[k] = struct{}{}
		keys = append(keys, k)
		if _, ok := byEntity[c.Entity]; !ok {
			order = append(order, c.Entity)
		}
		byEntity[c.Entity] = append(byEntity[c.Entity], c)
	}
	if len(keys) == 0 {
		return 0, nil
	}
	ctx := context.Background()
	if t.parquet {
		if err := t.st.addPending(ctx, t.output, keys, byEntity); err != nil {
			return 0, fmt.Errorf("journal: keeping changes for %s: %w", t.output, err)
		}
		for _, e := range order {
			if t.count[e] == 0 {
				t.first[e] = t.now()
			}
			t.count[e] += len(byEntity[e])
		}
		for _, e := range order {
			if t.rollN > 0 && t.count[e] >= t.rollN {
				if err := t.writePart(ctx, e); err != nil {
					// The changes are durable in the journal: the part is
					// tried again at the next roll.
					t.log.Error("parquet part not written; retrying at the next roll", "entity", e, "error", err)
				}
			}
		}
	} else {
		for _, e := range order {
			if err := t.appendCSV(ctx, e, byEntity[e]); err != nil {
				// Entities appended before stay appended and their keys
				// recorded: the retried delivery writes only the rest.
				return 0, err
			}
		}
	}
	for _, k := range keys {
		t.seen[k] = struct{}{}
	}
	return len(keys), nil
}

// rows turns changes into the cells of one entity's layout.
func (t *tableOutput) rows(lay *layout.Layout, cs []Change, each func([]formats.Value) error) error {
	var cells []formats.Value
	for i := range cs {
		c := &cs[i]
		rec, err := decodeRecord(c.Entity, c.Record)
		if err != nil {
			return fmt.Errorf("change %s %d: the record does not decode as %s: %w", c.Event, c.ID, c.Entity, err)
		}
		if p, ok := rec.(*capsule.Party); ok && !t.parquet {
			if n := layout.CountsOf(p); n.Max(lay.Counts) != lay.Counts {
				t.log.Warn("party has more e-mails, phones, addresses or websites than the file has columns; the first ones are written (the .jsonl or .parquet output keeps them all)",
					"file", EntityPath(t.output, c.Entity), "id", c.ID)
			}
		}
		row := make([]formats.Value, 0, len(ChangeColumns)+len(lay.Header()))
		row = append(row, formats.StringValue(c.Event), formats.StringValue(c.Entity), formats.IntValue(c.ID),
			text(c.UpdatedAt), text(c.DeletedAt), text(c.ReceivedAt))
		if cells, err = lay.Row(rec, cells); err != nil {
			return fmt.Errorf("change %s %d: %w", c.Event, c.ID, err)
		}
		if err := each(append(row, exportColumns(lay, cells)...)); err != nil {
			return err
		}
	}
	return nil
}

func text(s string) formats.Value {
	if s == "" {
		return formats.NullValue()
	}
	return formats.StringValue(s)
}

func decodeRecord(entity string, raw json.RawMessage) (any, error) {
	var v any
	switch entity {
	case layout.Parties:
		v = new(capsule.Party)
	case layout.Opportunities:
		v = new(capsule.Opportunity)
	case layout.Kases:
		v = new(capsule.Kase)
	case layout.Tasks:
		v = new(capsule.Task)
	case layout.Entries:
		v = new(capsule.Entry)
	default:
		return nil, fmt.Errorf("no export layout for entity %q", entity)
	}
	return v, json.Unmarshal(raw, v)
}

// newLayout is an entity's export layout for this account.
func (t *tableOutput) newLayout(entity string, counts layout.Counts) (*layout.Layout, error) {
	return layout.New(entity, counts, t.fields[entity], t.pipes)
}

// exportColumns are the layout's columns less its ID, which the id column
// already holds (readers match names ignoring case, so both would clash;
// an import finds the id column as the layout's ID).
func exportColumns[T any](lay *layout.Layout, all []T) []T {
	i := slices.Index(lay.Header(), "ID")
	if i < 0 {
		return all
	}
	return slices.Delete(slices.Clone(all), i, i+1)
}

func fullHeader(lay *layout.Layout) []string {
	return append(slices.Clone(ChangeColumns), exportColumns(lay, lay.Header())...)
}

func fullKinds(lay *layout.Layout) []formats.Kind {
	ks := []formats.Kind{formats.String, formats.String, formats.Int, formats.String, formats.String, formats.String}
	return append(ks, exportColumns(lay, lay.Kinds())...)
}

// encodeCSV gives the CSV text of rows (without the header) through the
// CSV writer of formats/files, so quoting and the formula guard are the
// ones `export` writes.
func encodeCSV(header []string, write func(formats.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	w, err := files.Create("-", header, files.WriteOptions{Stdout: &buf})
	if err != nil {
		return nil, err
	}
	if err := write(w); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	hdr, err := headerCSV(header)
	if err != nil {
		return nil, err
	}
	return buf.Bytes()[len(hdr):], nil
}

func headerCSV(header []string) ([]byte, error) {
	var buf bytes.Buffer
	w, err := files.Create("-", header, files.WriteOptions{Stdout: &buf})
	if err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// appendCSV appends the rows of one entity, fsyncs, and records the keys
// and the new length in the journal in one transaction.
func (t *tableOutput) appendCSV(ctx context.Context, entity string, cs []Change) error {
	cf, err := t.csvFile(ctx, entity)
	if err != nil {
		return err
	}
	b, err := encodeCSV(cf.header, func(w formats.Writer) error {
		return t.rows(cf.lay, cs, w.Write)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", cf.path, err)
	}
	keys := make([]string, len(cs))
	for i := range cs {
		keys[i] = cs[i].Key()
	}
	undo := func() {
		_ = cf.f.Truncate(cf.size)
		_, _ = cf.f.Seek(cf.size, io.SeekStart)
	}
	if _, err := cf.f.Write(b); err != nil {
		undo()
		return fmt.Errorf("writing %s: %w", cf.path, err)
	}
	if err := cf.f.Sync(); err != nil {
		undo()
		return fmt.Errorf("syncing %s: %w", cf.path, err)
	}
	size := cf.size + int64(len(b))
	if err := t.st.addWritten(ctx, t.output, keys, cf.path, size); err != nil {
		undo()
		return fmt.Errorf("journal: recording rows of %s: %w", cf.path, err)
	}
	cf.size = size
	return nil
}

// csvFile opens an entity's CSV once: a new file gets its header; an
// existing one is cut to the length the journal knows is complete (or,
// without a journal entry, to its last complete row) and keeps its header.
func (t *tableOutput) csvFile(ctx context.Context, entity string) (*csvFile, error) {
	if cf, ok := t.csvs[entity]; ok {
		return cf, nil
	}
	path := EntityPath(t.output, entity)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--output: %w", err)
	}
	cf, err := t.recoverCSV(ctx, entity, path, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	t.csvs[entity] = cf
	return cf, nil
}

func (t *tableOutput) recoverCSV(ctx context.Context, entity, path string, f *os.File) (*csvFile, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	known, haveKnown, err := t.st.size(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	cf := &csvFile{path: path, f: f}
	var good int64
	var header []string
	if fi.Size() > 0 {
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		rec, err := r.Read()
		if err != nil {
			if fi.Size() < 64<<10 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
				rec = nil // a header torn by a crash: written again
			} else {
				return nil, fmt.Errorf("--output %s: the first line is not a CSV header (%v): write to a new file, or move this one away", path, err)
			}
		}
		if rec != nil && r.InputOffset() <= fi.Size() && endsLine(f, r.InputOffset()) {
			header = slices.Clone(rec)
			good = r.InputOffset()
			if haveKnown {
				if known > fi.Size() {
					return nil, fmt.Errorf("--output %s is shorter (%d bytes) than the journal wrote (%d): it was cut or replaced; move it away, or give a new --journal", path, fi.Size(), known)
				}
				good = known
			} else {
				// No journal entry: keep every complete row.
				for {
					if _, err := r.Read(); err != nil {
						break
					}
					if endsLine(f, r.InputOffset()) {
						good = r.InputOffset()
					}
				}
			}
		}
	}
	if header != nil {
		counts := layout.Counts{}
		for counts.Emails = 0; slices.Contains(header, "Email "+strconv.Itoa(counts.Emails+1)); counts.Emails++ {
		}
		for counts.Phones = 0; slices.Contains(header, "Phone "+strconv.Itoa(counts.Phones+1)); counts.Phones++ {
		}
		for counts.Addresses = 0; slices.Contains(header, "Address "+strconv.Itoa(counts.Addresses+1)+" Street"); counts.Addresses++ {
		}
		for counts.Websites = 0; slices.Contains(header, "Website "+strconv.Itoa(counts.Websites+1)); counts.Websites++ {
		}
		var fields []layout.Field
		defs := map[string]string{}
		for _, fd := range t.fields[entity] {
			defs[fd.Name] = fd.Type
		}
		for _, h := range header {
			if n, ok := strings.CutPrefix(h, layout.FieldPrefix); ok {
				typ := defs[n]
				if typ == "" {
					typ = "text"
				}
				fields = append(fields, layout.Field{Name: n, Type: typ})
			}
		}
		lay, err := layout.New(entity, counts, fields, t.pipes)
		if err != nil {
			return nil, err
		}
		if want := fullHeader(lay); !slices.Equal(want, header) {
			return nil, fmt.Errorf("--output %s: its header is not the one listen writes for %s (first columns %s): write to a new file, or move this one away",
				path, entity, strings.Join(ChangeColumns, ","))
		}
		for _, fd := range t.fields[entity] {
			if !slices.Contains(fields, fd) && !slices.ContainsFunc(fields, func(x layout.Field) bool { return x.Name == fd.Name }) {
				t.log.Warn("custom field defined after the file was started has no column; start a new file to get it (the .jsonl output keeps every field)", "file", path, "field", fd.Name)
			}
		}
		cf.lay, cf.header = lay, header
		if err := f.Truncate(good); err != nil {
			return nil, fmt.Errorf("--output %s: %w", path, err)
		}
		cf.size = good
	} else {
		lay, err := t.newLayout(entity, CSVCounts)
		if err != nil {
			return nil, err
		}
		cf.lay, cf.header = lay, fullHeader(lay)
		hdr, err := headerCSV(cf.header)
		if err != nil {
			return nil, err
		}
		if err := f.Truncate(0); err != nil {
			return nil, err
		}
		if _, err := f.WriteAt(hdr, 0); err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			return nil, fmt.Errorf("syncing %s: %w", path, err)
		}
		cf.size = int64(len(hdr))
		if err := t.st.setSize(ctx, path, cf.size); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
	}
	if _, err := f.Seek(cf.size, io.SeekStart); err != nil {
		return nil, err
	}
	return cf, nil
}

// endsLine reports whether the byte before off is a newline (a row the
// writer finished).
func endsLine(f *os.File, off int64) bool {
	if off <= 0 {
		return false
	}
	var b [1]byte
	_, err := f.ReadAt(b[:], off-1)
	return err == nil && b[0] == '\n'
}

// roller writes Parquet parts whose oldest change is --roll-every old.
func (t *tableOutput) roller() {
	defer close(t.done)
	if t.rollDur <= 0 {
		<-t.stop
		return
	}
	tick := time.NewTicker(min(t.rollDur, time.Second))
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			t.mu.Lock()
			for e, n := range t.count {
				if n > 0 && t.now().Sub(t.first[e]) >= t.rollDur {
					if err := t.writePart(context.Background(), e); err != nil {
						t.log.Error("parquet part not written; retrying", "entity", e, "error", err)
					}
				}
			}
			t.mu.Unlock()
		}
	}
}

// writePart writes an entity's pending changes as its next part file
// (temporary name, fsync, rename), then drops them from the journal with
// the part number moved on, in one transaction. A crash between the two
// writes the same part again under the same name.
func (t *tableOutput) writePart(ctx context.Context, entity string) error {
	seqs, cs, err := t.st.pending(ctx, t.output, entity)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if len(cs) == 0 {
		t.count[entity] = 0
		return nil
	}
	var counts layout.Counts
	if entity == layout.Parties {
		for i := range cs {
			if rec, err := decodeRecord(entity, cs[i].Record); err == nil {
				counts = counts.Max(layout.CountsOf(rec.(*capsule.Party)))
			}
		}
	}
	lay, err := t.newLayout(entity, counts)
	if err != nil {
		return err
	}
	n, err := t.st.part(ctx, t.output, entity)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	path := PartPath(t.output, entity, n)
	w, err := files.Create(path, fullHeader(lay), files.WriteOptions{Overwrite: true, ColumnTypes: fullKinds(lay)})
	if err != nil {
		return err
	}
	if err := t.rows(lay, cs, w.Write); err != nil {
		if a, ok := w.(formats.Aborter); ok {
			a.Abort()
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := t.st.partDone(ctx, t.output, entity, seqs[len(seqs)-1], n+1); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	t.count[entity] = 0
	t.log.Info("parquet part written", "file", path, "changes", len(cs))
	return nil
}

// Close writes the last Parquet parts and closes the CSV files.
func (t *tableOutput) Close() error {
	close(t.stop)
	<-t.done
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	for e, n := range t.count {
		if n > 0 {
			if err := t.writePart(context.Background(), e); err != nil {
				errs = append(errs, err) // kept in the journal for the next start
			}
		}
	}
	for _, cf := range t.csvs {
		errs = append(errs, cf.f.Close())
	}
	return errors.Join(errs...)
}
