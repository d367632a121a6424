package importer_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// lateCommit drops the connection of the first POST /parties at once and
// stores the request only after delay: a server still busy with a write
// the client has given up on.
type lateCommit struct {
	next  http.Handler
	delay time.Duration
	once  sync.Once
	wg    sync.WaitGroup
}

func (l *lateCommit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	first := false
	if r.Method == http.MethodPost && r.URL.Path == sandbox.APIPrefix+"/parties" {
		l.once.Do(func() { first = true })
	}
	if !first {
		l.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	late := r.Clone(r.Context())
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		time.Sleep(l.delay)
		late.Body = io.NopCloser(bytes.NewReader(body))
		l.next.ServeHTTP(httptest.NewRecorder(), late.WithContext(context.Background()))
	}()
}

func TestSettleDelayWaitsForALateCommit(t *testing.T) {
	const mapping = `version: 1
records:
  org:
    entity: organisation
    match: [name]
    fields:
      name: Company
`
	tests := []struct {
		name      string
		settle    time.Duration
		wantParty int
	}{
		// Looking at once finds nothing and sends the create again.
		{"no wait duplicates", -1, 2},
		{"waiting finds the late record", 400 * time.Millisecond, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := sandbox.New()
			lc := &lateCommit{next: srv, delay: 100 * time.Millisecond}
			hs := httptest.NewServer(lc)
			t.Cleanup(hs.Close)
			e := &env{srv: srv, hs: hs, url: hs.URL + sandbox.APIPrefix}
			in := writeCSV(t, t.TempDir(), "orgs.csv", []string{"Company"}, [][]string{{"Late Ltd"}})
			cfg := e.config(t, mapping, in)
			cfg.SettleDelay = tt.settle
			cfg.Workers = 1
			if _, err := importer.Import(ctxT(t), cfg); err != nil {
				t.Fatalf("import: %v", err)
			}
			lc.wg.Wait()
			if got := srv.Stats().Records["parties"]; got != tt.wantParty {
				t.Errorf("parties stored = %d, want %d", got, tt.wantParty)
			}
		})
	}
}
