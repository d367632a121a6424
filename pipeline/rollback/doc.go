// Package rollback undoes an import run recorded in the journal: it deletes
// the records the run created and puts back the previous values of the
// fields it updated, through the paced capsule client.
//
//	plan, err := rollback.NewPlan(ctx, j, runID)   // what would be done; no request
//	res, err := rollback.Execute(ctx, j, client, runID,
//		rollback.WithUserID("42"),          // the account's user (GET /users/current); checked against the run
//		rollback.WithArgs(os.Args[1:]),     // stored with the rollback run
//		rollback.WithProgress(func(s rollback.Step, o rollback.Outcome) { ... }))
//
// Order: notes and tasks, then opportunities and projects, then people,
// then organisations (within one entity, newest first), so nothing is
// deleted while a record of this run still points at it; restores come
// last. A restore is a partial PUT holding only the fields the run changed:
// scalars and links get their previous value, child lists (emails, phones,
// addresses, websites, tags, custom fields) lose the rows the run added and
// get back the rows it removed, compared by id against a fresh GET.
//
// The rollback is itself a run in the journal (InputHash "rollback:<id>",
// see RollbackOf), one delete or update op per manifest item, so the
// write protocol makes it resumable: an interrupted rollback is picked up
// by the next Execute for the same run. Deletes and restores are
// idempotent, so an op left in doubt is simply sent again; a 404 on delete
// counts as done (already gone), a 404 on restore as gone (nothing to
// restore). Items already undone by an earlier rollback are skipped, so a
// second rollback sends nothing and returns Result.AlreadyDone.
//
// Refusals: *AccountError when the client's base URL or user is not the
// run's account (ids would point at other records); *UnfinishedError when
// the run itself is still running; *journal.UnfinishedRunError (from
// BeginRun) while another run of the journal is unfinished; ErrIsRollback
// for a rollback run. Writes left in doubt by the import (no Capsule id) are
// listed in Plan.InDoubt and Result.InDoubt and not touched: resume the
// import to reconcile them first.
package rollback
