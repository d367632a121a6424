package capsule

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// errorBody is Capsule's error body: {"message", "errors": [...]} or, on
// 429, {"error": "rate limit reached"}.
type errorBody struct {
	Message string       `json:"message,omitempty"`
	Errors  []FieldError `json:"errors,omitempty"`
	Error   string       `json:"error,omitempty"`
}

// FieldError is one validation problem of a 422 answer.
type FieldError struct {
	Message  string `json:"message"`
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
}

func (e FieldError) String() string {
	switch {
	case e.Resource != "" && e.Field != "":
		return e.Resource + "." + e.Field + ": " + e.Message
	case e.Field != "":
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// ErrorResponse is a 4xx/5xx answer with Capsule's message and field errors.
type ErrorResponse struct {
	Response *http.Response // the answer (body already read and closed)
	Message  string
	Errors   []FieldError
	// Authenticate is the WWW-Authenticate header of a 401/403.
	Authenticate string
}

func (e *ErrorResponse) Error() string {
	var b strings.Builder
	if r := e.Response; r != nil && r.Request != nil {
		fmt.Fprintf(&b, "%s %s: ", r.Request.Method, r.Request.URL.Path)
	}
	fmt.Fprintf(&b, "%d", e.StatusCode())
	if e.Message != "" {
		b.WriteString(" " + e.Message)
	} else if e.Response != nil {
		b.WriteString(" " + http.StatusText(e.StatusCode()))
	}
	for _, fe := range e.Errors {
		b.WriteString("; " + fe.String())
	}
	if e.StatusCode() == http.StatusUnauthorized {
		b.WriteString(" (check CAPSULE_TOKEN: Capsule > My Preferences > API Authentication Tokens)")
	}
	return b.String()
}

// StatusCode returns the HTTP status, 0 if unknown.
func (e *ErrorResponse) StatusCode() int {
	if e.Response == nil {
		return 0
	}
	return e.Response.StatusCode
}

// RateLimitError is a 429: nothing was stored; the budget returns at Reset.
type RateLimitError struct {
	Rate     Rate
	Reset    time.Time
	Response *http.Response
	Message  string
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("capsule: rate limit reached (%d/%d left), resets at %s",
		e.Rate.Remaining, e.Rate.Limit, e.Reset.UTC().Format(TimestampLayout))
}

// AcceptedError is a 202: Capsule queued the work; poll JobURL (Jobs.Get).
type AcceptedError struct {
	JobURL   string
	Response *http.Response
}

func (e *AcceptedError) Error() string {
	return "capsule: accepted, job queued at " + e.JobURL
}

// JobID returns the last path segment of JobURL.
func (e *AcceptedError) JobID() string {
	return e.JobURL[strings.LastIndexByte(e.JobURL, '/')+1:]
}

// ErrInDoubt is matched (errors.Is) by every InDoubtError.
var ErrInDoubt = errors.New("capsule: write in doubt")

// ErrTooManyIDs is returned before sending a show-multiple call with more
// than MaxIDs ids.
var ErrTooManyIDs = errors.New("capsule: too many ids (at most 10 per call)")

// InDoubtError reports a write that may have reached the server: a 5xx, a
// timeout or a connection lost after sending. It was not retried; the
// caller must find out whether it was stored before sending it again.
type InDoubtError struct {
	Method, Path string
	Err          error // the 5xx *ErrorResponse or the network error
}

func (e *InDoubtError) Error() string {
	return fmt.Sprintf("capsule: %s %s in doubt (may have been stored): %v", e.Method, e.Path, e.Err)
}

func (e *InDoubtError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInDoubt) true.
func (e *InDoubtError) Is(target error) bool { return target == ErrInDoubt }

// maxErrorBody bounds how much of an error body is read.
const maxErrorBody = 1 << 20

// CheckResponse returns nil for 200, 201 and 204, and the typed error
// otherwise: *AcceptedError (202), *RateLimitError (429), *ErrorResponse.
// It reads and closes the body of non-2xx answers.
func CheckResponse(r *http.Response) error {
	switch c := r.StatusCode; {
	case c == http.StatusAccepted:
		return &AcceptedError{JobURL: r.Header.Get("Location"), Response: r}
	case c >= 200 && c < 300:
		return nil
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorBody))
	r.Body.Close()
	var body errorBody
	_ = json.Unmarshal(data, &body) // a non-JSON body still yields the status
	if r.StatusCode == http.StatusTooManyRequests {
		rate := parseRate(r.Header)
		msg := body.Error
		if msg == "" {
			msg = body.Message
		}
		return &RateLimitError{Rate: rate, Reset: rate.Reset, Response: r, Message: msg}
	}
	msg := body.Message
	if msg == "" {
		msg = body.Error
	}
	return &ErrorResponse{Response: r, Message: msg, Errors: body.Errors,
		Authenticate: r.Header.Get("WWW-Authenticate")}
}
