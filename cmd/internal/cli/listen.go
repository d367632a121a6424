package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
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
	rollEvery         string
}

func newListenCmd(streams *IOStreams) *cobra.Command {
	o := &listenOptions{}
	cmd := &cobra.Command{
		Use:   "listen --output FILE (--public-url URL [--addr HOST:PORT] | --poll INTERVAL)",
		Short: "Keep a file in step with Capsule: every change, once, as it happens",
		Long: `Write every change in Capsule to a file, once, as it happens.

  .jsonl    one change per line, appended, with the keys event, entity, id,
            updatedAt (or deletedAt), receivedAt and record (the record as
            the API returns it, with tags and fields).
  .csv      one file per entity, the entity inserted before the extension
            (--output changes.csv writes changes.parties.csv,
            changes.opportunities.csv, changes.kases.csv), appended; the
            columns event, entity, id, updatedAt, deletedAt, receivedAt and
            then the columns 'capsule-etl export' writes for that entity (its
            ID is the id column), fixed when the file is started: custom
            fields defined later need a new file, and a party with more than
            3 e-mails/phones/websites or 2 addresses gets its first ones (a
            warning names it).
  .parquet  the same columns, in numbered part files per entity
            (changes.parties.000001.parquet, ...), since Parquet cannot be
            appended: changes wait in the journal until --roll-every (a count,
            e.g. 1000, or a duration, e.g. 15m) closes a part, which is
            written under a temporary name and renamed into place; a clean
            stop writes the last part.

Hook mode (--public-url): Capsule POSTs each change to URL/<secret path>, where
URL is an address Capsule can reach (a tunnel or reverse proxy in front of
--addr). Capsule signs nothing, so the unguessable path is the only proof of
origin: anything else gets 404. The subscriptions (one per event, default every
party, opportunity and project event) and the secret are kept in the journal,
so a restart reuses them. A delivery is answered 200 only once its changes are
fsynced (to the file, or for Parquet to the journal). Hooks need an OAuth login as an account administrator
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
  capsule-etl listen --output changes.csv --poll 5m
  capsule-etl listen --output warehouse/changes.parquet --roll-every 1h --public-url https://crm-hooks.example.org
  capsule-etl listen --output deals.jsonl --events opportunity/closed,opportunity/moved --poll 1m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runListen(cmd, o, streams) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "where changes go: .jsonl, .csv (one file per entity) or .parquet (part files per entity)")
	f.StringVar(&o.events, "events", "", "comma-separated events (default: every party, opportunity and kase event)")
	f.StringVar(&o.publicURL, "public-url", "", "hook mode: the address at which Capsule reaches --addr, e.g. https://hooks.example.org")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8787", "hook mode: where the receiver listens, HOST:PORT")
	f.DurationVar(&o.poll, "poll", 0, "poll mode: how often to read the feeds, e.g. 5m")
	f.StringVar(&o.journal, "journal", "", "the listener's journal (default: the output file + .journal)")
	f.DurationVar(&o.overlap, "overlap", listen.DefaultOverlap, "catch-up re-reads this long before the cursor (clock skew, late deliveries)")
	f.StringVar(&o.rollEvery, "roll-every", "", "Parquet: close a part after N changes of an entity or when its oldest change is DURATION old (default 15m)")
	f.BoolVar(&o.unsubscribeOnExit, "unsubscribe-on-exit", false, "hook mode: remove the subscriptions on a clean stop")
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runListen(cmd *cobra.Command, o *listenOptions, streams *IOStreams) error {
	ctx := cmd.Context()
	switch {
	case o.output == "":
		return usageError(errors.New("listen needs --output FILE (.jsonl, .csv or .parquet)\nRun 'capsule-etl listen --help' for usage"))
	case o.publicURL != "" && o.poll > 0:
		return usageError(errors.New("--public-url (hook mode) and --poll (poll mode) exclude each other: choose one"))
	case o.publicURL == "" && o.poll <= 0:
		return usageError(errors.New("listen needs --public-url URL (hook mode, Capsule pushes changes) or --poll INTERVAL (poll mode, e.g. --poll 5m)"))
	case o.poll > 0 && o.poll < time.Second:
		return usageError(fmt.Errorf("--poll %v: want at least 1s, e.g. --poll 5m", o.poll))
	case o.overlap < 0:
		return usageError(fmt.Errorf("--overlap %v: want 0 or more", o.overlap))
	}
	format := strings.ToLower(filepath.Ext(o.output))
	if format != ".jsonl" && format != ".csv" && format != ".parquet" {
		return usageError(fmt.Errorf("--output %s: listen writes .jsonl, .csv or .parquet; name the file with one of those extensions", o.output))
	}
	var rollN int
	var rollDur time.Duration
	if o.rollEvery != "" {
		if format != ".parquet" {
			return usageError(fmt.Errorf("--roll-every is for .parquet output (%s is appended as changes come)", o.output))
		}
		if n, err := strconv.Atoi(o.rollEvery); err == nil {
			if n < 1 {
				return usageError(fmt.Errorf("--roll-every %s: want at least 1 change, or a duration such as 15m", o.rollEvery))
			}
			rollN = n
		} else if d, err := time.ParseDuration(o.rollEvery); err == nil && d >= time.Second {
			rollDur = d
		} else {
			return usageError(fmt.Errorf("--roll-every %q: want a number of changes (1000) or a duration of at least 1s (15m, 1h)", o.rollEvery))
		}
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
		RollCount: rollN, RollInterval: rollDur,
	}
	live := jsonLog == nil && streams.IsStderrTTY()
	cfg.Ready = func(addr string) {
		// On stdout, for people and scripts waiting for it; the secret
		// path is never shown.
		if addr != "" {
			fmt.Fprintf(streams.Out, "capsule-etl listen: listening on %s for Capsule deliveries (via %s/…); writing changes to %s\n", addr, strings.TrimRight(o.publicURL, "/"), o.output)
		} else {
			fmt.Fprintf(streams.Out, "capsule-etl listen: listening for changes by polling every %v; writing changes to %s\n", o.poll, o.output)
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

// liveStatus is the live line: changes per event, the last delivery and
// how long ago it was, and the lag (from the last change's updatedAt to its
// receipt).
func liveStatus(st listen.Stats, now time.Time) string {
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
		last = fmt.Sprintf("last delivery %s ago", now.Sub(st.Last).Round(time.Second))
	}
	lag := ""
	if st.Written > 0 || len(st.PerEvent) > 0 {
		lag = fmt.Sprintf(", lag %s", st.Lag.Round(time.Second))
	}
	return fmt.Sprintf("%swritten %d, duplicates %d, %s%s", b.String(), st.Written, st.Duplicates, last, lag)
}

// liveLine redraws one status line every second (liveStatus).
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
			fmt.Fprintf(w, "\r\033[K%s", liveStatus(l.Stats(), time.Now()))
		}
	}()
	return func() { close(done); <-stopped }
}
