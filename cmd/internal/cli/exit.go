package cli

import (
	"context"
	"errors"
	"fmt"
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

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	return ExitFatal
}
