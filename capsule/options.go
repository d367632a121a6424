package capsule

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Defaults of NewClient.
const (
	DefaultBaseURL     = "https://api.capsulecrm.com/api/v2"
	DefaultUserAgent   = "capsule-etl"
	DefaultMaxAttempts = 4 // per read: first try plus 3 retries
	DefaultBackoff     = 500 * time.Millisecond
	DefaultMaxBackoff  = 30 * time.Second
	DefaultTimeout     = 60 * time.Second // per HTTP attempt
	// maxRateLimitWaits bounds how many 429s one call sits out.
	maxRateLimitWaits = 5
	// rateLimitFallback is the wait after a 429 without X-RateLimit-Reset.
	rateLimitFallback = time.Minute
)

// Option configures a Client.
type Option func(*config) error

type config struct {
	baseURL     string
	source      oauth2.TokenSource
	httpClient  *http.Client
	clock       Clock
	reserve     float64
	userAgent   string
	logger      *slog.Logger
	maxAttempts int
	backoff     time.Duration
	maxBackoff  time.Duration
}

// WithBaseURL sets the API root (default DefaultBaseURL), e.g. a sandbox.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		parsed, err := url.Parse(u)
		if err != nil || parsed.Scheme == "" || parsed.Host == "" {
			return errorf("base URL %q: want an absolute http(s) URL", u)
		}
		c.baseURL = strings.TrimRight(u, "/")
		return nil
	}
}

// WithToken authenticates with a personal access token.
func WithToken(token string) Option {
	return func(c *config) error {
		if token == "" {
			return errorf("empty token")
		}
		c.source = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})
		return nil
	}
}

// WithTokenSource authenticates with OAuth 2 tokens (refreshed by the source).
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error { c.source = ts; return nil }
}

// WithHTTPClient sets the underlying HTTP client; its Transport is wrapped
// to add the Authorization header.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { c.httpClient = hc; return nil }
}

// WithClock injects the time source of pacing and backoff.
func WithClock(clock Clock) Option {
	return func(c *config) error { c.clock = clock; return nil }
}

// WithReserve keeps percent (0 to MaxReserve, default DefaultReserve) of
// the hourly budget unused.
func WithReserve(percent float64) Option {
	return func(c *config) error {
		if err := CheckReserve(percent); err != nil {
			return errorf("reserve %g%%: %w", percent, err)
		}
		c.reserve = percent
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error { c.userAgent = ua; return nil }
}

// WithLogger logs one debug line per attempt and retries/waits at info.
// Headers and bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithRetry sets the attempts per read and the backoff bounds.
func WithRetry(maxAttempts int, backoff, maxBackoff time.Duration) Option {
	return func(c *config) error {
		if maxAttempts < 1 || backoff < 0 || maxBackoff < backoff {
			return errorf("retry: want maxAttempts >= 1 and 0 <= backoff <= maxBackoff")
		}
		c.maxAttempts, c.backoff, c.maxBackoff = maxAttempts, backoff, maxBackoff
		return nil
	}
}
