// Package importer runs imports (files -> Capsule). The other direction is
// package pipeline/export.
//
// # Import
//
//	res, err := importer.Import(ctx, importer.Config{
//		Inputs:  []string{"parties.csv", "deals.xlsx"}, // later files may refer to earlier ones
//		Mapping: yamlBytes, MappingName: "contacts.yaml", // or MappingFor (export layout)
//		Client:  client, Account: importer.AccountFor(baseURL, token),
//		DryRun:  false, Offline: false,                    // Offline implies DryRun: no request at all
//		Plan:    planWriter, PlanSummary: os.Stderr,       // JSON Lines plan (PlanLine), human summary
//		ErrorsPath: "", JournalPath: "",                   // defaults beside the first input
//		MaxErrors: 0, Workers: 4, Reserve: 10, Abandon: false,
//		Progress: os.Stderr, Terminal: true,
//		Log: nil, // or a *slog.Logger: see below
//	})
//	importer.WriteSummary(os.Stderr, res)
//
// Structured logs: with Config.Log set (e.g. slog.NewJSONHandler(os.Stderr,
// nil) for `--log-format json`), Progress, Terminal and PlanSummary are not
// used; instead the plan is one "plan" record (entities.<label>.create/
// update/unchanged/skip/reject, writes_needed, estimate), progress is a
// "progress" record every ProgressEvery (rows, rows_total, rows_per_s,
// writes_done, writes_total, requests_left, eta_s once known) and created
// custom fields a notice. importer.LogSummary(log, res) is WriteSummary as one
// "summary" record (dry_run, rows, entities.<label>.created/updated/unchanged/
// skipped/rejected/in_doubt/not_sent, total, requests, elapsed_s,
// rejected_rows, errors_file), at WARN when anything was rejected or is left
// to send.
//
// Stages, in order; nothing is sent before stages 1 and 2 passed:
//
//  1. Read: each input is opened with files.Open (the mapping's source
//     options, overridden by Config.Source), the mapping is compiled against
//     its header (every problem at once: *InputError) and every row is
//     evaluated (in parallel, kept in file order). Row errors reject the row.
//  2. Preflight (not Offline): the current user, and what the rows need:
//     users (owners), pipelines and milestones, teams, lost reasons,
//     categories, custom field definitions of each collection used. Missing
//     custom fields or pipelines: *PreflightError listing all of them.
//  3. Index: parties, opportunities and kases are paged (100 per page,
//     embed=fields,tags) into the journal's index the first time, then
//     refreshed with since (newest updatedAt, but no later than the last
//     listing's start, less an overlap) and the deleted feeds. Capsule pages
//     by offset, so a record deleted while a listing runs would hide one
//     record of the next page: after each listing the deleted feed is read
//     (one request per entity on a full listing; the since refresh reads it
//     anyway) and, if it names a record the listing saw, the listing is
//     repeated, at most 3 times in all (*ListingShiftedError: run again).
//     The index is held in memory keyed by normalised match keys
//     (lower-case e-mails and names, +digits phones, custom field values,
//     ids), per entity (organisations and people apart). No request per row.
//     Notes and tasks are read only when a mapping matches them on id (the
//     default export layout does): /entries and /tasks (every status) are
//     listed, 100 per page, until every wanted id was seen, and indexed by
//     id only (loadByID); a note or task found so is diffed like the rest.
//  4. Plan: rows in input order, ops of a row in the mapping's dependency
//     order. A link with an id (Ref.ID, `id: Column`) goes to the record
//     with that id in the account, or to the create planned by this run
//     from a row whose ID column holds it; else the name is looked up. Per op: reject (row errors, unresolvable refs, custom field
//     value not an option, ambiguous match naming every candidate, required
//     field missing, a referred record rejected), skip (when false,
//     on_match/on_no_match skip), unchanged, update (only the fields that
//     differ: field-level diff; lists merged/appended/replaced compared
//     normalised; refs compared by id) or create. A create is added to the
//     index, so later rows (of any input) match it: each distinct record is
//     created once and duplicates update or leave it unchanged. Notes and
//     tasks are matched by their source key in the journal (an earlier run
//     wrote them). Dry run and real run use this same planner.
//  5. Plan file and summary (PlanLine per op; requests needed and time at
//     the account's pace, with the reserve).
//  6. Write (not DryRun): ops are recorded in the journal; writes go level
//     by level (a level is one more than the ops it depends on), a few
//     workers per level, ops on one target in order. Protocol per write:
//     MarkSending (synced) -> request through the paced client -> done (id)
//     | failed (4xx: Capsule's message; the row goes to the errors file;
//     dependants fail with "depends on row N which failed") | in doubt
//     (capsule.ErrInDoubt: 5xx, timeout, lost connection; stays sending).
//     In-doubt writes are reconciled after each level (after SettleDelay, so
//     a server still storing a dropped request is not raced) and, on resume, before
//     anything else: the index is refreshed and the record looked up by its
//     natural key (notes: the linked record's entries, by content and
//     entryAt), leaving out records created before the write (less 10
//     minutes of clock skew) and records another create of ours made;
//     found -> done, not found -> sent again. An update in doubt is done
//     when the refreshed record already holds every value it sent (so the
//     manifest keeps it for a rollback), else sent again. The pacer is told
//     the remaining writes (SetPending) so it runs at full speed when they
//     fit the budget.
//  7. Errors file (rejected or failed rows): the input's format and columns
//     plus _file, _sheet, _row, _field, _reason (DefaultErrorsPath). It can
//     be imported as it is with the same mapping: the extra columns are
//     ignored, and without a source key column the row key is taken from
//     _file/_row, so it stays that of the original row. Such a row-number
//     key finds what an earlier run wrote only while the row still shares
//     a key (name, e-mail, phone, match key) with that record, so a file
//     saved again with other rows is not matched by position; two inputs
//     with the same file name are refused.
//
// Reference data checks also coerce custom field values to the kind
// Capsule expects (numbers, booleans, a list option's spelling) or reject
// the row naming the field. CreateFields creates missing definitions.
//
// Every op of every row ends in Result.Entities / Result.Total (created,
// updated, unchanged, skipped, rejected; InDoubt/Pending when stopped).
//
// Errors: *InputError, *PreflightError and *journal.UnfinishedRunError are
// usage problems (nothing written; exit 2); *IncompleteError means writes
// are in doubt or not sent (run the same command again);
// *ListingShiftedError means records kept being deleted in Capsule while the
// index was listed (nothing written by that step; run again); ctx.Err() when
// interrupted (journal consistent; run again to resume). Rejected rows are
// not an error: see Result.RejectedRows and Result.ErrorsFile.
//
// Journal: DefaultJournalPath(first input) unless JournalPath (an errors
// file X.errors.csv uses X.csv's journal when it exists). The run
// fingerprint is the inputs' content, the mapping's content and the
// account; an unfinished run with another fingerprint is refused unless
// Abandon. Source key -> Capsule id memory and the index live per account
// in the journal, so later runs with the same journal update instead of
// duplicating (notes and tasks are recognised only through it).
package importer
