package capsule

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// RequestLogLevel chooses how much WithRequestLog writes.
type RequestLogLevel int

const (
	// RequestLogLines writes one line per HTTP request: method, path,
	// status, duration and the rate budget left.
	RequestLogLines RequestLogLevel = iota + 1
	// RequestLogHTTP also writes the headers and bodies of requests and
	// responses, with credentials redacted.
	RequestLogHTTP
)

// Redacted replaces every credential in request logs.
const Redacted = "[REDACTED]"

// maxLoggedBody bounds each body written at RequestLogHTTP.
const maxLoggedBody = 64 << 10

// WithRequestLog writes every HTTP attempt (retries included) to w, as
// `curl -v` and `rclone -v` do. It sits at the transport, under the layer
// that adds the Authorization header, so it shows exactly what goes over
// the wire; the token is always replaced by Redacted, in headers, URLs and
// bodies alike. Writes to w are serialised.
func WithRequestLog(w io.Writer, level RequestLogLevel) Option {
	return func(c *config) error {
		if w == nil || level < RequestLogLines || level > RequestLogHTTP {
			return errorf("request log: want a writer and RequestLogLines or RequestLogHTTP")
		}
		c.requestLog = &requestLogger{w: w, level: level}
		return nil
	}
}

type requestLogger struct {
	mu    sync.Mutex
	w     io.Writer
	level RequestLogLevel
}

// logTransport logs each round trip through its requestLogger.
type logTransport struct {
	base http.RoundTripper
	log  *requestLogger
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if t.log.level >= RequestLogHTTP && req.Body != nil && req.Body != http.NoBody {
		var err error
		if reqBody, err = peekRequestBody(req); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	elapsed := time.Since(start)

	var respBody []byte
	if err == nil && t.log.level >= RequestLogHTTP {
		respBody = peekResponseBody(resp)
	}
	t.log.write(req, reqBody, resp, respBody, err, elapsed)
	return resp, err
}

// peekRequestBody reads the body without consuming it for the transport.
func peekRequestBody(req *http.Request) ([]byte, error) {
	if req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer b.Close()
		return io.ReadAll(b)
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(data))
	return data, nil
}

// peekResponseBody reads the body and puts back one that yields the same
// bytes and then the same read error, so a cut body still fails the
// caller's decode as it would without the log.
func peekResponseBody(resp *http.Response) []byte {
	if resp.Body == nil {
		return nil
	}
	data, err := io.ReadAll(resp.Body)
	var rest io.Reader = bytes.NewReader(data)
	if err != nil {
		rest = io.MultiReader(rest, errReader{err})
	}
	resp.Body = readCloser{rest, resp.Body}
	return data
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type readCloser struct {
	io.Reader
	io.Closer
}

func (l *requestLogger) write(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, rtErr error, elapsed time.Duration) {
	var b strings.Builder
	path := req.URL.RequestURI()
	d := fmt.Sprintf("%.1fms", float64(elapsed.Microseconds())/1000)
	if rtErr != nil {
		fmt.Fprintf(&b, "http: %s %s failed after %s: %v\n", req.Method, path, d, rtErr)
	} else {
		fmt.Fprintf(&b, "http: %s %s %d %s %s\n", req.Method, path, resp.StatusCode, d, budgetLeft(resp.Header))
	}
	if l.level >= RequestLogHTTP {
		fmt.Fprintf(&b, "> %s %s %s\n> Host: %s\n", req.Method, path, req.Proto, req.URL.Host)
		writeHeaders(&b, "> ", req.Header)
		writeBody(&b, "> ", reqBody)
		if rtErr == nil {
			fmt.Fprintf(&b, "< %s %s\n", resp.Proto, resp.Status)
			writeHeaders(&b, "< ", resp.Header)
			writeBody(&b, "< ", respBody)
		}
	}
	out := redactSecrets(b.String(), bearerToken(req.Header))
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, out)
}

// budgetLeft renders the X-RateLimit-* headers: "budget 3987/4000".
func budgetLeft(h http.Header) string {
	r := parseRate(h)
	if !r.Known() {
		return "budget unknown"
	}
	return fmt.Sprintf("budget %d/%d", r.Remaining, r.Limit)
}

// sensitiveHeaders never show their values.
var sensitiveHeaders = map[string]bool{
	"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true,
	"X-Api-Key": true, "X-Auth-Token": true,
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
				scheme, _, found := strings.Cut(v, " ")
				if found && (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "Basic")) {
					v = scheme + " " + Redacted
				} else {
					v = Redacted
				}
			}
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
		}
	}
	b.WriteString(prefix + "\n")
}

func writeBody(b *strings.Builder, prefix string, body []byte) {
	if len(body) == 0 {
		return
	}
	more := 0
	if len(body) > maxLoggedBody {
		more = len(body) - maxLoggedBody
		body = body[:maxLoggedBody]
	}
	for line := range strings.SplitSeq(strings.TrimRight(string(body), "\n"), "\n") {
		b.WriteString(prefix + line + "\n")
	}
	if more > 0 {
		fmt.Fprintf(b, "%s[... %d more bytes]\n", prefix, more)
	}
}

// bearerToken is the token the request carries, so that it can be
// scrubbed wherever else it appears.
func bearerToken(h http.Header) string {
	scheme, tok, ok := strings.Cut(h.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// tokenFields are OAuth token fields of JSON and form bodies.
var tokenFields = regexp.MustCompile(`("(?:access_token|refresh_token|id_token|client_secret)"\s*:\s*")[^"]*(")|((?:access_token|refresh_token|client_secret)=)[^&\s]*`)

func redactSecrets(s, token string) string {
	if token != "" {
		s = strings.ReplaceAll(s, token, Redacted)
	}
	return tokenFields.ReplaceAllString(s, "${1}${3}"+Redacted+"${2}")
}
