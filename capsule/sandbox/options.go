package sandbox

import (
	"math/rand/v2"
	"time"
)

// Defaults of the options.
const (
	DefaultToken     = "sandbox-token"
	DefaultRateLimit = 4000
	DefaultRatePer   = time.Hour
)

// Option configures a Server.
type Option func(*config)

type config struct {
	token         string
	readOnlyToken string
	rateN         int
	ratePer       time.Duration
	latency       time.Duration
	faultRate     float64
	dropRate      float64
	seed          Seed
	seedFile      string
	dataFile      string
	oauthLifetime time.Duration
	clock         func() time.Time
	rng           *rand.Rand
	hookScale     float64
	hookTimeout   time.Duration
	oauthTokens   map[string]string // token → username
}

// WithToken sets the read-write bearer token of the seed's first user
// (default DefaultToken).
func WithToken(t string) Option { return func(c *config) { c.token = t } }

// WithReadOnlyToken adds a token that may read but gets 403 on writes.
func WithReadOnlyToken(t string) Option { return func(c *config) { c.readOnlyToken = t } }

// WithRateLimit allows n requests per fixed window of length per, per token
// (default 4000 per hour, like Capsule).
func WithRateLimit(n int, per time.Duration) Option {
	return func(c *config) { c.rateN, c.ratePer = n, per }
}

// WithLatency delays every API response by d.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithFaultRate makes fraction f of writes fail with a 5xx: half before the
// write is applied, half after it (the case a retrying client must survive).
func WithFaultRate(f float64) Option { return func(c *config) { c.faultRate = f } }

// WithDropRate makes fraction f of writes apply and then close the
// connection without any response.
func WithDropRate(f float64) Option { return func(c *config) { c.dropRate = f } }

// WithSeed sets the reference data the sandbox starts with and resets to.
func WithSeed(s Seed) Option { return func(c *config) { c.seed = s } }

// WithSeedFile reads the seed from a JSON file (see LoadSeed); an error
// is reported by Server.Err and Start.
func WithSeedFile(path string) Option { return func(c *config) { c.seedFile = path } }

// WithDataFile keeps the state in path across restarts; it is rewritten
// atomically after every successful write.
func WithDataFile(path string) Option { return func(c *config) { c.dataFile = path } }

// WithClock replaces time.Now (timestamps, rate-limit windows).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithRand sets the random source deciding injected faults, for
// deterministic tests.
func WithRand(r *rand.Rand) Option { return func(c *config) { c.rng = r } }
