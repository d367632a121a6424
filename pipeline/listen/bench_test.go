package listen_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// BenchmarkDurableDeliveries measures deliveries acknowledged per second:
// each one parsed, deduplicated, appended and fsynced before its 200,
// eight senders at once (Capsule delivers concurrently).
func BenchmarkDurableDeliveries(b *testing.B) {
	e := newEnv(b, sandbox.WithRateLimit(100_000_000, time.Hour))
	cfg := hookConfig(e, "bench.jsonl")
	cfg.Events = []string{"party/updated"}
	r := e.start(cfg)
	defer r.cancel()
	hs, _, err := e.client.RestHooks.List(context.Background())
	if err != nil || len(hs) != 1 {
		b.Fatalf("hooks: %v", err)
	}
	target := "http://" + cfg.Addr + hs[0].TargetURL[strings.LastIndexByte(hs[0].TargetURL, '/'):]
	var next atomic.Int64
	var failed atomic.Int64
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				body := fmt.Sprintf(`{"event":"party/updated","payload":[{"id":%d,"type":"person","firstName":"Grete","lastName":"Nilsen %d","updatedAt":"2026-05-01T08:00:00Z","tags":[],"fields":[]}]}`, n, n)
				resp, err := hc.Post(target, "application/json", strings.NewReader(body))
				if err != nil || resp.StatusCode != 200 {
					failed.Add(1)
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
	if failed.Load() > 0 {
		b.Fatalf("%d deliveries not acknowledged", failed.Load())
	}
}

// BenchmarkBulkImportWithListener creates parties through the API as fast
// as eight writers can while a hook-mode listener receives them: it reports
// the API write rate and the rate at which changes became durable in the
// output, which must keep up.
func BenchmarkBulkImportWithListener(b *testing.B) {
	e := newEnv(b, sandbox.WithRateLimit(100_000_000, time.Hour))
	cfg := hookConfig(e, "bulk.jsonl")
	cfg.Events = []string{"party/created"}
	r := e.start(cfg)
	defer r.cancel()
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				req, _ := e.client.NewRequest(context.Background(), "POST", "parties", map[string]any{"party": map[string]any{"type": "organisation", "name": fmt.Sprintf("Bulk Import Ltd %d", n)}})
				if _, err := e.client.Do(context.Background(), req, nil); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	wrote := time.Since(start)
	for {
		data, _ := os.ReadFile(cfg.Output)
		n := bytes.Count(data, []byte("\n"))
		if n >= b.N {
			break
		}
		if time.Since(start) > wrote*10+30*time.Second {
			b.Fatalf("listener fell behind: %d of %d", n, b.N)
		}
		time.Sleep(5 * time.Millisecond)
	}
	durable := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/wrote.Seconds(), "api-writes/s")
	b.ReportMetric(float64(b.N)/durable.Seconds(), "durable-changes/s")
}
