package importer_test

import (
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// A short window (50 per second) stands in for Capsule's 4,000 per hour:
// the writes must never meet a 429.
func TestRateLimitedImportSeesNo429(t *testing.T) {
	e := newEnv(t, sandbox.WithRateLimit(50, time.Second))
	dir := t.TempDir()
	rows := genRows(60)
	in := writeCSV(t, dir, "contacts.csv", testHeader, rows)
	cfg := e.config(t, testMapping, in)
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	st := e.srv.Stats()
	if st.RateLimited != 0 {
		t.Fatalf("%d requests answered 429", st.RateLimited)
	}
	writes := st.Requests["POST"] + st.Requests["PUT"]
	if writes < 100 || res.Total.Created != writes {
		t.Fatalf("%d writes, created %d: not enough work to test pacing", writes, res.Total.Created)
	}
	// Informational: with 45 usable requests per one-second window the
	// ideal is the number of window resets the requests need.
	t.Logf("%d requests in %s; ideal: %d window resets (the first window starts part-way)",
		res.Requests, res.Elapsed.Round(time.Millisecond), (int(res.Requests)-1)/45)
	checkExactlyOnce(t, e, rows)
}
