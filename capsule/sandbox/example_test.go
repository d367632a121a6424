package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// A test starts its own sandbox on loopback and talks Capsule API v2 to it.
func ExampleNew() {
	srv := sandbox.New(sandbox.WithRateLimit(100, 5*time.Second))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	base := hs.URL + sandbox.APIPrefix

	req, _ := http.NewRequest("POST", base+"/parties",
		strings.NewReader(`{"party": {"type": "organisation", "name": "Acme", "tags": [{"name": "VIP"}]}}`))
	req.Header.Set("Authorization", "Bearer "+sandbox.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var body struct {
		Party struct {
			Name string `json:"name"`
		} `json:"party"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	fmt.Println(resp.StatusCode, body.Party.Name, resp.Header.Get("X-RateLimit-Remaining"))
	fmt.Println(srv.Stats().Records["parties"], srv.Stats().Routes["POST /parties"])
	// Output:
	// 201 Acme 99
	// 1 1
}
