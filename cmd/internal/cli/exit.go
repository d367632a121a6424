package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/capsule-etl/capsule-etl/pipeline/export"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/journal"
	"github.com/capsule-etl/capsule-etl/pipeline/rollback"
)

// Exit codes are a contract (PRODUCT.md): scripts and cron jobs act on them.
const (
	ExitOK          = 0   // every row accounted for, no rejects
	ExitFatal       = 1   // a fatal error stopped the run
	ExitUsage       = 2   // invalid usage, mapping or input file
	ExitRejected    = 3   // finished, but some rows were rejected (see the error file)
	ExitInterrupted = 130 // interrupted; running the same command again resumes
)

// ExitError carries the process exit code a command wants, with an optional
// error to print. A nil Err means the command already reported what happened.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// withCode wraps err so that Main exits with code.
func withCode(code int, err error) error {
	if err == nil && code == ExitOK {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// usageError marks err as a usage, mapping or input problem (exit 2).
func usageError(err error) error { return withCode(ExitUsage, err) }

// exitCodes is the one table from errors to exit codes, first match wins.
// A command that knows better wraps its error with withCode (an ExitError
// is always matched first); anything not listed is ExitFatal.
var exitCodes = []struct {
	what  string // for tests and readers
	match func(error) bool
	code  int
}{
	{"bad input file or mapping", isA[*importer.InputError], ExitUsage},
	{"the account lacks what the mapping needs", isA[*importer.PreflightError], ExitUsage},
	{"another run of the journal is unfinished", isA[*journal.UnfinishedRunError], ExitUsage},
	{"an export option is wrong", isA[*export.OptionError], ExitUsage},
	{"the export output exists", is(export.ErrOutputExists), ExitUsage},
	{"the run is a rollback", is(rollback.ErrIsRollback), ExitUsage},
	{"the token is another account's", isA[*rollback.AccountError], ExitUsage},
	{"interrupted", is(context.Canceled), ExitInterrupted},
}

func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	for _, c := range exitCodes {
		if c.match(err) {
			return c.code
		}
	}
	return ExitFatal
}
