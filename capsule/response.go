package capsule

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Rate is the request budget Capsule reports on every response.
type Rate struct {
	Limit     int       // X-RateLimit-Limit: requests per window (4,000/hour)
	Remaining int       // X-RateLimit-Remaining
	Reset     time.Time // X-RateLimit-Reset: when the window restarts
}

// Known reports whether the response carried the rate headers.
func (r Rate) Known() bool { return r.Limit > 0 || !r.Reset.IsZero() }

// Response wraps the HTTP response with the budget and the next page.
type Response struct {
	*http.Response
	Rate     Rate
	NextURL  string // the Link rel="next" target, "" on the last page
	NextPage int    // its page parameter, 0 on the last page
}

func newResponse(r *http.Response) *Response {
	resp := &Response{Response: r, Rate: parseRate(r.Header)}
	resp.NextURL = parseLinkNext(r.Header.Values("Link"))
	if resp.NextURL != "" {
		if u, err := url.Parse(resp.NextURL); err == nil {
			resp.NextPage, _ = strconv.Atoi(u.Query().Get("page"))
		}
	}
	return resp
}

func parseRate(h http.Header) Rate {
	var r Rate
	r.Limit, _ = strconv.Atoi(h.Get("X-RateLimit-Limit"))
	r.Remaining, _ = strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && s > 0 {
		r.Reset = time.Unix(s, 0).UTC()
	}
	return r
}

// parseLinkNext returns the target of rel="next" in RFC 8288 Link headers.
// Targets may contain commas (embed=tags,fields), so the header is scanned
// link by link rather than split. Malformed parts are skipped, never fatal.
func parseLinkNext(values []string) string {
	for _, v := range values {
		for v != "" {
			start := strings.IndexByte(v, '<')
			if start < 0 {
				break
			}
			end := strings.IndexByte(v[start:], '>')
			if end < 0 {
				break
			}
			target := v[start+1 : start+end]
			rest := v[start+end+1:]
			params := rest
			if next := strings.IndexByte(rest, '<'); next >= 0 {
				params, rest = rest[:next], rest[next:]
			} else {
				rest = ""
			}
			if hasRelNext(params) {
				return target
			}
			v = rest
		}
	}
	return ""
}

func hasRelNext(params string) bool {
	for p := range strings.FieldsFuncSeq(params, func(r rune) bool { return r == ';' || r == ',' }) {
		name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "rel") {
			continue
		}
		for rel := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(val), `"`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
	}
	return false
}
