package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzWriteBodies checks that no request body makes the sandbox panic or
// answer 5xx (faults are off).
func FuzzWriteBodies(f *testing.F) {
	seeds := []struct{ path, body string }{
		{"/parties", `{"party":{"type":"person","firstName":"A","tags":[{"name":"x"}],"fields":[{"definition":{"name":"n"},"value":1}]}}`},
		{"/parties", `{"party":{"type":"organisation","name":"O","addresses":[{"country":"USA"}],"websites":[{"address":"x","service":"URL"}]}}`},
		{"/parties/filters/results", `{"filter":{"conditions":[{"field":"name","operator":"contains","value":"a"}]}}`},
		{"/opportunities", `{"opportunity":{"name":"x","party":{"id":1},"milestone":{"id":3},"value":{"amount":"1e3","currency":"GBP"}}}`},
		{"/tasks", `{"task":{"description":"d","dueOn":"2026-01-01","status":"PENDING"}}`},
		{"/entries", `{"entry":{"type":"note","content":"c","party":{"id":1}}}`},
		{"/kases", `{"kase":{"name":"k","party":1,"stage":[]}}`},
		{"/parties", `{"party":null}`},
		{"/parties", `[1,2]`},
	}
	for _, s := range seeds {
		f.Add(s.path, s.body)
	}
	srv := New(WithRateLimit(1<<30, 1<<40))
	f.Fuzz(func(t *testing.T, path, body string) {
		if !strings.HasPrefix(path, "/") {
			return
		}
		req := httptest.NewRequest(http.MethodPost, "http://sandbox"+APIPrefix+"/x", strings.NewReader(body))
		req.URL.Path = APIPrefix + path
		req.Header.Set("Authorization", "Bearer "+DefaultToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("POST %s %q: status %d %s", path, body, rec.Code, rec.Body.String())
		}
	})
}
