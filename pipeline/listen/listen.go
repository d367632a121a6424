// Package listen keeps a file in step with Capsule: it receives REST hook
// deliveries (hook mode) or polls the `since` and deleted-record feeds
// (poll mode), catches up on start on everything changed while it was not
// running, and writes each change once: appended to a JSON Lines or CSV
// file, or rolled into numbered Parquet part files. CSV and Parquet write
// one file (or series of parts) per entity, with the change columns and
// then the columns `export` writes for that entity (pipeline/export/layout).
package listen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
)

// DefaultEvents are every party, opportunity and project event.
var DefaultEvents = []string{
	"party/created", "party/updated", "party/deleted",
	"opportunity/created", "opportunity/updated", "opportunity/deleted", "opportunity/closed", "opportunity/moved",
	"kase/created", "kase/updated", "kase/deleted", "kase/closed", "kase/moved",
}

// Defaults of Config.
const (
	DefaultOverlap = 5 * time.Minute
	DefaultMaxBody = 10 << 20
	// DefaultRollEvery is how long Parquet changes wait for their part.
	DefaultRollEvery = 15 * time.Minute
	// Embed is asked for in hooks and catch-up alike, so both give the
	// same record.
	Embed = "tags,fields"
)

// Config is one listener.
type Config struct {
	Client  *capsule.Client
	Output  string // .jsonl, .csv (one file per entity) or .parquet (parts per entity)
	Journal string // default Output + ".journal"
	Events  []string

	// Hook mode: PublicURL is where Capsule reaches Addr.
	PublicURL string
	Addr      string
	// Poll mode.
	Poll time.Duration

	// Parquet: a part is written once an entity has RollCount pending
	// changes or its oldest pending change is RollInterval old (default
	// DefaultRollEvery), and on stop.
	RollCount    int
	RollInterval time.Duration

	Overlap           time.Duration // catch-up starts this long before the cursor
	UnsubscribeOnExit bool
	MaxBody           int64
	Logger            *slog.Logger
	// Ready, when set, is called with the address the receiver listens on
	// once catch-up is done (tests, the live line).
	Ready func(addr string)
	// Now replaces time.Now (cursor stamps).
	Now func() time.Time
}

// Stats counts what a listener did.
type Stats struct {
	Deliveries int            // accepted deliveries
	Written    int            // changes appended
	Duplicates int            // changes already in the output
	Rejected   int            // 400/404/413 answers
	PerEvent   map[string]int // written changes per event
	Last       time.Time      // last accepted delivery
	// Lag is the time from the last written change's updatedAt (or
	// deletedAt) to its receipt.
	Lag time.Duration
}

// HookForbiddenError is Capsule refusing hook management: hooks need an
// OAuth sign-in as an account administrator.
type HookForbiddenError struct{ Err error }

func (e *HookForbiddenError) Error() string {
	return fmt.Sprintf("Capsule refused to manage REST hooks (%v): hooks need an OAuth login as an account administrator", e.Err)
}

func (e *HookForbiddenError) Unwrap() error { return e.Err }

// HookLimitError is the 21st subscription.
type HookLimitError struct {
	Existing int
	Err      error
}

func (e *HookLimitError) Error() string {
	return fmt.Sprintf("Capsule allows %d REST hooks per account and %d are in use (%v)", capsule.MaxRestHooks, e.Existing, e.Err)
}

func (e *HookLimitError) Unwrap() error { return e.Err }

// Listener runs one Config.
type Listener struct {
	cfg   Config
	st    *store
	out   sink
	log   *slog.Logger
	mu    sync.Mutex
	stats Stats
}

// Run listens until ctx is cancelled, then finishes in-flight deliveries,
// flushes and returns nil.
func Run(ctx context.Context, cfg Config) (Stats, error) {
	l, err := New(cfg)
	if err != nil {
		return Stats{}, err
	}
	err = l.Run(ctx)
	return l.Stats(), err
}

// Run listens until ctx is cancelled (see the package Run); it closes the
// output and the journal when it returns.
func (l *Listener) Run(ctx context.Context) error {
	defer l.close()
	if l.cfg.Poll > 0 {
		return l.runPoll(ctx)
	}
	return l.runHooks(ctx)
}

// New opens the output and the journal of a listener.
func New(cfg Config) (*Listener, error) {
	if cfg.Client == nil {
		return nil, errors.New("listen: no client")
	}
	if (cfg.PublicURL == "") == (cfg.Poll <= 0) {
		return nil, errors.New("listen: give either a public URL (hook mode) or a poll interval (poll mode)")
	}
	if len(cfg.Events) == 0 {
		cfg.Events = DefaultEvents
	}
	for _, ev := range cfg.Events {
		if err := capsule.CheckHookEvent(ev); err != nil {
			return nil, err
		}
	}
	if cfg.Journal == "" {
		cfg.Journal = cfg.Output + ".journal"
	}
	if cfg.Overlap <= 0 {
		cfg.Overlap = DefaultOverlap
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8787"
	}
	st, err := openStore(cfg.Journal)
	if err != nil {
		return nil, err
	}
	var out sink
	if isTableOutput(cfg.Output) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		out, err = openTable(ctx, &cfg, st)
		cancel()
	} else {
		out, err = openOutput(cfg.Output)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return &Listener{cfg: cfg, st: st, out: out, log: cfg.Logger, stats: Stats{PerEvent: map[string]int{}}}, nil
}

func (l *Listener) close() {
	l.out.Close()
	l.st.Close()
}

// Stats returns a copy of the counters.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats
	s.PerEvent = map[string]int{}
	for k, v := range l.stats.PerEvent {
		s.PerEvent[k] = v
	}
	return s
}

// write appends changes and counts them.
func (l *Listener) write(cs []Change) (int, error) {
	n, err := l.out.Write(cs)
	if err != nil {
		return 0, err
	}
	l.mu.Lock()
	l.stats.Written += n
	l.stats.Duplicates += len(cs) - n
	for _, c := range cs {
		l.stats.PerEvent[c.Event]++
	}
	if len(cs) > 0 {
		if lag, ok := cs[len(cs)-1].lag(); ok {
			l.stats.Lag = lag
		}
	}
	l.mu.Unlock()
	return n, nil
}

// entities are the record kinds the events cover, for catch-up.
func (l *Listener) entities() []capsule.Entity {
	var out []capsule.Entity
	for _, ev := range l.cfg.Events {
		e, _ := capsule.HookEntity(ev)
		switch e {
		case capsule.EntityParties, capsule.EntityOpportunities, capsule.EntityKases, "tasks":
		default:
			continue // users have no since feed
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

func (l *Listener) wants(entity capsule.Entity, verb string) bool {
	sing := map[capsule.Entity]string{capsule.EntityParties: "party", capsule.EntityOpportunities: "opportunity", capsule.EntityKases: "kase", "tasks": "task"}[entity]
	if verb == "updated" {
		// Catch-up sees the state, not the event: any change event counts.
		for _, ev := range l.cfg.Events {
			if strings.HasPrefix(ev, sing+"/") && !strings.HasSuffix(ev, "/deleted") {
				return true
			}
		}
		return false
	}
	return slices.Contains(l.cfg.Events, sing+"/"+verb)
}

// catchUp writes every change and deletion after since.
func (l *Listener) catchUp(ctx context.Context, since time.Time) (int, error) {
	// A catch-up is a few pages per entity: at full speed unless the
	// budget is short (then the pacer spreads them).
	l.cfg.Client.Pacer().SetPending(4 * len(l.entities()))
	received := stamp(l.cfg.Now())
	total := 0
	for _, e := range l.entities() {
		sing := map[capsule.Entity]string{capsule.EntityParties: "party", capsule.EntityOpportunities: "opportunity", capsule.EntityKases: "kase", "tasks": "task"}[e]
		if l.wants(e, "updated") {
			path := fmt.Sprintf("%s?since=%s&perPage=100&embed=%s", e, stamp(since), Embed)
			if e == "tasks" {
				path += "&status=open,completed,pending"
			}
			var cs []Change
			err := pages(ctx, l.cfg.Client, path, string(e), func(raw json.RawMessage) error {
				var r struct {
					ID        int64  `json:"id"`
					UpdatedAt string `json:"updatedAt"`
				}
				if err := json.Unmarshal(raw, &r); err != nil || r.ID == 0 {
					return fmt.Errorf("catch-up %s: a record without an id: %s", e, truncate(raw))
				}
				cs = append(cs, Change{Event: sing + "/updated", Entity: string(e), ID: r.ID, UpdatedAt: r.UpdatedAt, ReceivedAt: received, Record: raw})
				return nil
			})
			if err != nil {
				return total, err
			}
			n, err := l.write(cs)
			if err != nil {
				return total, err
			}
			total += n
		}
		if e != "tasks" && l.wants(e, "deleted") {
			var cs []Change
			err := pages(ctx, l.cfg.Client, fmt.Sprintf("%s/deleted?since=%s&perPage=100", e, stamp(since)), string(e), func(raw json.RawMessage) error {
				var r struct {
					ID        int64  `json:"id"`
					DeletedAt string `json:"deletedAt"`
				}
				if err := json.Unmarshal(raw, &r); err != nil || r.ID == 0 {
					return fmt.Errorf("catch-up %s/deleted: an entry without an id: %s", e, truncate(raw))
				}
				cs = append(cs, Change{Event: sing + "/deleted", Entity: string(e), ID: r.ID, DeletedAt: r.DeletedAt, ReceivedAt: received, Record: raw})
				return nil
			})
			if err != nil {
				return total, err
			}
			n, err := l.write(cs)
			if err != nil {
				return total, err
			}
			total += n
		}
	}
	return total, nil
}

// pages walks a list by its Link headers, giving each item of key.
func pages(ctx context.Context, c *capsule.Client, path, key string, each func(json.RawMessage) error) error {
	for path != "" {
		req, err := c.NewRequest(ctx, http.MethodGet, path, nil)
		if err != nil {
			return err
		}
		var body strings.Builder
		resp, err := c.Do(ctx, req, &body)
		if err != nil {
			return err
		}
		var page map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body.String()), &page); err != nil {
			return fmt.Errorf("GET %s: answer is not a JSON object: %w", key, err)
		}
		var items []json.RawMessage
		if raw, ok := page[key]; ok {
			if err := json.Unmarshal(raw, &items); err != nil {
				return fmt.Errorf("GET %s: %q is not a list: %w", key, key, err)
			}
		}
		for _, it := range items {
			if err := each(it); err != nil {
				return err
			}
		}
		path = resp.NextURL
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// since is where catch-up starts: the cursor less the overlap, or on the
// first run the moment the listener started (nothing before it is wanted).
func (l *Listener) since(ctx context.Context, start time.Time) (time.Time, error) {
	cur, ok, err := l.st.cursor(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("journal %s: %w", l.cfg.Journal, err)
	}
	if !ok {
		return start.Add(-time.Second), nil
	}
	return cur.Add(-l.cfg.Overlap), nil
}

// runPoll catches up every interval.
func (l *Listener) runPoll(ctx context.Context) error {
	start := l.cfg.Now()
	first := true
	for {
		began := l.cfg.Now()
		since, err := l.since(ctx, start)
		if err != nil {
			return err
		}
		n, err := l.catchUp(ctx, since)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// A failed poll is retried at the next interval; the cursor
			// stays, so nothing is missed.
			l.log.Warn("poll failed; retrying at the next interval", "error", err)
		} else {
			if err := l.st.setCursor(context.WithoutCancel(ctx), began); err != nil {
				return fmt.Errorf("journal %s: %w", l.cfg.Journal, err)
			}
			l.log.Info("poll", "since", stamp(since), "written", n)
		}
		if first && l.cfg.Ready != nil {
			l.cfg.Ready("")
		}
		first = false
		t := time.NewTimer(l.cfg.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// runHooks serves deliveries.
func (l *Listener) runHooks(ctx context.Context) error {
	start := l.cfg.Now()
	secret, err := l.st.secret(ctx)
	if err != nil {
		return fmt.Errorf("journal %s: %w", l.cfg.Journal, err)
	}
	target := strings.TrimRight(l.cfg.PublicURL, "/") + "/" + secret
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", l.cfg.Addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", l.cfg.Addr, err)
	}
	// Deliveries wait for catch-up: the catch-up writes come first.
	var gate sync.RWMutex
	gate.Lock()
	srv := &http.Server{Handler: l.handler(secret, &gate), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		srv.Shutdown(sctx) // finishes in-flight deliveries
	}
	ids, err := l.subscribe(ctx, target)
	if err != nil {
		gate.Unlock()
		stop()
		return err
	}
	since, err := l.since(ctx, start)
	if err == nil {
		var n int
		n, err = l.catchUp(ctx, since)
		l.log.Info("caught up", "since", stamp(since), "written", n)
	}
	gate.Unlock()
	if err != nil {
		stop()
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("catching up: %w", err)
	}
	if err := l.st.setCursor(ctx, start); err != nil {
		stop()
		return err
	}
	if l.cfg.Ready != nil {
		l.cfg.Ready(ln.Addr().String())
	}
	// The cursor moves while deliveries keep coming: it marks the last
	// moment the receiver was known to be up.
	beat := time.NewTicker(time.Second)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			stop()
			_ = l.st.setCursor(context.Background(), l.cfg.Now())
			if l.cfg.UnsubscribeOnExit {
				l.unsubscribe(ids)
			}
			return nil
		case err := <-served:
			if !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("receiver: %w", err)
			}
			return nil
		case <-beat.C:
			if err := l.st.setCursor(ctx, l.cfg.Now()); err != nil && ctx.Err() == nil {
				l.log.Warn("journal: could not move the cursor", "error", err)
			}
		}
	}
}

// subscribe makes sure one hook per event points at target, reusing what
// the journal and Capsule already hold.
func (l *Listener) subscribe(ctx context.Context, target string) ([]int64, error) {
	c := l.cfg.Client
	c.Pacer().SetPending(1 + 2*len(l.cfg.Events))
	live, _, err := c.RestHooks.List(ctx)
	if err != nil {
		if capsule.IsHookForbidden(err) {
			return nil, &HookForbiddenError{Err: err}
		}
		return nil, fmt.Errorf("listing REST hooks: %w", err)
	}
	mine, err := l.st.hooks(ctx)
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", l.cfg.Journal, err)
	}
	have := map[string]int64{}
	liveIDs := map[int64]bool{}
	for _, h := range live {
		liveIDs[h.ID] = true
		if h.TargetURL == target {
			have[h.Event] = h.ID
		}
	}
	// Forget hooks Capsule removed (410, failed deliveries), and remove
	// ours that point elsewhere (an old public URL).
	for _, h := range mine {
		switch {
		case !liveIDs[h.ID]:
			l.log.Info("subscription gone; subscribing again", "event", h.Event, "id", h.ID)
			_ = l.st.dropHook(ctx, h.ID)
		case h.TargetURL != target:
			if _, err := c.RestHooks.Delete(ctx, h.ID); err == nil {
				_ = l.st.dropHook(ctx, h.ID)
				delete(liveIDs, h.ID)
			}
		}
	}
	var ids []int64
	for _, ev := range l.cfg.Events {
		if id, ok := have[ev]; ok {
			ids = append(ids, id)
			if err := l.st.addHook(ctx, hookRow{ID: id, Event: ev, TargetURL: target}); err != nil {
				return nil, err
			}
			continue
		}
		h, _, err := c.RestHooks.Create(ctx, &capsule.RestHook{Event: ev, TargetURL: target,
			Description: capsule.Some("capsule-etl listen"), Embed: capsule.Some(Embed)})
		if err != nil {
			var er *capsule.ErrorResponse
			switch {
			case capsule.IsHookForbidden(err):
				return nil, &HookForbiddenError{Err: err}
			case errors.As(err, &er) && er.StatusCode() == http.StatusUnprocessableEntity && len(liveIDs)+len(ids) >= capsule.MaxRestHooks:
				return nil, &HookLimitError{Existing: len(liveIDs), Err: err}
			}
			return nil, fmt.Errorf("subscribing %s: %w", ev, err)
		}
		liveIDs[h.ID] = true
		ids = append(ids, h.ID)
		if err := l.st.addHook(ctx, hookRow{ID: h.ID, Event: ev, TargetURL: target}); err != nil {
			return nil, err
		}
		l.log.Info("subscribed", "event", ev, "id", h.ID)
	}
	return ids, nil
}

func (l *Listener) unsubscribe(ids []int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l.cfg.Client.Pacer().SetPending(len(ids))
	for _, id := range ids {
		if _, err := l.cfg.Client.RestHooks.Delete(ctx, id); err != nil {
			l.log.Warn("unsubscribing", "id", id, "error", err)
			continue
		}
		_ = l.st.dropHook(ctx, id)
	}
}

// handler answers deliveries at /<secret>; everything else is 404, and the
// secret is never logged.
func (l *Listener) handler(secret string, gate *sync.RWMutex) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+secret {
			l.reject(w, http.StatusNotFound, "delivery to an unknown path")
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			l.reject(w, http.StatusMethodNotAllowed, "delivery with method "+r.Method)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, l.cfg.MaxBody))
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				l.reject(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("delivery body over %d bytes", l.cfg.MaxBody))
				return
			}
			l.reject(w, http.StatusBadRequest, "delivery body could not be read: "+err.Error())
			return
		}
		cs, err := l.parse(body)
		if err != nil {
			l.reject(w, http.StatusBadRequest, err.Error())
			return
		}
		gate.RLock()
		n, err := l.write(cs)
		gate.RUnlock()
		if err != nil {
			l.log.Error("delivery not stored; Capsule will retry", "error", err)
			http.Error(w, "not stored", http.StatusInternalServerError)
			return
		}
		l.mu.Lock()
		l.stats.Deliveries++
		l.stats.Last = l.cfg.Now()
		l.mu.Unlock()
		ev := ""
		if len(cs) > 0 {
			ev = cs[0].Event
		}
		l.log.Debug("delivery", "event", ev, "changes", len(cs), "written", n, "duplicates", len(cs)-n)
		w.WriteHeader(http.StatusOK)
	})
}

func (l *Listener) reject(w http.ResponseWriter, status int, why string) {
	l.mu.Lock()
	l.stats.Rejected++
	l.mu.Unlock()
	l.log.Warn("delivery refused", "status", status, "reason", why)
	http.Error(w, http.StatusText(status), status)
}

// parse turns a delivery into changes.
func (l *Listener) parse(body []byte) ([]Change, error) {
	var d capsule.HookDelivery
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("delivery is not valid JSON: %v", err)
	}
	if err := capsule.CheckHookEvent(d.Event); err != nil {
		return nil, fmt.Errorf("delivery: %v", err)
	}
	e, _ := capsule.HookEntity(d.Event)
	now := l.cfg.Now()
	received := stamp(now)
	cs := make([]Change, 0, len(d.Payload))
	for i, raw := range d.Payload {
		var r struct {
			ID        int64  `json:"id"`
			UpdatedAt string `json:"updatedAt"`
		}
		if err := json.Unmarshal(raw, &r); err != nil || r.ID == 0 {
			return nil, fmt.Errorf("delivery %s: payload[%d] is not a record with an id", d.Event, i)
		}
		c := Change{Event: d.Event, Entity: string(e), ID: r.ID, ReceivedAt: received, Record: raw}
		if strings.HasSuffix(d.Event, "/deleted") {
			c.DeletedAt = received
		} else {
			c.UpdatedAt = r.UpdatedAt
		}
		cs = append(cs, c)
	}
	return cs, nil
}
