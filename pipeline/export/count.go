package export

import (
	"net/http"
	"sync/atomic"
)

// RequestCounter is an http.RoundTripper that counts the requests sent
// through it, for the request count of a run's summary:
//
//	rc := &export.RequestCounter{}
//	c, _ := capsule.NewClient(capsule.WithHTTPClient(&http.Client{Transport: rc}), ...)
//
// Next is the transport requests go to (nil = http.DefaultTransport).
type RequestCounter struct {
	Next http.RoundTripper
	n    atomic.Int64
}

// RoundTrip counts and forwards the request.
func (rc *RequestCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	rc.n.Add(1)
	next := rc.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(req)
}

// Count is the number of requests sent so far.
func (rc *RequestCounter) Count() int64 {
	if rc == nil {
		return 0
	}
	return rc.n.Load()
}
