package capsule_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// conformance is one sandbox on loopback and a real client pointed at it.
// Every 200/201 answer the client receives (GET, and the records that writes
// and filters return) is kept and, when the test ends,
// decoded into the client's model for its wrapper key and re-encoded: the
// result must carry exactly the same keys, values and explicit nulls.
type conformance struct {
	srv    *sandbox.Server
	c      *capsule.Client
	base   string
	ctx    context.Context
	mu     sync.Mutex
	bodies []capturedBody
}

type capturedBody struct {
	path string
	body []byte
}

type capturingTransport struct {
	next http.RoundTripper
	cf   *conformance
}

func (t capturingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil || (resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated) {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	t.cf.mu.Lock()
	t.cf.bodies = append(t.cf.bodies, capturedBody{r.Method + " " + r.URL.RequestURI(), b})
	t.cf.mu.Unlock()
	return resp, nil
}

// newConformance starts a sandbox with sopts and a client with copts (after
// the base URL, token and a fast retry policy).
func newConformance(t *testing.T, sopts []sandbox.Option, copts ...capsule.Option) *conformance {
	t.Helper()
	cf := &conformance{srv: sandbox.New(sopts...), ctx: t.Context()}
	if err := cf.srv.Err(); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(cf.srv)
	t.Cleanup(hs.Close)
	cf.base = hs.URL + sandbox.APIPrefix
	hc := &http.Client{Transport: capturingTransport{next: http.DefaultTransport, cf: cf}, Timeout: 5 * time.Second}
	opts := append([]capsule.Option{
		capsule.WithBaseURL(cf.base),
		capsule.WithToken(sandbox.DefaultToken),
		capsule.WithHTTPClient(hc),
		capsule.WithRetry(4, time.Millisecond, 5*time.Millisecond),
	}, copts...)
	c, err := capsule.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	// Declared work that fits the budget runs at full speed instead of being
	// spread over the hour.
	c.Pacer().SetPending(200)
	cf.c = c
	t.Cleanup(func() { cf.checkRoundTrips(t) })
	return cf
}

// models maps every wrapper key the sandbox answers with to a decoder that
// re-encodes through the client's model type.
var models = map[string]func([]byte) ([]byte, error){
	"party": rt[capsule.Party], "parties": rt[[]capsule.Party],
	"opportunity": rt[capsule.Opportunity], "opportunities": rt[[]capsule.Opportunity],
	"kase": rt[capsule.Kase], "kases": rt[[]capsule.Kase],
	"task": rt[capsule.Task], "tasks": rt[[]capsule.Task],
	"entry": rt[capsule.Entry], "entries": rt[[]capsule.Entry],
	"tag": rt[capsule.Tag], "tags": rt[[]capsule.Tag],
	"definition": rt[capsule.FieldDefinition], "definitions": rt[[]capsule.FieldDefinition],
	"pipeline": rt[capsule.Pipeline], "pipelines": rt[[]capsule.Pipeline],
	"milestone": rt[capsule.Milestone], "milestones": rt[[]capsule.Milestone],
	"lostReason": rt[capsule.LostReason], "lostReasons": rt[[]capsule.LostReason],
	"user": rt[capsule.User], "users": rt[[]capsule.User],
	"team": rt[capsule.Team], "teams": rt[[]capsule.Team],
	"countries": rt[[]capsule.Country], "currencies": rt[[]capsule.Currency],
	"board": rt[capsule.Board], "boards": rt[[]capsule.Board],
	"stage": rt[capsule.Stage], "stages": rt[[]capsule.Stage],
	"activityType": rt[capsule.ActivityType], "activityTypes": rt[[]capsule.ActivityType],
	"site": rt[capsule.Site], "job": rt[capsule.Job],
	"restrictedParties": rt[[]capsule.PartyRef], "restrictedOpportunities": rt[[]capsule.Ref],
	"restrictedKases": rt[[]capsule.Ref],
}

func rt[T any](raw []byte) ([]byte, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// deletedFeed re-encodes a deleted feed's list through DeletedRecord.
func deletedFeed(raw []byte) ([]byte, error) { return rt[[]capsule.DeletedRecord](raw) }

func (cf *conformance) checkRoundTrips(t *testing.T) {
	t.Helper()
	cf.mu.Lock()
	defer cf.mu.Unlock()
	for _, cb := range cf.bodies {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(cb.body, &top); err != nil {
			t.Errorf("%s: body is not a JSON object: %v", cb.path, err)
			continue
		}
		for key, raw := range top {
			conv, ok := models[key]
			if strings.Contains(cb.path, "/deleted") && !strings.HasPrefix(key, "restricted") {
				conv, ok = deletedFeed, true
			}
			if !ok {
				t.Errorf("%s: wrapper key %q has no client model", cb.path, key)
				continue
			}
			out, err := conv(raw)
			if err != nil {
				t.Errorf("%s: %q does not decode into the client model: %v", cb.path, key, err)
				continue
			}
			var want, got any
			_ = json.Unmarshal(raw, &want)
			_ = json.Unmarshal(out, &got)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s: %q changes in a decode/encode round trip\n sandbox: %s\n client:  %s", cb.path, key, raw, out)
			}
		}
	}
	if len(cf.bodies) == 0 {
		t.Errorf("no answer was captured for the round-trip check")
	}
}

func must[T any](t *testing.T) func(T, *capsule.Response, error) T {
	return func(v T, _ *capsule.Response, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func statusOf(err error) int {
	var er *capsule.ErrorResponse
	if errors.As(err, &er) {
		return er.StatusCode()
	}
	return 0
}
