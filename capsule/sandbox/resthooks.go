package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// MaxRestHooks is how many REST hook subscriptions an account may hold.
const MaxRestHooks = 20

// HookEvents are the events a REST hook may subscribe (API doc §22).
var HookEvents = []string{
	"party/created", "party/updated", "party/deleted",
	"kase/created", "kase/updated", "kase/deleted", "kase/closed", "kase/moved",
	"opportunity/created", "opportunity/updated", "opportunity/deleted", "opportunity/closed", "opportunity/moved",
	"task/created", "task/updated", "task/completed",
	"user/created", "user/updated", "user/deleted",
}

// DefaultHookSchedule is the wait before each of the 5 delivery attempts:
// the first at once, then the retries Capsule is reported to make.
var DefaultHookSchedule = []time.Duration{0, 5 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute}

// DefaultHookTimeout bounds one delivery attempt.
const DefaultHookTimeout = 10 * time.Second

// maxDeliveryLog is how many deliveries GET /_sandbox/hooks remembers.
const maxDeliveryLog = 10000

// WithHookRetryScale multiplies the waits between delivery attempts
// (0.001 turns minutes into tens of milliseconds for tests). The number of
// attempts stays 5.
func WithHookRetryScale(f float64) Option { return func(c *config) { c.hookScale = f } }

// WithHookTimeout bounds one delivery attempt (default DefaultHookTimeout).
func WithHookTimeout(d time.Duration) Option { return func(c *config) { c.hookTimeout = d } }

// WithOAuthToken adds a ready-made OAuth access token for the seed user
// with the given username ("" for the first user), as if that user had
// signed in through a registered app: REST hooks need one. It never expires.
func WithOAuthToken(token, username string) Option {
	return func(c *config) {
		if c.oauthTokens == nil {
			c.oauthTokens = map[string]string{}
		}
		c.oauthTokens[token] = username
	}
}

// restHook is one subscription.
type restHook struct {
	ID          int64     `json:"id"`
	UserID      int64     `json:"userId"`
	Client      string    `json:"client"`
	Event       string    `json:"event"`
	TargetURL   string    `json:"targetUrl"`
	Description string    `json:"description"`
	Embed       string    `json:"embed"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func clientNumber(client string) int64 {
	h := fnv.New32a()
	h.Write([]byte(client))
	return int64(h.Sum32() & 0x7fffffff)
}

func (c *call) renderHook(h *restHook) obj {
	return obj{}.add("id", h.ID).add("user", c.userRef(h.UserID)).add("clientId", clientNumber(h.Client)).
		add("description", h.Description).add("event", h.Event).add("targetUrl", h.TargetURL).
		add("embed", h.Embed).add("batched", false).add("createdAt", ts(h.CreatedAt)).add("updatedAt", ts(h.UpdatedAt))
}

func (c *call) userRef(id int64) any {
	for _, u := range c.st.Seed.Users {
		if u.ID == id {
			return obj{}.add("id", u.ID).add("username", u.Username).add("name", u.Name)
		}
	}
	return nil
}

// hookClient says which app calls, or answers 403: hooks are for
// administrators signed in through OAuth, never for personal tokens.
func (c *call) hookClient() (string, *response) {
	token := strings.TrimSpace(strings.TrimPrefix(c.r.Header.Get("Authorization"), "Bearer "))
	client, isOAuth := c.s.oauthClient(token)
	if !isOAuth {
		r := message(http.StatusForbidden, "REST hooks can only be managed by an app signed in through OAuth; a personal access token cannot manage hooks")
		return "", &r
	}
	for _, u := range c.st.Seed.Users {
		if u.ID == c.user && u.Administrator != nil && !*u.Administrator {
			r := message(http.StatusForbidden, "Only account administrators can manage REST hooks")
			return "", &r
		}
	}
	return client, nil
}

// oauthClient reports whether token is an OAuth access token, and the app
// it was issued to.
func (s *Server) oauthClient(token string) (string, bool) {
	if _, ok := s.cfg.oauthTokens[token]; ok {
		return "sandbox-app", true
	}
	return s.oauth.clientOf(token, s.cfg.clock())
}

func listRestHooks(c *call) response {
	client, bad := c.hookClient()
	if bad != nil {
		return *bad
	}
	out := []any{}
	for _, id := range sortedKeys(c.st.RestHooks) {
		if h := c.st.RestHooks[id]; h.Client == client {
			out = append(out, c.renderHook(h))
		}
	}
	return ok(obj{}.add("restHooks", out))
}

func showRestHook(c *call) response {
	client, bad := c.hookClient()
	if bad != nil {
		return *bad
	}
	id, good := c.id()
	h := c.st.RestHooks[id]
	if !good || h == nil || h.Client != client {
		return notFound()
	}
	return ok(obj{}.add("restHook", c.renderHook(h)))
}

func createRestHook(c *call) response {
	client, bad := c.hookClient()
	if bad != nil {
		return *bad
	}
	m, bad := c.wrapped("restHook")
	if bad != nil {
		return *bad
	}
	var in struct {
		Event       string `json:"event"`
		TargetURL   string `json:"targetUrl"`
		Description string `json:"description"`
		Embed       string `json:"embed"`
	}
	for k, dst := range map[string]*string{"event": &in.Event, "targetUrl": &in.TargetURL, "description": &in.Description, "embed": &in.Embed} {
		if raw, found := m[k]; found && string(raw) != "null" {
			if err := json.Unmarshal(raw, dst); err != nil {
				return invalid("restHook", k, k+" must be a string")
			}
		}
	}
	if in.Event == "" {
		return invalid("restHook", "event", "event is required")
	}
	if !slices.Contains(HookEvents, in.Event) {
		return invalid("restHook", "event", fmt.Sprintf("event %q is not a known event", in.Event))
	}
	u, err := url.Parse(in.TargetURL)
	if in.TargetURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("restHook", "targetUrl", "targetUrl must be an absolute http or https URL")
	}
	if len(c.st.RestHooks) >= MaxRestHooks {
		return message(http.StatusUnprocessableEntity, fmt.Sprintf("An account can have at most %d REST hooks; delete one before adding another", MaxRestHooks))
	}
	h := &restHook{ID: c.st.newID(), UserID: c.user, Client: client, Event: in.Event, TargetURL: in.TargetURL,
		Description: in.Description, Embed: in.Embed, CreatedAt: c.now, UpdatedAt: c.now}
	c.st.RestHooks[h.ID] = h
	return created(fmt.Sprintf("%s/resthooks/%d", c.base, h.ID), obj{}.add("restHook", c.renderHook(h)))
}

func deleteRestHook(c *call) response {
	client, bad := c.hookClient()
	if bad != nil {
		return *bad
	}
	id, good := c.id()
	h := c.st.RestHooks[id]
	if !good || h == nil || h.Client != client {
		return notFound()
	}
	delete(c.st.RestHooks, id)
	return noContent()
}

// Events fired by writes.

var hookEntities = map[string]string{"parties": "party", "opportunities": "opportunity", "kases": "kase", "tasks": "task"}

// recSnap is what events need to know of one record before a write. The
// sandbox copies a record before changing it, so ptr keeps the old state.
type recSnap struct {
	ptr       any
	updated   time.Time
	milestone int64
	stage     int64
	closed    bool
	status    string
}

// hookPre is the state of the entities some hook watches, before a write.
type hookPre map[string]map[int64]recSnap

// hooksFor returns the hooks subscribed to event, by id.
func (st *state) hooksFor(event string) []*restHook {
	var hs []*restHook
	for _, id := range sortedKeys(st.RestHooks) {
		if h := st.RestHooks[id]; h.Event == event {
			hs = append(hs, h)
		}
	}
	return hs
}

func (st *state) snapshot(entity string) map[int64]recSnap {
	out := map[int64]recSnap{}
	switch entity {
	case "parties":
		for id, p := range st.Parties {
			out[id] = recSnap{ptr: p, updated: p.UpdatedAt}
		}
	case "opportunities":
		for id, o := range st.Opportunities {
			out[id] = recSnap{ptr: o, updated: o.UpdatedAt, milestone: o.MilestoneID, closed: o.ClosedOn != nil}
		}
	case "kases":
		for id, k := range st.Kases {
			out[id] = recSnap{ptr: k, updated: k.UpdatedAt, stage: k.StageID, status: k.Status}
		}
	case "tasks":
		for id, t := range st.Tasks {
			out[id] = recSnap{ptr: t, updated: t.UpdatedAt, status: t.Status}
		}
	}
	return out
}

// beforeWrite snapshots the entities some hook watches; nil when no hook
// could fire. Every write counts, so cascades (a deleted party's deals, an
// organisation's people) and side effects fire their events too. s.mu is
// held.
func (s *Server) beforeWrite(rt *route, c *call) hookPre {
	if len(s.st.RestHooks) == 0 {
		return nil
	}
	pre := hookPre{}
	for _, h := range s.st.RestHooks {
		kind, _, _ := strings.Cut(h.Event, "/")
		for e, sing := range hookEntities {
			if sing == kind && pre[e] == nil {
				pre[e] = s.st.snapshot(e)
			}
		}
	}
	if len(pre) == 0 {
		return nil
	}
	return pre
}

// afterWrite fires the events of a successful write. s.mu is held.
func (s *Server) afterWrite(pre hookPre, c *call, _ response) {
	for _, e := range []string{"parties", "opportunities", "kases", "tasks"} {
		before, watched := pre[e]
		if !watched {
			continue
		}
		after := s.st.snapshot(e)
		sing := hookEntities[e]
		res := resourceFor(e)
		fire := func(id int64, events []string) {
			rendered := map[string]obj{}
			for _, ev := range events {
				for _, h := range s.st.hooksFor(ev) {
					rec, done := rendered[h.Embed]
					if !done {
						rec = res.render(c.withEmbed(h.Embed), id)
						rendered[h.Embed] = rec
					}
					s.enqueue(h, ev, rec)
				}
			}
		}
		for _, id := range sortedKeys(after) {
			a := after[id]
			b, existed := before[id]
			switch {
			case !existed:
				fire(id, []string{sing + "/created"})
			case a.ptr != b.ptr || !a.updated.Equal(b.updated):
				events := []string{sing + "/updated"}
				switch e {
				case "opportunities", "kases":
					if a.milestone != b.milestone || a.stage != b.stage {
						events = append(events, sing+"/moved")
					}
					if (e == "opportunities" && a.closed && !b.closed) || (e == "kases" && a.status == "CLOSED" && b.status != "CLOSED") {
						events = append(events, sing+"/closed")
					}
				case "tasks":
					if a.status == "COMPLETED" && b.status != "COMPLETED" {
						events = append(events, sing+"/completed")
					}
				}
				fire(id, events)
			}
		}
		for _, id := range sortedKeys(before) {
			if _, still := after[id]; still {
				continue
			}
			// Render the record as it was: put it back for a moment.
			s.st.restore(e, id, before[id].ptr)
			fire(id, []string{sing + "/deleted"})
			s.st.forget(e, id)
		}
	}
}

func (st *state) restore(e string, id int64, ptr any) {
	switch e {
	case "parties":
		st.Parties[id] = ptr.(*party)
	case "opportunities":
		st.Opportunities[id] = ptr.(*opportunity)
	case "kases":
		st.Kases[id] = ptr.(*kase)
	case "tasks":
		st.Tasks[id] = ptr.(*task)
	}
}

func (st *state) forget(e string, id int64) {
	switch e {
	case "parties":
		delete(st.Parties, id)
	case "opportunities":
		delete(st.Opportunities, id)
	case "kases":
		delete(st.Kases, id)
	case "tasks":
		delete(st.Tasks, id)
	}
}

func (c *call) withEmbed(embed string) *call {
	cc := *c
	r := c.r.Clone(c.r.Context())
	u := *r.URL
	u.RawQuery = url.Values{"embed": {embed}}.Encode()
	r.URL = &u
	cc.r = r
	return &cc
}

// Delivery.

// HookDelivery is one event sent to one hook, as GET /_sandbox/hooks shows it.
type HookDelivery struct {
	ID        int64         `json:"id"`
	HookID    int64         `json:"hookId"`
	Event     string        `json:"event"`
	TargetURL string        `json:"targetUrl"`
	Outcome   string        `json:"outcome"` // pending, delivered, unsubscribed (410), failed (hook removed), hook deleted
	Attempts  []HookAttempt `json:"attempts"`
}

// HookAttempt is one POST of a delivery.
type HookAttempt struct {
	At     time.Time `json:"at"`
	Status int       `json:"status,omitempty"`
	Error  string    `json:"error,omitempty"`
}

type hookDeliveries struct {
	nextID int64
	log    []*HookDelivery
	sem    chan struct{}
	http   *http.Client
	ctx    context.Context
	stop   context.CancelFunc
}

// enqueue schedules one delivery. s.mu is held.
func (s *Server) enqueue(h *restHook, event string, rec obj) {
	body, err := json.Marshal(obj{}.add("event", event).add("payload", []any{rec}))
	if err != nil {
		return
	}
	d := &s.hooks
	d.nextID++
	dl := &HookDelivery{ID: d.nextID, HookID: h.ID, Event: event, TargetURL: h.TargetURL, Outcome: "pending", Attempts: []HookAttempt{}}
	d.log = append(d.log, dl)
	if len(d.log) > maxDeliveryLog {
		d.log = slices.Delete(d.log, 0, len(d.log)-maxDeliveryLog)
	}
	go s.deliver(dl, h.ID, h.TargetURL, body)
}

func (s *Server) schedule() []time.Duration {
	out := make([]time.Duration, len(DefaultHookSchedule))
	for i, w := range DefaultHookSchedule {
		out[i] = time.Duration(float64(w) * s.cfg.hookScale)
	}
	return out
}

func (s *Server) deliver(dl *HookDelivery, hookID int64, target string, body []byte) {
	d := &s.hooks
	for _, wait := range s.schedule() {
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-d.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		s.mu.Lock()
		_, live := s.st.RestHooks[hookID]
		if !live {
			dl.Outcome = "hook deleted"
		}
		s.mu.Unlock()
		if !live {
			return // DELETE /resthooks stops deliveries at once
		}
		select {
		case d.sem <- struct{}{}:
		case <-d.ctx.Done():
			return
		}
		status, err := s.post(target, body)
		<-d.sem
		a := HookAttempt{At: s.cfg.clock().UTC(), Status: status}
		if err != nil {
			a.Error = err.Error()
		}
		s.mu.Lock()
		dl.Attempts = append(dl.Attempts, a)
		switch {
		case err == nil && status >= 200 && status < 300:
			dl.Outcome = "delivered"
			s.mu.Unlock()
			return
		case status == http.StatusGone:
			dl.Outcome = "unsubscribed (410)"
			s.dropHook(hookID)
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	dl.Outcome = "failed (hook removed)"
	s.dropHook(hookID)
	s.mu.Unlock()
}

// dropHook removes a hook after a 410 or exhausted retries. s.mu is held.
func (s *Server) dropHook(id int64) {
	if _, found := s.st.RestHooks[id]; !found {
		return
	}
	delete(s.st.RestHooks, id)
	if err := s.persist(); err != nil {
		s.err = err
	}
}

func (s *Server) post(target string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(s.hooks.ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Capsule-Sandbox-Webhooks")
	resp, err := s.hooks.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var sink [512]byte
	for {
		if _, err := resp.Body.Read(sink[:]); err != nil {
			break
		}
	}
	return resp.StatusCode, nil
}

// HookLog returns the hooks and every remembered delivery with its
// attempts (GET /_sandbox/hooks).
func (s *Server) HookLog() HookLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := HookLog{Hooks: []HookInfo{}, Deliveries: make([]HookDelivery, 0, len(s.hooks.log))}
	for _, id := range sortedKeys(s.st.RestHooks) {
		h := s.st.RestHooks[id]
		out.Hooks = append(out.Hooks, HookInfo{ID: h.ID, Event: h.Event, TargetURL: h.TargetURL, Description: h.Description})
	}
	for _, d := range s.hooks.log {
		c := *d
		c.Attempts = slices.Clone(d.Attempts)
		out.Deliveries = append(out.Deliveries, c)
	}
	return out
}

// HookLog is the body of GET /_sandbox/hooks.
type HookLog struct {
	Hooks      []HookInfo     `json:"hooks"`
	Deliveries []HookDelivery `json:"deliveries"`
}

// HookInfo is a subscription in HookLog.
type HookInfo struct {
	ID          int64  `json:"id"`
	Event       string `json:"event"`
	TargetURL   string `json:"targetUrl"`
	Description string `json:"description"`
}

// Close stops pending deliveries.
func (s *Server) Close() { s.hooks.stop() }
