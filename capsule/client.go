package capsule

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Client talks to one Capsule account with one token. Create it with
// NewClient; it is safe for concurrent use.
type Client struct {
	base        *url.URL
	http        *http.Client
	userAgent   string
	clock       Clock
	pacer       *Pacer
	logger      *slog.Logger
	maxAttempts int
	backoff     time.Duration
	maxBackoff  time.Duration

	common service // reused by every service to avoid one allocation each

	Parties       *PartiesService
	Opportunities *OpportunitiesService
	Projects      *ProjectsService
	Entries       *EntriesService
	Tasks         *TasksService
	Tags          *TagsService
	Fields        *FieldsService
	Pipelines     *PipelinesService
	Milestones    *MilestonesService
	LostReasons   *LostReasonsService
	Users         *UsersService
	Teams         *TeamsService
	Countries     *CountriesService
	Currencies    *CurrenciesService
	Boards        *BoardsService
	Stages        *StagesService
	ActivityTypes *ActivityTypesService
	Site          *SiteService
	Jobs          *JobsService
	RestHooks     *RestHooksService
}

type service struct{ client *Client }

func errorf(format string, args ...any) error {
	return fmt.Errorf("capsule: "+format, args...)
}

// ErrNoToken is returned by NewClient without WithToken or WithTokenSource.
var ErrNoToken = errors.New("capsule: no API token (set a personal access token: Capsule > My Preferences > API Authentication Tokens)")

// NewClient returns a client. A token (WithToken or WithTokenSource) is
// required; everything else has a default.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		baseURL: DefaultBaseURL, clock: realClock{}, reserve: DefaultReserve,
		userAgent: DefaultUserAgent, maxAttempts: DefaultMaxAttempts,
		backoff: DefaultBackoff, maxBackoff: DefaultMaxBackoff,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.source == nil {
		return nil, ErrNoToken
	}
	base, err := url.Parse(cfg.baseURL + "/")
	if err != nil {
		return nil, errorf("base URL: %w", err)
	}
	hc := &http.Client{Timeout: DefaultTimeout}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient
		hc = &copied
	}
	hc.Transport = &oauth2.Transport{Source: markedSource{cfg.source}, Base: hc.Transport}
	// A redirect to another host must not carry the token; Capsule does not
	// redirect API calls, so any redirect is refused.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		base: base, http: hc, userAgent: cfg.userAgent, clock: cfg.clock,
		pacer: newPacer(cfg.clock, cfg.reserve), logger: logger,
		maxAttempts: cfg.maxAttempts, backoff: cfg.backoff, maxBackoff: cfg.maxBackoff,
	}
	c.common.client = c
	c.initServices()
	return c, nil
}

// String never shows the token.
func (c *Client) String() string { return "capsule.Client{" + c.base.String() + "}" }

// GoString never shows the token.
func (c *Client) GoString() string { return c.String() }

// LogValue never shows the token.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// BaseURL returns the API root with a trailing slash.
func (c *Client) BaseURL() *url.URL { u := *c.base; return &u }

// Pacer returns the client's pacer (to declare pending work, read budget).
func (c *Client) Pacer() *Pacer { return c.pacer }

// NewRequest builds a request for path (relative to the base URL, or an
// absolute URL on the same host, as found in Link headers). A non-nil body
// is encoded as JSON; an io.Reader body is sent as is.
func (c *Client) NewRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	u, err := c.resolve(path)
	if err != nil {
		return nil, err
	}
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case io.Reader:
		data, err := io.ReadAll(b)
		if err != nil {
			return nil, errorf("reading request body: %w", err)
		}
		r = bytes.NewReader(data)
	default:
		data, err := json.Marshal(body)
		if err != nil {
			return nil, errorf("encoding request body: %w", err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// resolve refuses URLs on other hosts so the token never leaves Capsule.
func (c *Client) resolve(path string) (*url.URL, error) {
	ref, err := url.Parse(strings.TrimPrefix(path, "/"))
	if err != nil {
		return nil, errorf("path %q: %w", path, err)
	}
	u := c.base.ResolveReference(ref)
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return nil, errorf("refusing URL %q: not on %s", path, c.base.Host)
	}
	return u, nil
}

func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// bodyDecoder is a v for Do that reads the body itself.
type bodyDecoder interface{ decodeFrom(io.Reader) error }

func (e envelope) decodeFrom(r io.Reader) error { return decodeEnvelope(r, e.key, e.v) }

// Do sends req through the pacer and the retry policy (see doc.go) and
// decodes a 2xx body into v: an io.Writer receives the raw body, anything
// else is JSON-decoded; nil discards it. Errors are typed: *ErrorResponse,
// *RateLimitError, *AcceptedError, *InDoubtError (errors.Is ErrInDoubt).
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*Response, error) {
	write := !isRead(req.Method)
	failures, waits := 0, 0
	for {
		if err := c.pacer.Wait(ctx); err != nil {
			return nil, err
		}
		resp, err := c.attempt(ctx, req, v, write)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			if errors.Is(err, ErrInDoubt) {
				return resp, err // cancelled after sending: still in doubt
			}
			return resp, ctx.Err()
		}
		var rl *RateLimitError
		switch {
		case errors.As(err, &rl):
			// A 429 stored nothing: wait for the window and resend, reads
			// and writes alike.
			if waits++; waits > maxRateLimitWaits {
				return resp, err
			}
			c.pacer.exhausted(rl.Reset, rateLimitFallback)
			c.logger.InfoContext(ctx, "capsule rate limited; waiting for reset",
				"method", req.Method, "path", req.URL.Path, "reset", rl.Reset)
			continue
		case !retryable(err, write):
			return resp, err
		}
		if failures++; failures >= c.maxAttempts {
			return resp, err
		}
		d := c.backoffFor(failures)
		c.logger.InfoContext(ctx, "capsule retrying", "method", req.Method,
			"path", req.URL.Path, "attempt", failures+1, "after", d, "error", err)
		if err := c.clock.Sleep(ctx, d); err != nil {
			return resp, err
		}
	}
}

// attempt sends req once and classifies the outcome.
func (c *Client) attempt(ctx context.Context, req *http.Request, v any, write bool) (*Response, error) {
	try := req.Clone(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			c.pacer.finish(Rate{})
			return nil, errorf("rewinding request body: %w", err)
		}
		try.Body = body
	}
	hr, err := c.http.Do(try)
	if err != nil {
		c.pacer.finish(Rate{})
		c.logger.DebugContext(ctx, "capsule request failed", "method", req.Method, "path", req.URL.Path, "error", err)
		var te *tokenError
		switch {
		case errors.As(err, &te):
			return nil, te // nothing was sent, and retrying will not help
		case write && !notSent(err):
			// Sent, or possibly sent: the server may have stored it. This
			// includes a context cancelled mid-request (errors.Is still
			// finds context.Canceled through the chain).
			return nil, &InDoubtError{Method: req.Method, Path: req.URL.Path, Err: err}
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
		return nil, &netError{err}
	}
	resp := newResponse(hr)
	c.pacer.finish(resp.Rate)
	c.logger.DebugContext(ctx, "capsule request", "method", req.Method, "path", req.URL.Path,
		"status", hr.StatusCode, "remaining", resp.Rate.Remaining)
	if err := CheckResponse(hr); err != nil {
		if hr.StatusCode >= 500 && write {
			return resp, &InDoubtError{Method: req.Method, Path: req.URL.Path, Err: err}
		}
		return resp, err
	}
	defer hr.Body.Close()
	if err := decodeBody(hr.Body, v); err != nil {
		if write {
			// The write was stored (2xx) but its answer was lost: the caller
			// must look the record up rather than resend.
			return resp, &InDoubtError{Method: req.Method, Path: req.URL.Path, Err: err}
		}
		return resp, &netError{err}
	}
	return resp, nil
}

func decodeBody(r io.Reader, v any) error {
	switch v := v.(type) {
	case nil:
		_, err := io.Copy(io.Discard, r)
		return err
	case bodyDecoder:
		return v.decodeFrom(r)
	case io.Writer:
		// Read it all first: a read retried after a cut body must not leave
		// a partial copy in v.
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		_, err = v.Write(data)
		return err
	default:
		if err := json.NewDecoder(r).Decode(v); err != nil && err != io.EOF {
			return errorf("decoding response: %w", err)
		}
		return nil
	}
}

// backoffFor returns an exponential delay with jitter for the n-th failure:
// half fixed, half random, so concurrent clients do not retry in lockstep.
func (c *Client) backoffFor(n int) time.Duration {
	d := c.backoff << (n - 1)
	if d > c.maxBackoff || d <= 0 {
		d = c.maxBackoff
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}
