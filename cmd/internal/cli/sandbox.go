package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

type sandboxOptions struct {
	addr          string
	token         string
	readOnlyToken string
	dataFile      string
	seedFile      string
	rateLimit     string
	latency       time.Duration
	faultRate     float64
	dropRate      float64
	oauthToken    string
	hookScale     float64
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newSandboxCmd(streams *IOStreams, runF func(context.Context, *sandboxOptions) error) *cobra.Command {
	o := &sandboxOptions{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local Capsule API v2 stand-in for rehearsals and tests",
		Long: `Run a local server that behaves like the Capsule CRM API v2, to rehearse a
migration without touching a real account. It prints its base URL and serves
until interrupted (Ctrl+C). Data is kept in memory unless --data is given.

The default token is "` + sandbox.DefaultToken + `". Inspect it with GET /_sandbox/stats;
empty it with POST /_sandbox/reset.`,
		Example: `  capsule-etl sandbox
  capsule-etl sandbox --addr :0 --rate-limit 100/5s --fault-rate 0.05
  capsule-etl sandbox --data sandbox.json --seed seed.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runSandbox(cmd, streams, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT (:0 picks a free port)")
	f.StringVar(&o.token, "token", sandbox.DefaultToken, "bearer token accepted for reads and writes")
	f.StringVar(&o.readOnlyToken, "read-only-token", "", "extra token that may only read (writes get 403)")
	f.StringVar(&o.dataFile, "data", "", "keep the data in this JSON file across restarts (default: in memory)")
	f.StringVar(&o.seedFile, "seed", "", "JSON seed file with users, pipelines, boards, custom fields (see docs)")
	f.StringVar(&o.rateLimit, "rate-limit", "4000/1h", "requests allowed per fixed window, N/DURATION")
	f.DurationVar(&o.latency, "latency", 0, "delay added to every API request, e.g. 50ms")
	f.Float64Var(&o.faultRate, "fault-rate", 0, "fraction of writes failing with a 5xx (half after being applied)")
	f.Float64Var(&o.dropRate, "drop-rate", 0, "fraction of writes applied and then answered by closing the connection")
	f.StringVar(&o.oauthToken, "oauth-token", "", "extra token that counts as an OAuth login of the first user (REST hooks need one)")
	f.Float64Var(&o.hookScale, "hook-retry-scale", 1, "multiply the waits between REST hook delivery attempts (5 attempts over ~21 min; 0.001 for tests)")
	return cmd
}

// parseRateLimit reads "N/DURATION" such as 4000/1h or 100/5s.
func parseRateLimit(s string) (int, time.Duration, error) {
	n, d, found := strings.Cut(s, "/")
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if !found || err != nil || count < 1 {
		return 0, 0, fmt.Errorf("--rate-limit %q: want N/DURATION with N a positive whole number, e.g. 4000/1h or 100/5s", s)
	}
	per, err := time.ParseDuration(strings.TrimSpace(d))
	if err != nil || per < time.Second {
		return 0, 0, fmt.Errorf("--rate-limit %q: want a duration of at least 1s after the slash, e.g. 4000/1h or 100/5s", s)
	}
	return count, per, nil
}

func runSandbox(cmd *cobra.Command, streams *IOStreams, o *sandboxOptions) error {
	n, per, err := parseRateLimit(o.rateLimit)
	if err != nil {
		return usageError(err)
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"--fault-rate", o.faultRate}, {"--drop-rate", o.dropRate}} {
		if r.v < 0 || r.v > 1 {
			return usageError(fmt.Errorf("%s %v: want a fraction between 0 and 1", r.name, r.v))
		}
	}
	if o.faultRate+o.dropRate > 1 {
		return usageError(fmt.Errorf("--fault-rate plus --drop-rate is %v: together they must not exceed 1", o.faultRate+o.dropRate))
	}
	if o.latency < 0 {
		return usageError(fmt.Errorf("--latency %v: want a delay of 0 or more, e.g. 50ms", o.latency))
	}
	if strings.TrimSpace(o.token) == "" {
		return usageError(fmt.Errorf("--token must not be empty"))
	}
	opts := []sandbox.Option{
		sandbox.WithToken(o.token), sandbox.WithRateLimit(n, per), sandbox.WithLatency(o.latency),
		sandbox.WithFaultRate(o.faultRate), sandbox.WithDropRate(o.dropRate),
	}
	if o.readOnlyToken != "" {
		opts = append(opts, sandbox.WithReadOnlyToken(o.readOnlyToken))
	}
	if o.hookScale < 0 {
		return usageError(fmt.Errorf("--hook-retry-scale %v: want 0 or more", o.hookScale))
	}
	opts = append(opts, sandbox.WithHookRetryScale(o.hookScale))
	if o.oauthToken != "" {
		opts = append(opts, sandbox.WithOAuthToken(o.oauthToken, ""))
	}
	if o.seedFile != "" {
		opts = append(opts, sandbox.WithSeedFile(o.seedFile))
	}
	if o.dataFile != "" {
		opts = append(opts, sandbox.WithDataFile(o.dataFile))
	}
	ctx := cmd.Context()
	run, err := sandbox.Start(ctx, o.addr, opts...)
	if err != nil {
		return usageError(err)
	}
	defer run.Close()
	out := streams.Out
	fmt.Fprintf(out, "Capsule sandbox listening on %s\n", run.URL)
	fmt.Fprintf(out, "  export CAPSULE_BASE_URL=%s\n", run.URL)
	if o.token == sandbox.DefaultToken {
		fmt.Fprintf(out, "  export CAPSULE_TOKEN=%s\n", sandbox.DefaultToken)
	} else {
		fmt.Fprintln(out, "  export CAPSULE_TOKEN=...   (use the token you passed with --token)")
	}
	if o.oauthToken != "" {
		fmt.Fprintln(out, "  (for REST hooks: export CAPSULE_TOKEN=...   the token you passed with --oauth-token)")
	}
	fmt.Fprintf(out, "Stats: %s/_sandbox/stats   Hooks: %s/_sandbox/hooks   Stop: Ctrl+C\n", strings.TrimSuffix(run.URL, sandbox.APIPrefix), strings.TrimSuffix(run.URL, sandbox.APIPrefix))
	<-ctx.Done()
	if err := run.Server.Err(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}
