package capsule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
)

// MaxRestHooks is how many REST hook subscriptions Capsule allows per account.
const MaxRestHooks = 20

// HookEvents are the events a REST hook may subscribe, as documented.
var HookEvents = []string{
	"party/created", "party/updated", "party/deleted",
	"kase/created", "kase/updated", "kase/deleted", "kase/closed", "kase/moved",
	"opportunity/created", "opportunity/updated", "opportunity/deleted", "opportunity/closed", "opportunity/moved",
	"task/created", "task/updated", "task/completed",
	"user/created", "user/updated", "user/deleted",
}

// RestHook is one subscription: Capsule POSTs a HookDelivery to TargetURL
// on every Event.
type RestHook struct {
	ID          int64          `json:"id,omitzero"`
	User        Opt[UserRef]   `json:"user,omitzero"`
	ClientID    Opt[int64]     `json:"clientId,omitzero"`
	Event       string         `json:"event,omitzero"`
	TargetURL   string         `json:"targetUrl,omitzero"`
	Description Opt[string]    `json:"description,omitzero"`
	Embed       Opt[string]    `json:"embed,omitzero"` // e.g. "fields,tags": extras in payloads
	Batched     Opt[bool]      `json:"batched,omitzero"`
	CreatedAt   Opt[Timestamp] `json:"createdAt,omitzero"`
	UpdatedAt   Opt[Timestamp] `json:"updatedAt,omitzero"`
}

// HookDelivery is the body Capsule POSTs to a hook's target: the event and
// the records in API shape.
type HookDelivery struct {
	Event   string            `json:"event"`
	Payload []json.RawMessage `json:"payload"`
}

// HookEntity returns the entity of an event ("party/updated" → parties).
func HookEntity(event string) (Entity, bool) {
	kind, _, _ := strings.Cut(event, "/")
	switch kind {
	case "party":
		return EntityParties, true
	case "opportunity":
		return EntityOpportunities, true
	case "kase":
		return EntityKases, true
	case "task":
		return "tasks", true
	case "user":
		return "users", true
	}
	return "", false
}

// ErrUnknownEvent is matched (errors.Is) by the error of CheckHookEvent.
var ErrUnknownEvent = errors.New("capsule: unknown REST hook event")

// CheckHookEvent refuses an event Capsule does not know, with the nearest
// known one as a hint.
func CheckHookEvent(event string) error {
	if slices.Contains(HookEvents, event) {
		return nil
	}
	best, bestD := "", 1<<30
	for _, e := range HookEvents {
		if d := editDistance(strings.ToLower(event), e); d < bestD {
			best, bestD = e, d
		}
	}
	if bestD <= 3 {
		return fmt.Errorf("%w %q (did you mean %q?)", ErrUnknownEvent, event, best)
	}
	return fmt.Errorf("%w %q (known events: %s)", ErrUnknownEvent, event, strings.Join(HookEvents, ", "))
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// RestHooksService handles /resthooks. Capsule lets only account
// administrators signed in through OAuth manage hooks: a personal token or
// an ordinary user gets a 403 *ErrorResponse (see IsHookForbidden).
type RestHooksService service

// List fetches the calling app's subscriptions (one page; Capsule does not
// page hooks, and there are at most MaxRestHooks).
func (s *RestHooksService) List(ctx context.Context) ([]RestHook, *Response, error) {
	return listPage[RestHook](ctx, s.client, http.MethodGet, "resthooks", "restHooks", nil)
}

// ListAll iterates over the calling app's subscriptions.
func (s *RestHooksService) ListAll(ctx context.Context) iter.Seq2[RestHook, error] {
	return func(yield func(RestHook, error) bool) {
		hs, _, err := s.List(ctx)
		if err != nil {
			yield(RestHook{}, err)
			return
		}
		for _, h := range hs {
			if !yield(h, nil) {
				return
			}
		}
	}
}

// Get fetches one subscription.
func (s *RestHooksService) Get(ctx context.Context, id int64) (*RestHook, *Response, error) {
	return getOne[RestHook](ctx, s.client, idPath("resthooks", id), "restHook", nil)
}

// Create subscribes h.Event at h.TargetURL. The event is checked against
// HookEvents before any request.
func (s *RestHooksService) Create(ctx context.Context, h *RestHook) (*RestHook, *Response, error) {
	if err := CheckHookEvent(h.Event); err != nil {
		return nil, nil, err
	}
	return send(ctx, s.client, http.MethodPost, "resthooks", "restHook", h)
}

// Delete unsubscribes; deliveries stop at once.
func (s *RestHooksService) Delete(ctx context.Context, id int64) (*Response, error) {
	return s.client.call(ctx, http.MethodDelete, idPath("resthooks", id), nil, nil)
}

// IsHookForbidden reports whether err is Capsule refusing hook management
// (403): the token is a personal one, or the user is not an administrator.
func IsHookForbidden(err error) bool {
	var er *ErrorResponse
	return errors.As(err, &er) && er.StatusCode() == http.StatusForbidden
}
