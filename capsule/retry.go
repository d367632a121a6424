package capsule

import (
	"errors"
	"net"
	"net/http"

	"golang.org/x/oauth2"
)

// netError marks a transport failure of a read, or of a write that
// certainly never reached the server; both may be retried.
type netError struct{ err error }

func (e *netError) Error() string { return "capsule: " + e.err.Error() }
func (e *netError) Unwrap() error { return e.err }

// retryable is the one retry decision of the client (429 is handled before:
// it always waits for the reset and resends).
//
//   - Reads: retried on 5xx (500, 502, 503, 504, ...) and on network errors.
//   - Writes: retried only when certainly not sent (dial failures: the
//     connection was never made). A 5xx, timeout or reset after sending comes
//     back as *InDoubtError and is never retried here.
//   - 4xx other than 429: never retried; the request itself is wrong.
func retryable(err error, write bool) bool {
	var ne *netError
	if errors.As(err, &ne) {
		return !write || notSent(ne.err)
	}
	var er *ErrorResponse
	if errors.As(err, &er) && !write {
		return er.StatusCode() >= http.StatusInternalServerError
	}
	return false
}

// notSent reports errors raised before any byte of the request left:
// failed dials (refused, unreachable, DNS).
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// tokenError is a failure to obtain a token (e.g. an OAuth refresh): the
// request never left, and resending will not help.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return "capsule: getting a token: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// markedSource tags token source failures so the retry decision can tell
// them from network failures.
type markedSource struct{ src oauth2.TokenSource }

func (m markedSource) Token() (*oauth2.Token, error) {
	t, err := m.src.Token()
	if err != nil {
		return nil, &tokenError{err}
	}
	return t, nil
}
