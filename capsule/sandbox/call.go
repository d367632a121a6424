package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// timeLayout is Capsule's timestamp format: UTC, seconds, no fraction.
const timeLayout = "2006-01-02T15:04:05Z"

const dateLayout = "2006-01-02"

// call is one API request being served, with the state locked.
type call struct {
	s      *Server
	st     *state
	r      *http.Request
	params []string
	body   []byte
	user   int64
	now    time.Time
	base   string
}

func (c *call) id() (int64, bool) {
	id, err := strconv.ParseInt(c.params[0], 10, 64)
	return id, err == nil && id > 0
}

func (c *call) embeds(name string) bool {
	for _, e := range strings.Split(c.r.URL.Query().Get("embed"), ",") {
		if strings.TrimSpace(e) == name {
			return true
		}
	}
	return false
}

// page holds validated paging parameters.
type page struct{ page, perPage int }

func (c *call) paging(maxPer int) (page, *response) {
	q := c.r.URL.Query()
	p := page{page: 1, perPage: 50}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			r := invalid("query", "page", "page must be a whole number of at least 1")
			return p, &r
		}
		p.page = n
	}
	if v := q.Get("perPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPer {
			r := invalid("query", "perPage", fmt.Sprintf("perPage must be between 1 and %d", maxPer))
			return p, &r
		}
		p.perPage = n
	}
	return p, nil
}

// since parses the optional since parameter; records must have been
// updated strictly after it (both sides have second precision).
func (c *call) since() (t time.Time, set bool, bad *response) {
	v := c.r.URL.Query().Get("since")
	if v == "" {
		return t, false, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		r := invalid("query", "since", "since must be an ISO-8601 date and time such as 2024-09-19T12:30:45Z")
		return t, true, &r
	}
	return t.UTC().Truncate(time.Second), true, nil
}

// pageOf slices items and sets Link rel=next/prev on the server's own base.
func pageOf[T any](c *call, key string, items []T, p page, render func(T) any) response {
	start := min((p.page-1)*p.perPage, len(items))
	end := min(start+p.perPage, len(items))
	out := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, render(it))
	}
	h := http.Header{}
	var links []string
	if end < len(items) {
		links = append(links, fmt.Sprintf("<%s>; rel=\"next\"", c.pageURL(p.page+1, p.perPage)))
	}
	if p.page > 1 {
		links = append(links, fmt.Sprintf("<%s>; rel=\"prev\"", c.pageURL(p.page-1, p.perPage)))
	}
	if len(links) > 0 {
		h.Set("Link", strings.Join(links, ", "))
	}
	// Some clients (Zestia's own) read this instead of parsing Link.
	h.Set("X-Pagination-Has-More", strconv.FormatBool(end < len(items)))
	return response{status: http.StatusOK, body: obj{}.add(key, out), header: h}
}

func (c *call) pageURL(n, per int) string {
	q := url.Values{}
	for k, v := range c.r.URL.Query() {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	q.Set("perPage", strconv.Itoa(per))
	return c.base + strings.TrimPrefix(c.r.URL.Path, APIPrefix) + "?" + q.Encode()
}

// wrapped decodes {"<key>": {...}} into a map of raw values so updates can
// tell absent keys from explicit nulls.
func (c *call) wrapped(key string) (map[string]json.RawMessage, *response) {
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &outer); err != nil {
		r := badRequest("request body must be a JSON object such as {\"" + key + "\": {...}}")
		return nil, &r
	}
	raw, ok := outer[key]
	if !ok {
		r := invalid(key, key, fmt.Sprintf("request body must be wrapped in %q", key))
		return nil, &r
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(raw, &inner); err != nil || inner == nil {
		r := badRequest(fmt.Sprintf("%q must be a JSON object", key))
		return nil, &r
	}
	return inner, nil
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// str reads an optional string key; explicit null gives nil; empty string
// is stored as null too, as Capsule does.
func str(m map[string]json.RawMessage, key string, v *validation) (val *string, present bool) {
	raw, ok := m[key]
	if !ok {
		return nil, false
	}
	if isNull(raw) {
		return nil, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		v.add(key, key+" must be a string")
		return nil, true
	}
	if s == "" {
		return nil, true
	}
	return &s, true
}

// ref reads a link such as "party": {"id": 5} (or a bare number). 0 = null.
func ref(m map[string]json.RawMessage, key string, v *validation) (id int64, present bool) {
	raw, ok := m[key]
	if !ok {
		return 0, false
	}
	if isNull(raw) {
		return 0, true
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return n, true
	}
	var o struct {
		ID *int64 `json:"id"`
	}
	if err := json.Unmarshal(raw, &o); err != nil || o.ID == nil {
		v.add(key, key+" must be an object with an id")
		return 0, true
	}
	return *o.ID, true
}

func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

func tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func sp(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func validDate(s string) bool {
	_, err := time.Parse(dateLayout, s)
	return err == nil
}

// ids parses "1,2,3" for show-multiple.
func (c *call) ids() ([]int64, *response) {
	parts := strings.Split(c.params[0], ",")
	if len(parts) > 10 {
		r := invalid("query", "id", "too many ids: at most 10 may be requested at once")
		return nil, &r
	}
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			r := notFound()
			return nil, &r
		}
		out = append(out, n)
	}
	return out, nil
}
