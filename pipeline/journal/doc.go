// Package journal is the durable run journal of capsule-etl imports: a
// SQLite file (pure Go, modernc.org/sqlite) that carries the no-duplicate
// guarantee Capsule's API cannot give, because Capsule has no idempotency
// keys. See ARCHITECTURE.md, "The write protocol".
//
// # Opening
//
//	j, err := journal.Open(ctx, path)   // created 0600; *SchemaVersionError if newer; *LockedError if in use
//	defer j.Close()
//
// The file is in WAL mode with synchronous=FULL: every commit is fsynced,
// so a mark survives a power cut, not only a crash. NORMAL would lose the
// last commits on power loss, and a lost `sending` mark means a blind
// resend, i.e. a possible duplicate; WithUnsafeNoSync exists for
// benchmarks only. All writes go through one connection (one writer,
// BEGIN IMMEDIATE); reads use a read-only pool and never block the writer.
// One process at a time may open a journal (an OS file lock); WithoutLock
// is for read-only inspection such as `runs list` during an import.
//
// # Runs
//
// A run is identified by Fingerprint(RunSpec): input content hash
// (HashFiles), mapping content hash (HashBytes) and account (base URL and
// user id; a token is never stored, only its hash when no user id is
// known, and it is redacted from Args).
//
//	run, err := j.BeginRun(ctx, journal.RunSpec{InputHash: ih, MappingHash: mh, Account: acct, Args: os.Args[1:]})
//	// run.Resumed: an unfinished run with the same fingerprint was picked up.
//	// *UnfinishedRunError: another unfinished run (different input, mapping
//	// or account); its message says how out: rerun with the original input,
//	// or j.AbandonRun(ctx, e.RunID) (--abandon) and BeginRun again.
//	err = run.Finish(ctx)          // *IncompleteRunError while ops are pending or in doubt
//	j.ListRuns(ctx); j.GetRun(ctx, id); j.Summary(ctx, id); j.Manifest(ctx, id)
//
// # Operations and the protocol
//
// One Op per intended Capsule write, per record of the mapping, per source
// row: Key{File, Row, SourceKey, Record}. The planner records its plan:
//
//	ops, err := run.AddOps(ctx, specs...)  // existing ops come back as stored (resume);
//	                                        // one never sent (pending, skipped, unchanged,
//	                                        // rejected) takes the new plan
//
// Actions create/update/delete start pending; unchanged, skip and reject
// are final at once (states Unchanged, Skipped, Rejected). The writer then:
//
//	doubt, _ := run.InDoubt(ctx)            // FIRST on resume: ops left in sending
//	//   reconcile each (the importer's reconciler): refresh the index with
//	//   since, look the op's natural keys up (Memory.FindIDs), drop ids
//	//   run.CreatedByOther(ctx, entity, id, op.ID) reports and records
//	//   created before op.Updated (the sending mark); found →
//	//   run.MarkDone(ctx, op.ID, id); proven absent → run.MarkPending(ctx,
//	//   op.ID). Never resend an op in doubt blindly.
//	run.MarkSending(ctx, op.ID, journal.Request{Method, Path, Body, Previous}) // on disk before sending
//	//   2xx → run.MarkDone(ctx, op.ID, capsuleID)  (also remembers SourceKey → id)
//	//   400/422 → run.MarkFailed(ctx, op.ID, msg)   (final for the run; error file)
//	//   429 → run.MarkPending(ctx, op.ID), wait for the reset
//	//   5xx, timeout, reset, crash → leave it: it is in doubt
//	run.MarkFailed(ctx, op.ID, "organisation row 3 failed") // pending op whose dependency failed
//
// Request.Previous (the previous values of the fields an update changes,
// as a JSON object) is stored with the sending mark, so the rollback
// manifest holds it even if the done mark is lost.
//
// Group commit: b := run.NewBatch(64); b.Done(ctx, op, id); b.Failed(ctx,
// id, msg); b.Flush(ctx). Done and failed marks may be held back because a
// lost one leaves the op in sending, which is reconciled, never resent
// blindly; a create without a natural key (Op.Reconcilable false) could not
// be found again, so its done mark commits at once. MarkSending is never
// batched. Flush before Finish and on SIGINT.
//
// # Account memory and matching index
//
//	m := run.Memory()                      // or j.Memory(ctx, acct) without a run (dry run)
//	m.Lookup(ctx, entity, sourceKey)       // id written by an earlier run: update, don't duplicate
//	m.Remember / m.Forget
//	since, ok, _ := m.Cursor(ctx, "parties")  // !ok: list everything (after ClearIndex)
//	m.UpsertIndex(ctx, "parties", entries...)  // page by page
//	m.DeleteIndex(ctx, "parties", ids...)      // from the deleted feed
//	max, _ := m.MaxUpdatedAt(ctx, "parties"); m.SetCursor(ctx, "parties", max) // only once the listing is complete
//	ids, _ := m.FindIDs(ctx, "parties", journal.MatchKey{Kind: "email", Value: "ann@example.com"}) // >1 = ambiguous
//	m.IndexEntry(ctx, "parties", id) (one entry with its fields JSON), m.IndexEntries(ctx, entity) (stream all)
//
// Match keys are compared exactly: the matcher normalises them (lower-case
// emails and names, E.164 phones, "field:<name>" for external-id custom
// fields) before storing and before looking up.
//
// # Rollback and summary
//
// j.Manifest(ctx, runID) lists created ids and updated records with their
// previous values, newest first (undo in that order), in-doubt writes
// first and flagged. j.Summary(ctx, runID) counts created, updated,
// unchanged, skipped, rejected, failed, pending and in-doubt per entity,
// with the requests spent (MarkSending counts writes; AddRequests reads).
//
// Errors callers act on: *UnfinishedRunError, *IncompleteRunError,
// *SchemaVersionError, *LockedError, *TransitionError (a mark the protocol
// forbids, e.g. done without sending), ErrNotFound, ErrRunClosed (changes
// to a finished or abandoned run).
//
// Every method is safe for concurrent use. Times are stored as UTC Unix
// nanoseconds; inject a clock with WithClock in tests.
package journal
