package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// DefaultJournalPath is <input>.capsule-etl.db, except for an errors file
// (<name>.errors.<ext>) beside the journal of its original input
// (<name>.<ext>.capsule-etl.db): the fixed rows are imported with the
// memory of the run that rejected them.
func DefaultJournalPath(input string) string {
	dir, base := filepath.Split(input)
	if strings.Contains(base, ".errors.") {
		orig := filepath.Join(dir, strings.Replace(base, ".errors.", ".", 1)) + journalSuffix
		if _, err := os.Stat(orig); err == nil {
			return orig
		}
	}
	return input + journalSuffix
}

const journalSuffix = ".capsule-etl.db"

// Import reads, plans and (unless a dry run) writes the inputs. Every
// input row ends with an outcome per record of the mapping. Errors:
// *InputError and *PreflightError (nothing sent; exit 2),
// *journal.UnfinishedRunError (exit 2, with the way out), *IncompleteError
// (writes in doubt or not sent: run again), ctx.Err() when interrupted
// (journal synced; run again to resume). Rows refused are in the Result
// (RejectedRows, ErrorsFile), not an error.
func Import(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SettleDelay == 0 {
		cfg.SettleDelay = DefaultSettleDelay
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Offline {
		cfg.DryRun = true
	}
	start := cfg.Now()
	if len(cfg.Inputs) == 0 {
		return nil, &InputError{Problems: []string{"no input file given"}}
	}
	if !cfg.Offline && cfg.Client == nil {
		return nil, errors.New("pipeline: Config.Client is nil (use Offline for a plan without an account)")
	}
	// 1. Read and evaluate everything before any request.
	ins, err := compileAll(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	var rows [][]rowOps
	nrows := 0
	need := newNeeds()
	for _, in := range ins {
		rs, err := readInput(ctx, in)
		if err != nil {
			return nil, err
		}
		rows = append(rows, rs)
		nrows += len(rs)
		if !cfg.Offline {
			for i := range rs {
				for j := range rs[i].ops {
					need.note(&rs[i].ops[j], in, rs[i].row)
				}
			}
		}
	}
	res := &Result{DryRun: cfg.DryRun, Rows: nrows}
	ix := newIndex()
	pl := newPlanner(ix, nil, cfg.Offline)
	var (
		a   *api
		j   *journal.Journal
		run *journal.Run
		rc  *reconciler
		ir  *indexer
		// fieldDefs counts the custom field definitions preflight
		// creates (or, in a dry run, would create).
		fieldDefs int
		// memFailed reports a failed read of the source key memory.
		memFailed = func() error { return nil }
		// rp counts the reads of the real run, for the plan summary.
		rp = readPlan{done: !cfg.DryRun}
	)
	if !cfg.Offline {
		a = &api{c: cfg.Client}
		// Declare the reads ahead (preflight and index pages) so the pacer
		// does not spread them over the hour; the writes are declared once
		// planned.
		cfg.Client.Pacer().SetPending(200)
		defer func() { res.Requests = a.requests.Load() }()
		// 2. Preflight: the account against the mapping, all at once.
		rd, created, err := preflight(ctx, a, need, cfg.CreateFields, cfg.DryRun)
		if err != nil {
			return nil, err
		}
		if len(created) > 0 && (cfg.Progress != nil || cfg.Log != nil) {
			verb := "created"
			if cfg.DryRun {
				verb = "to be created"
			}
			if cfg.Log != nil {
				cfg.Log.Info("custom fields "+verb, "fields", created)
			} else {
				fmt.Fprintf(cfg.Progress, "capsule-etl: custom fields %s: %s\n", verb, strings.Join(created, ", "))
			}
		}
		pl.rd = rd
		rp.reads = int(a.requests.Load())
		fieldDefs = len(created)
		acct := cfg.Account
		if acct.UserID == "" {
			acct.UserID = rd.userID
		}
		jpath := cfg.JournalPath
		if jpath == "" {
			jpath = DefaultJournalPath(cfg.Inputs[0])
		}
		j, err = journal.Open(ctx, jpath, cfg.JournalOptions...)
		if err != nil {
			return nil, err
		}
		defer j.Close()
		res.JournalFile = j.Path()
		mem, err := j.Memory(ctx, acct)
		if err != nil {
			return nil, err
		}
		imem, closeIndex, err := openIndex(ctx, &cfg, j, acct)
		if err != nil {
			return nil, err
		}
		defer closeIndex()
		ir = &indexer{api: a, mem: imem, overlap: 2 * time.Second}
		rc = &reconciler{api: a, ir: ir}
		if !cfg.DryRun {
			if run, err = beginRun(ctx, j, &cfg, acct); err != nil {
				return nil, err
			}
			res.RunID = run.ID
			defer func() {
				// Reads count against the same budget: record them for `runs show`.
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_ = run.AddRequests(rctx, int(a.reads.Load()))
			}()
			// In-doubt writes of an interrupted attempt are settled before
			// anything else, so nothing is sent twice.
			doubt, err := run.InDoubt(ctx)
			if err != nil {
				return nil, err
			}
			unresolved, err := rc.settleOps(ctx, run, doubt)
			if err != nil {
				return nil, fmt.Errorf("checking %d writes in doubt: %w", len(doubt), err)
			}
			if len(unresolved) > 0 {
				return nil, &IncompleteError{InDoubt: len(unresolved),
					Cause: fmt.Errorf("cannot tell whether these writes were stored, several records could be them: %s",
						strings.Join(unresolved, "; ")),
					Hint: "check them in Capsule (delete duplicates), then run with --abandon: a fresh run matches existing records by their keys"}
			}
		}
		// 3. Existing records: the index refreshed with since and loaded
		// into memory, or a search per key when that costs less.
		lk := lookups{}
		if cfg.MatchBy != MatchByIndex {
			remember, _, failed := rememberer(ctx, mem)
			for i := range rows {
				for _, r := range rows[i] {
					for k := range r.ops {
						key := r.ops[k].SourceKey
						if key == "" {
							key = r.srcKey
						}
						lk.note(&r.ops[k], key, remember)
					}
				}
			}
			if err := failed(); err != nil {
				return nil, fmt.Errorf("reading what earlier runs wrote from the journal %s: %w (nothing was sent; run again)", j.Path(), err)
			}
		}
		for _, p := range sortedKeys(need.indexes) {
			before := int(a.requests.Load())
			ch, err := chooseMatch(ctx, a, imem, cfg.MatchBy, p, lk[p], rd)
			if err != nil {
				return nil, err
			}
			res.Matching = append(res.Matching, ch.String())
			if cfg.Log != nil {
				cfg.Log.Info(ch.String())
			} else if cfg.Progress != nil {
				fmt.Fprintln(cfg.Progress, "capsule-etl: "+ch.String())
			}
			if ch.search {
				if err := search(ctx, a, p, lk[p], rd, ix); err != nil {
					return nil, err
				}
				// The cached index was not refreshed: the records this
				// run writes enter it, but its cursor stays.
				if ir.busy == nil {
					ir.busy = map[string]bool{}
				}
				ir.busy[p] = true
				rp.reads += int(a.requests.Load()) - before
				continue
			}
			if err := ir.refresh(ctx, p); err != nil {
				return nil, fmt.Errorf("indexing %s: %w", p, err)
			}
			if err := ir.load(ctx, p, ix); err != nil {
				return nil, err
			}
			rp.reads += nextReads(&cfg, ch, int(a.requests.Load())-before, lk[p], rd)
		}
		for _, p := range sortedKeys(need.ids) {
			before := int(a.requests.Load())
			if err := loadByID(ctx, a, p, need.ids[p], ix); err != nil {
				return nil, fmt.Errorf("indexing %s: %w", p, err)
			}
			rp.reads += int(a.requests.Load()) - before
		}
		pl.remembered, pl.owner, memFailed = rememberer(ctx, mem)
	}
	// 4. Plan, row by row in input order; the plan file is written while
	// planning goes on (a planned line never changes afterwards).
	var planCh chan []*planOp
	planErr := make(chan error, 1)
	if cfg.Plan != nil {
		planCh = make(chan []*planOp, 8)
		go func() { planErr <- writePlanStream(cfg.Plan, planCh) }()
	}
	sent := 0
	for i := range rows {
		for k := range rows[i] {
			pl.planRow(&rows[i][k])
			if planCh != nil && len(pl.ops)-sent >= 1024 {
				planCh <- pl.ops[sent:len(pl.ops):len(pl.ops)]
				sent = len(pl.ops)
			}
		}
		rows[i] = nil // the evaluated bodies now live in the plan
	}
	ops := pl.ops
	if planCh != nil {
		planCh <- ops[sent:]
		close(planCh)
		if err := <-planErr; err != nil {
			return nil, err
		}
	}
	if err := memFailed(); err != nil {
		// A row planned without its memory could be created a second time.
		return nil, fmt.Errorf("reading what earlier runs wrote from the journal %s: %w (nothing was sent; run again)", j.Path(), err)
	}
	if run != nil {
		if err := record(ctx, run, ops); err != nil {
			return nil, err
		}
	}
	if cfg.Log != nil || cfg.PlanSummary != nil {
		pacer, err := planPacer(a, cfg.Reserve)
		if err != nil {
			return nil, err
		}
		if cfg.Log != nil {
			logPlanSummary(cfg.Log, ops, fieldDefs, pacer, rp)
		} else {
			writePlanSummary(cfg.PlanSummary, ops, fieldDefs, pacer, rp)
		}
	}
	var werr error
	if cfg.MaxErrors > 0 && !cfg.DryRun {
		if n := len(rejectedRowSet(ops)); n > cfg.MaxErrors {
			// Too many bad rows: write nothing, report them all.
			werr = fmt.Errorf("%w: %d rows rejected before writing, more than --max-errors %d; "+
				"nothing was written: fix the rows in the errors file and run again", errTooManyErrors, n, cfg.MaxErrors)
			if run != nil && !run.Resumed {
				// Nothing of this run was sent: do not let it block the
				// corrected input as an unfinished run.
				if err := j.AbandonRun(ctx, run.ID); err != nil {
					return nil, err
				}
			}
		}
	}
	if run != nil && werr == nil {
		// 6. Write.
		w := &writer{api: a, run: run, batch: run.NewBatch(64), rec: rc, workers: cfg.Workers, maxErrors: cfg.MaxErrors, settleDelay: cfg.SettleDelay}
		w.countRows(ops, pl.rows)
		pr := &progress{w: cfg.Progress, log: cfg.Log, terminal: cfg.Terminal, every: cfg.ProgressEvery, now: cfg.Now, wr: w, total: w.pending(ops), rows: pl.rows}
		pr.eta = estimateWait(pr.total, a.c.Pacer())
		stop := pr.run(ctx)
		werr = w.writeAll(ctx, ops)
		stop()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		if err := w.batch.Flush(fctx); err != nil && werr == nil {
			werr = err
		}
		// The records written enter the cached index; the cursor moves past
		// them only when nothing was in doubt.
		if err := ir.absorb(fctx, w.written, werr == nil && !w.doubted.Load()); err != nil && werr == nil {
			werr = err
		}
		cancel()
	}
	if cfg.DryRun && !cfg.Offline {
		_, _, writes := planCounts(ops)
		res.EstimatedRequests = writes + rp.reads
	}
	res.Entities, res.Total = tally(ops, cfg.DryRun)
	res.Warnings, res.WarnedRows = collectWarnings(ops)
	res.Rejections = groupRejections(ops)
	res.Elapsed = cfg.Now().Sub(start)
	// 7. Errors file.
	if !cfg.DryRun || cfg.ErrorsPath != "" {
		if err := writeErrorFiles(&cfg, ins, ops, res, werr == nil && !cfg.DryRun); err != nil && werr == nil {
			werr = err
		}
	}
	if werr != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if errors.Is(werr, errTooManyErrors) {
			return res, werr
		}
		return res, &IncompleteError{InDoubt: res.Total.InDoubt, Pending: res.Total.Pending, Cause: werr}
	}
	if run != nil {
		if res.Total.InDoubt+res.Total.Pending > 0 {
			return res, &IncompleteError{InDoubt: res.Total.InDoubt, Pending: res.Total.Pending}
		}
		if err := run.Finish(ctx); err != nil {
			return res, err
		}
	}
	return res, nil
}

// rememberer returns the planner's source key lookup and a function that
// reports the first journal error it met. The lookup answers "" after an
// error, so the caller must check failed before acting on the plan.
func rememberer(ctx context.Context, mem *journal.Memory) (lookup func(label, key string) string, owner func(label, id string) string, failed func() error) {
	var first error
	lookup = func(label, key string) string {
		if first != nil {
			return ""
		}
		id, ok, err := mem.Lookup(ctx, label, key)
		if err != nil {
			first = err
			return ""
		}
		if !ok {
			return ""
		}
		return id
	}
	owners := map[string]map[string]string{} // label -> Capsule id -> source key, read once per label
	owner = func(label, id string) string {
		if first != nil {
			return ""
		}
		m, ok := owners[label]
		if !ok {
			var err error
			if m, err = mem.Owners(ctx, label); err != nil {
				first = err
				return ""
			}
			owners[label] = m
		}
		return m[id]
	}
	return lookup, owner, func() error { return first }
}

func beginRun(ctx context.Context, j *journal.Journal, cfg *Config, acct journal.Account) (*journal.Run, error) {
	ih, err := journal.HashFiles(ctx, cfg.Inputs...)
	if err != nil {
		return nil, err
	}
	spec := journal.RunSpec{InputHash: ih, MappingHash: journal.HashBytes(cfg.Mapping), Account: acct, Args: cfg.Args}
	run, err := j.BeginRun(ctx, spec)
	var ue *journal.UnfinishedRunError
	if errors.As(err, &ue) && cfg.Abandon {
		if err := j.AbandonRun(ctx, ue.RunID); err != nil {
			return nil, err
		}
		return j.BeginRun(ctx, spec)
	}
	return run, err
}

// record stores the plan in the journal and takes back what an earlier
// attempt of the same run already settled.
func record(ctx context.Context, run *journal.Run, ops []*planOp) error {
	const chunk = 2000
	specs := make([]journal.OpSpec, 0, chunk)
	for s := 0; s < len(ops); s += chunk {
		part := ops[s:min(len(ops), s+chunk)]
		specs = specs[:0]
		for _, o := range part {
			specs = append(specs, journal.OpSpec{
				Key:    journal.Key{File: filepath.Base(o.in.path), Row: int64(o.row), SourceKey: o.srcKey, Record: o.record},
				Entity: o.kind.label, Action: o.action, NaturalKey: o.natural, Message: o.reason,
			})
		}
		stored, err := run.AddOps(ctx, specs...)
		if err != nil {
			return err
		}
		for i, jo := range stored {
			o := part[i]
			o.jid, o.jop, o.state = jo.ID, jo, jo.State
			switch jo.State {
			case journal.Done:
				o.id = jo.CapsuleID
			case journal.Failed:
				o.message = jo.Message
			}
		}
	}
	return nil
}

// writeErrorFiles writes the rejected rows of each input. An errors file
// being imported again gets the rows still rejected written back to it (not
// to <name>.errors.errors.<ext>). After a finished run (clean) an errors
// file an earlier run left beside an input with no rejected row now is
// renamed <name>.errors.old.<ext>, so it is not taken for this run's.
// retireErrors renames a stale errors file out of the way.
func retireErrors(path string) error {
	if _, err := os.Stat(path); err != nil {
		return nil // none
	}
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	if ext == ".gz" {
		ext = filepath.Ext(base) + ext
		base = strings.TrimSuffix(path, ext)
	}
	if err := os.Rename(path, base+".old"+ext); err != nil {
		return fmt.Errorf("renaming the errors file of an earlier run %s: %w", path, err)
	}
	return nil
}

func writeErrorFiles(cfg *Config, ins []*input, ops []*planOp, res *Result, clean bool) error {
	rej := rejectedRows(ops)
	for i, in := range ins {
		rows := rej[in]
		path := DefaultErrorsPath(in.path)
		if in.origFile >= 0 && in.origRow >= 0 {
			path = in.path // the input is an errors file
		}
		if i == 0 && cfg.ErrorsPath != "" {
			path = cfg.ErrorsPath
		}
		if len(rows) == 0 {
			if clean && path != in.path {
				if err := retireErrors(path); err != nil {
					return err
				}
			}
			continue
		}
		if err := writeErrors(path, in, rows, cfg.NoFormulaGuard); err != nil {
			return err
		}
		res.RejectedRows += len(rows)
		if res.ErrorsFile == "" {
			res.ErrorsFile = path
		}
	}
	return nil
}
