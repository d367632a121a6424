package journal

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// One writer goroutine drives the protocol while readers poll the views the
// CLI and the matcher use; run with -race.
func TestOneWriterManyReaders(t *testing.T) {
	ctx := context.Background()
	j, r, _ := beginTemp(t)
	m := r.Memory()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 120
	specs := make([]OpSpec, n)
	for i := range specs {
		specs[i] = personSpec(int64(i+2), fmt.Sprintf("p%d@x.org", i))
		specs[i].Key.SourceKey = fmt.Sprint("k", i)
	}
	ops := mustAdd(t, r, specs...)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				s, err := j.Summary(ctx, r.ID)
				if err != nil {
					errs <- err
					return
				}
				if s.Total.Created < last {
					errs <- fmt.Errorf("created went back from %d to %d", last, s.Total.Created)
					return
				}
				last = s.Total.Created
				doubt, err := r.InDoubt(ctx)
				if err != nil {
					errs <- err
					return
				}
				if len(doubt) > 4+1 { // a batch of 4 plus the op being sent
					errs <- fmt.Errorf("%d in doubt with a sequential writer and a batch of 4", len(doubt))
					return
				}
				if _, err := m.FindIDs(ctx, "parties", MatchKey{"email", "p1@x.org"}); err != nil {
					errs <- err
					return
				}
				if _, _, err := m.Lookup(ctx, "parties", "k1"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	b := r.NewBatch(4)
	for i, op := range ops {
		if err := r.MarkSending(ctx, op.ID, Request{Method: "POST"}); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(1000 + i)
		if err := m.UpsertIndex(ctx, "parties", entry(id, t0, op.NaturalKey...)); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			err := r.MarkDone(ctx, op.ID, id)
			if err != nil {
				t.Fatal(err)
			}
		} else if err := b.Done(ctx, op, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s, err := j.Summary(ctx, r.ID)
	if err != nil || s.Total.Created != n {
		t.Fatalf("created %d, want %d (%v)", s.Total.Created, n, err)
	}
}

// Writes from several goroutines are serialised by the journal, not lost.
func TestConcurrentWritersAreSerialised(t *testing.T) {
	ctx := context.Background()
	j, r, _ := beginTemp(t)
	const n = 40
	specs := make([]OpSpec, n)
	for i := range specs {
		specs[i] = personSpec(int64(i+2), fmt.Sprintf("p%d@x.org", i))
	}
	ops := mustAdd(t, r, specs...)
	var wg sync.WaitGroup
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.MarkSending(ctx, op.ID, Request{Method: "POST"}); err != nil {
				t.Error(err)
				return
			}
			if err := r.MarkDone(ctx, op.ID, fmt.Sprint(op.ID)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, err := j.Summary(ctx, r.ID)
	if err != nil || s.Total.Created != n || s.Requests != n {
		t.Fatalf("summary %+v, %v", s, err)
	}
}
