package capsule

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// partiesPages serves n parties, honouring page/perPage and advertising the
// next page in Link with the original query (embed lists contain commas).
func partiesPages(f *fakeCapsule, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		per, _ := strconv.Atoi(q.Get("perPage"))
		page, per = max(page, 1), cmpOr(per, 50)
		var items []string
		for id := (page-1)*per + 1; id <= min(page*per, n); id++ {
			items = append(items, fmt.Sprintf(`{"id":%d,"type":"person","firstName":"P%d","lastName":null}`, id, id))
		}
		if page*per < n {
			q.Set("page", strconv.Itoa(page+1))
			next := f.baseURL() + r.URL.Path[len("/api/v2"):] + "?" + strings.ReplaceAll(q.Encode(), "%2C", ",")
			w.Header().Set("Link", "<"+next+`>; rel="next"`)
		}
		writeJSON(w, http.StatusOK, `{"parties":[`+strings.Join(items, ",")+`]}`)
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func TestListAllPagination(t *testing.T) {
	tests := []struct {
		name      string
		total     int
		opts      *ListOptions
		wantPages int
		wantQuery url.Values // expected on the first request
	}{
		{"empty", 0, nil, 1, url.Values{"perPage": {"100"}}},
		{"one short page", 7, nil, 1, url.Values{"perPage": {"100"}}},
		{"exactly one full page", 100, nil, 1, url.Values{"perPage": {"100"}}},
		{"three pages with since and embed", 250,
			&ListOptions{Since: time.Date(2025, 2, 3, 4, 5, 6, 0, time.FixedZone("CET", 3600)), Embed: []string{"tags", "fields"}},
			3, url.Values{"perPage": {"100"}, "since": {"2025-02-03T03:05:06Z"}, "embed": {"tags,fields"}}},
		{"caller page size kept", 30, &ListOptions{PerPage: 10}, 3, url.Values{"perPage": {"10"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET /parties", partiesPages(f, tt.total))
			c := f.client()
			var ids []int64
			for p, err := range c.Parties.ListAll(bg, tt.opts) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, p.ID)
			}
			if len(ids) != tt.total {
				t.Fatalf("got %d parties, want %d", len(ids), tt.total)
			}
			for i, id := range ids {
				if id != int64(i+1) {
					t.Fatalf("party %d has id %d: pages out of order or repeated", i, id)
				}
			}
			reqs := f.seen()
			if len(reqs) != tt.wantPages {
				t.Errorf("%d requests, want %d", len(reqs), tt.wantPages)
			}
			first, _ := url.ParseQuery(reqs[0].Query)
			for k, v := range tt.wantQuery {
				if first.Get(k) != v[0] {
					t.Errorf("first request %s=%q, want %q", k, first.Get(k), v[0])
				}
			}
			for i, r := range reqs[1:] {
				q, _ := url.ParseQuery(r.Query)
				if q.Get("page") != strconv.Itoa(i+2) || q.Get("embed") != first.Get("embed") || q.Get("since") != first.Get("since") {
					t.Errorf("request %d query %q does not follow Link with the same parameters", i+2, r.Query)
				}
			}
		})
	}
}

func TestListAllStopsEarlyAndReportsErrors(t *testing.T) {
	f := newFake(t)
	f.handle("GET /parties", partiesPages(f, 250))
	c := f.client()
	n := 0
	for _, err := range c.Parties.ListAll(bg, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 150 {
			break
		}
	}
	if got := len(f.seen()); got != 2 {
		t.Errorf("breaking after 150 items made %d requests, want 2", got)
	}

	f.handle("GET /kases", jsonRoute(http.StatusForbidden, `{"message":"Requires additional scope"}`))
	var errs int
	for _, err := range c.Projects.ListAll(bg, nil) {
		var er *ErrorResponse
		if !errors.As(err, &er) || er.StatusCode() != 403 {
			t.Errorf("err = %v, want 403 ErrorResponse", err)
		}
		errs++
	}
	if errs != 1 {
		t.Errorf("iterator yielded %d errors, want 1", errs)
	}
}

func TestLinkToOtherHostRefused(t *testing.T) {
	f := newFake(t)
	f.handle("GET /parties", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://evil.example/api/v2/parties?page=2>; rel="next"`)
		writeJSON(w, 200, `{"parties":[{"id":1}]}`)
	})
	var last error
	for _, err := range f.client().Parties.ListAll(bg, nil) {
		last = err
	}
	if last == nil || !strings.Contains(last.Error(), "refusing URL") {
		t.Fatalf("err = %v, want a refusal to follow a Link to another host", last)
	}
	if len(f.seen()) != 1 {
		t.Errorf("%d requests, want 1", len(f.seen()))
	}
}

func TestErrorStatuses(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		check    func(t *testing.T, err error)
		wantReqs int
	}{
		{"400 malformed", 400, `{"message":"Bad request"}`, wantErrorResponse(400, "Bad request", 0), 1},
		{"403 scope", 403, `{"message":"Requires additional scope"}`, wantErrorResponse(403, "Requires additional scope", 0), 1},
		{"404 recorded body", 404, `{"message": "Could not find resource"}`, wantErrorResponse(404, "Could not find resource", 0), 1},
		{"405 recorded body", 405, `{"message": "Method not allowed"}`, wantErrorResponse(405, "Method not allowed", 0), 1},
		{"422 recorded body", 422, `{"message":"Validation Failed","errors":[{"message":"dueOn is required","resource":"task","field":"dueOn"}]}`,
			func(t *testing.T, err error) {
				wantErrorResponse(422, "Validation Failed", 1)(t, err)
				var er *ErrorResponse
				errors.As(err, &er)
				if fe := er.Errors[0]; fe.Resource != "task" || fe.Field != "dueOn" || fe.Message != "dueOn is required" {
					t.Errorf("field error = %+v", fe)
				}
				if !strings.Contains(err.Error(), "task.dueOn: dueOn is required") {
					t.Errorf("message %q lacks the field error", err)
				}
			}, 1},
		{"500 non-JSON body, read retried then reported", 500, `<html>oops</html>`, func(t *testing.T, err error) {
			wantErrorResponse(500, "", 0)(t, err)
			if !strings.Contains(err.Error(), "500 Internal Server Error") {
				t.Errorf("message %q lacks the status text", err)
			}
		}, 3},
		{"503 read retried then reported", 503, `{"message":"down"}`, wantErrorResponse(503, "down", 0), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET /tasks/9", jsonRoute(tt.status, tt.body))
			task, resp, err := f.client().Tasks.Get(bg, 9, nil)
			if task != nil {
				t.Errorf("task = %+v, want nil", task)
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Errorf("resp = %v, want status %d", resp, tt.status)
			}
			tt.check(t, err)
			if got := len(f.seen()); got != tt.wantReqs {
				t.Errorf("%d requests, want %d", got, tt.wantReqs)
			}
		})
	}
}

func wantErrorResponse(status int, msg string, nFields int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var er *ErrorResponse
		if !errors.As(err, &er) {
			t.Fatalf("err = %T %v, want *ErrorResponse", err, err)
		}
		if er.StatusCode() != status || er.Message != msg || len(er.Errors) != nFields {
			t.Errorf("got status %d message %q %d field errors, want %d %q %d", er.StatusCode(), er.Message, len(er.Errors), status, msg, nFields)
		}
		if errors.Is(err, ErrInDoubt) {
			t.Errorf("a read error must not be in doubt")
		}
	}
}

func TestUnauthorized(t *testing.T) {
	f := newFake(t)
	f.handle("GET /users/current", jsonRoute(200, `{"user":{"id":1}}`))
	c, err := NewClient(WithBaseURL(f.baseURL()), WithToken("wrong-token-value"), WithClock(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Users.Current(bg)
	var er *ErrorResponse
	if !errors.As(err, &er) || er.StatusCode() != 401 {
		t.Fatalf("err = %v, want 401", err)
	}
	if !strings.Contains(er.Authenticate, "invalid_token") {
		t.Errorf("Authenticate = %q, want the WWW-Authenticate header", er.Authenticate)
	}
	if !strings.Contains(err.Error(), "API Authentication Tokens") {
		t.Errorf("401 message %q does not say how to get a token", err)
	}
	if strings.Contains(err.Error(), "wrong-token-value") {
		t.Errorf("error shows the token: %q", err)
	}
	if len(f.seen()) != 1 {
		t.Errorf("a 401 was retried: %d requests", len(f.seen()))
	}
}

func TestAcceptedDelete(t *testing.T) {
	f := newFake(t)
	f.handle("DELETE /parties/5", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", f.baseURL()+"/jobs/4b1c-99")
		w.WriteHeader(http.StatusAccepted)
	})
	f.handle("GET /jobs/4b1c-99", jsonRoute(200, `{"job":{"id":"4b1c-99","status":"completed","progress":100,"action":"Deleting Party"}}`))
	c := f.client()
	_, err := c.Parties.Delete(bg, 5)
	var ae *AcceptedError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *AcceptedError", err)
	}
	if ae.JobURL != f.baseURL()+"/jobs/4b1c-99" || ae.JobID() != "4b1c-99" {
		t.Errorf("job URL %q id %q", ae.JobURL, ae.JobID())
	}
	job, _, err := c.Jobs.Get(bg, ae.JobURL)
	if err != nil || job.Status.Value() != "completed" || job.Progress.Value() != 100 {
		t.Errorf("job = %+v, %v", job, err)
	}
}

func TestRateLimitWaitsForReset(t *testing.T) {
	tests := []struct {
		name   string
		method string
		call   func(c *Client) error
	}{
		{"read", "GET /parties/1", func(c *Client) error { _, _, err := c.Parties.Get(bg, 1, nil); return err }},
		{"write", "POST /parties", func(c *Client) error {
			_, _, err := c.Parties.Create(bg, &Party{Type: Some(PartyOrganisation), Name: Some("Acme")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.limit = 3
			f.handle(tt.method, jsonRoute(200, `{"party":{"id":1}}`))
			f.handle("GET /site", jsonRoute(200, `{"site":{"name":"x"}}`))
			// Another integration spends the budget behind our back.
			other := f.client()
			other.Pacer().SetPending(3)
			for range 3 {
				if _, _, err := other.Site.Get(bg); err != nil {
					t.Fatal(err)
				}
			}
			start := f.clock.Now()
			c := f.client()
			if err := tt.call(c); err != nil {
				t.Fatalf("after waiting for the reset: %v", err)
			}
			waited := f.clock.Now().Sub(start)
			if waited < time.Hour-time.Second || waited > time.Hour+time.Minute {
				t.Errorf("waited %v, want the rest of the window (1h)", waited)
			}
			if f.count429() != 1 {
				t.Errorf("%d 429s, want exactly 1 (then wait, not hammer)", f.count429())
			}
		})
	}
}

func TestReadRetries(t *testing.T) {
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		minReqs  int
	}{
		{"503 then 502 then ok", []http.HandlerFunc{jsonRoute(503, `{}`), jsonRoute(502, ``), jsonRoute(200, `{"party":{"id":1}}`)}, 3},
		{"dropped connection then ok", []http.HandlerFunc{hangUp, jsonRoute(200, `{"party":{"id":1}}`)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("GET /parties/1", sequence(tt.handlers...))
			start := f.clock.Now()
			p, _, err := f.client().Parties.Get(bg, 1, nil)
			if err != nil || p.ID != 1 {
				t.Fatalf("p=%v err=%v", p, err)
			}
			if got := len(f.seen()); got < tt.minReqs {
				t.Errorf("%d requests, want >= %d", got, tt.minReqs)
			}
			if f.clock.Now() == start {
				t.Errorf("no backoff between attempts")
			}
		})
	}
}

func TestWritesNotRetried(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		call    func(c *Client) error
	}{
		{"POST 500", jsonRoute(500, `{"message":"boom"}`), func(c *Client) error {
			_, _, err := c.Parties.Create(bg, &Party{Type: Some(PartyPerson), FirstName: Some("A")})
			return err
		}},
		{"POST connection dropped after sending", hangUp, func(c *Client) error {
			_, _, err := c.Parties.Create(bg, &Party{Type: Some(PartyPerson), FirstName: Some("A")})
			return err
		}},
		{"PUT 502", jsonRoute(502, ``), func(c *Client) error {
			_, _, err := c.Parties.Update(bg, 1, &Party{About: Some("x")})
			return err
		}},
		{"DELETE 504", jsonRoute(504, ``), func(c *Client) error { _, err := c.Parties.Delete(bg, 1); return err }},
		{"POST answered 201 but body cut", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(201)
			w.Write([]byte(`{"party":{"id":`))
		}, func(c *Client) error {
			_, _, err := c.Parties.Create(bg, &Party{Type: Some(PartyPerson), FirstName: Some("A")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.handle("POST /parties", tt.handler)
			f.handle("PUT /parties/1", tt.handler)
			f.handle("DELETE /parties/1", tt.handler)
			err := tt.call(f.client())
			var ide *InDoubtError
			if !errors.Is(err, ErrInDoubt) || !errors.As(err, &ide) {
				t.Fatalf("err = %v, want in doubt", err)
			}
			if got := len(f.seen()); got != 1 {
				t.Errorf("write sent %d times, want 1", got)
			}
		})
	}
}

// countingDialer refuses every connection and counts the attempts.
func refusingClient(t *testing.T, dials *atomic.Int32) *http.Client {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there any more: connections are refused
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		dials.Add(1)
		return d.DialContext(ctx, network, addr)
	}}}
}

func TestWriteRetriedWhenNeverSent(t *testing.T) {
	var dials atomic.Int32
	c, err := NewClient(WithBaseURL("http://capsule.invalid/api/v2"), WithToken(testToken),
		WithHTTPClient(refusingClient(t, &dials)), WithClock(NewSimClock(time.Unix(0, 0))),
		WithRetry(3, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Parties.Create(bg, &Party{Type: Some(PartyPerson), LastName: Some("B")})
	if err == nil || errors.Is(err, ErrInDoubt) {
		t.Fatalf("err = %v, want a plain connection error (nothing stored)", err)
	}
	if dials.Load() != 3 {
		t.Errorf("%d dials, want 3 (a refused write is certainly not stored, so it is retried)", dials.Load())
	}
}

func TestCancelStopsRetries(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(bg)
	f.handle("GET /parties/1", func(w http.ResponseWriter, r *http.Request) {
		cancel()
		writeJSON(w, 503, `{}`)
	})
	_, _, err := f.client().Parties.Get(ctx, 1, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(f.seen()) != 1 {
		t.Errorf("%d requests after cancel, want 1", len(f.seen()))
	}
}
