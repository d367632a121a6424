package mappings

import (
	"encoding/json"
	"sync"
	"testing"
)

// TestEvalConcurrent: one Program serves many goroutines (the import runs
// rows in parallel) and each gets the same answer as a lone caller.
func TestEvalConcurrent(t *testing.T) {
	rec := benchRow()
	p := mustCompile(t, bench12, rec.Header)
	ops, _ := p.Eval(rec)
	want, _ := json.Marshal(ops)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				ops, _ := p.Eval(rec)
				if got, _ := json.Marshal(ops); string(got) != string(want) {
					errs <- string(got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent Eval differs:\n got %s\nwant %s", e, want)
	}
}
