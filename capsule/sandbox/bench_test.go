package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Benchmarks run over real loopback HTTP so the number is what a test
// client sees. Report requests/second with: go test -bench . -benchtime 2s
func benchServer(b *testing.B) (*httptest.Server, string) {
	srv := New(WithRateLimit(1<<30, time.Hour))
	hs := httptest.NewServer(srv)
	b.Cleanup(hs.Close)
	return hs, hs.URL + APIPrefix
}

// benchDo sends one request and returns the Location header.
func benchDo(b *testing.B, c *http.Client, method, url string, body []byte) string {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+DefaultToken)
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		b.Fatalf("status %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

var benchParty = []byte(`{"party":{"type":"person","firstName":"Ada","lastName":"King","emailAddresses":[{"address":"a@b.c"}],"tags":[{"name":"VIP"}]}}`)

func BenchmarkGetParty(b *testing.B) {
	hs, base := benchServer(b)
	c := hs.Client()
	loc := benchDo(b, c, "POST", base+"/parties", benchParty)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchDo(b, c, "GET", loc, nil)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func BenchmarkPostParty(b *testing.B) {
	hs, base := benchServer(b)
	c := hs.Client()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			benchDo(b, c, "POST", base+"/parties", benchParty)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
