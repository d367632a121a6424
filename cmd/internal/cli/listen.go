package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/listen"
	"github.com/spf13/cobra"
)

type listenOptions struct {
	account           accountOptions
	output            string
	events            string
	publicURL         string
	addr              string
	poll              time.Duration
	journal           string
	overlap           time.Duration
	unsubscribeOnExit bool
}

func newListenCmd(streams *IOStreams) *cobra.Command {
	o := &listenOptions{}
	cmd := &cobra.Command{
		Use:   "listen --output FILE (--public-url URL [--addr HOST:PORT] | --poll INTERVAL)",
		Short: "Keep a file in step with Capsule: every change, once, as it happens",
		Long: `Append every change in Capsule to a JSON Lines file, one change per line, with
the keys event, entity, id, updatedAt (or deletedAt), receivedAt and record
(the record as the API returns it, with tags and fields).

Hook mode (--public-url): Capsule POSTs each change to URL/<secret path>, where
URL is an address Capsule can reach (a tunnel or reverse proxy in front of
--addr). Capsule signs nothing, so the unguessable path is the only proof of
origin: anything else gets 404. The subscriptions (one per event, default every
party, opportunity and project event) and the secret are kept in the journal,
so a restart reuses them. A delivery is answered 200 only once its changes are
fsynced. Hooks need an OAuth login as an account administrator
('capsule-etl auth login --oauth').

Poll mode (--poll 5m): for machines nothing can reach; reads the since and
deleted-record feeds on the interval. Any token works.

Both modes catch up on start on everything changed or deleted since the
journal's cursor (less --overlap), so nothing is lost while the listener was
down; a change already in the file is never written twice. Catch-up writes
…/updated and …/deleted events. Ctrl+C (or SIGTERM) finishes in-flight
deliveries and exits 0.

Exit status: 0 after a clean stop; 1 on a fatal error; 2 for usage errors
(bad flags, no token, a login that may not manage hooks).`,
		Example: `  capsule-etl listen --output changes.jsonl --public-url https://crm-hooks.example.org --addr 127.0.0.1:8787
  capsule-etl listen --output changes.jsonl --poll 5m
  capsule-etl listen --output deals.jsonl --events opportunity/closed,opportunity/moved --poll 1m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runListen(cmd, o, streams) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "the JSON Lines file changes are appended to (.jsonl)")
	f.StringVar(&o.events, "events", "", "comma-separated events (default: every party, opportunity and kase event)")
	f.StringVar(&o.publicURL, "public-url", "", "hook mode: the address at which Capsule reaches --addr, e.g. https://hooks.example.org")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8787", "hook mode: where the receiver listens, HOST:PORT")
	f.DurationVar(&o.poll, "poll", 0, "poll mode: how often to read the feeds, e.g. 5m")
	f.StringVar(&o.journal, "journal", "", "the listener's journal (default: the output file + .journal)")
	f.DurationVar(&o.overlap, "overlap", listen.DefaultOverlap, "catch-up re-reads this long before the cursor (clock skew, late deliveries)")
	f.BoolVar(&o.unsubscribeOnExit, "unsubscribe-on-exit", false, "hook mode: remove the subscriptions on a clean stop")
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runListen(cmd *cobra.Command, o *listenOptions, streams *IOStreams) error {
	ctx := cmd.Context()
	switch {
	case o.output == "":
		return usageError(errors.New("listen needs --output FILE (a .jsonl file)\nRun 'capsule-etl listen --help' for usage"))
	case o.publicURL != "" && o.poll > 0:
		return usageError(errors.New("--public-url (hook mode) and --poll (poll mode) exclude each other: choose one"))
	case o.publicURL == "" && o.poll <= 0:
		return usageError(errors.New("listen needs --public-url URL (hook mode, Capsule pushes changes) or --poll INTERVAL (poll mode, e.g. --poll 5m)"))
	case o.poll > 0 && o.poll < time.Second:
		return usageError(fmt.Errorf("--poll %v: want at least 1s, e.g. --poll 5m", o.poll))
	case o.overlap < 0:
		return usageError(fmt.Errorf("--overlap %v: want 0 or more", o.overlap))
	}
	if !strings.HasSuffix(strings.ToLower(o.output), ".jsonl") {
		return usageError(fmt.Errorf("--output %s: listen writes JSON Lines; name the file .jsonl (CSV and Parquet output are not supported yet)", o.output))
	}
	if o.publicURL != "" {
		u, err := url.Parse(o.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError(fmt.Errorf("--public-url %q: want an absolute http or https URL, e.g. https://hooks.example.org", o.publicURL))
		}
	}
	var events []string
	if o.events != "" {
		for _, ev := range strings.Split(o.events, ",") {
			ev = strings.TrimSpace(ev)
			if ev == "" {
				continue
			}
			if err := capsule.CheckHookEvent(ev); err != nil {
				return usageError(fmt.Errorf("--events: %w", err))
			}
			if !slices.Contains(events, ev) {
				events = append(events, ev)
			}
		}
	}
	jsonLog, err := commandLogger(cmd, streams.ErrOut)
	if err != nil {
		return usageError(err)
	}
	logger := jsonLog
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	} else {
		logger = slog.New(slog.NewJSONHandler(streams.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	client, err := o.account.newClient()
	if err != nil {
		return err
	}
	cfg := listen.Config{
		Client: client, Output: o.output, Journal: o.journal, Events: events,
		PublicURL: o.publicURL, Addr: o.addr, Poll: o.poll, Overlap: o.overlap,
		UnsubscribeOnExit: o.unsubscribeOnExit, Logger: logger,
	}
	live := jsonLog == nil && streams.IsStderrTTY()
	cfg.Ready = func(addr string) {
		// On stdout, for people and scripts waiting for it; the secret
		// path is never shown.
		if addr != "" {
			fmt.Fprintf(streams.Out, "capsule-etl listen: listening on %s for Capsule deliveries (via %s/…); appending changes to %s\n", addr, strings.TrimRight(o.publicURL, "/"), o.output)
		} else {
			fmt.Fprintf(streams.Out, "capsule-etl listen: listening for changes by polling every %v; appending changes to %s\n", o.poll, o.output)
		}
	}
	l, err := listen.New(cfg)
	if err != nil {
		return usageError(err)
	}
	stopLive := func() {}
	if live {
		stopLive = liveLine(ctx, l, streams.ErrOut)
	}
	err = l.Run(ctx)
	stopLive()
	if err != nil {
		var fe *listen.HookForbiddenError
		var le *listen.HookLimitError
		if errors.As(err, &fe) || errors.As(err, &le) {
			return hookError(err, o.account.resolvedBaseURL())
		}
		return reachHint(err, o.account.resolvedBaseURL())
	}
	st := l.Stats()
	logger.Info("stopped", "deliveries", st.Deliveries, "written", st.Written, "duplicates", st.Duplicates, "refused", st.Rejected)
	return nil
}

// liveLine redraws one status line every second: changes per event, the
// last delivery and how long ago it was.
func liveLine(ctx context.Context, l *listen.Listener, w io.Writer) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-ctx.Done():
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
			}
			st := l.Stats()
			keys := make([]string, 0, len(st.PerEvent))
			for k := range st.PerEvent {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var b strings.Builder
			for _, k := range keys {
				fmt.Fprintf(&b, "%s %d  ", k, st.PerEvent[k])
			}
			last := "no delivery yet"
			if !st.Last.IsZero() {
				last = fmt.Sprintf("last delivery %s ago", time.Since(st.Last).Round(time.Second))
			}
			fmt.Fprintf(w, "\r\033[K%swritten %d, duplicates %d, %s", b.String(), st.Written, st.Duplicates, last)
		}
	}()
	return func() { close(done); <-stopped }
}
