package journal

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkSendDone measures the protocol's cost per write: a synced
// MarkSending, then the done marker, alone or group-committed.
func BenchmarkSendDone(b *testing.B) {
	cases := []struct {
		name  string
		batch int
		opts  []Option
	}{
		{name: "sync=full/single"},
		{name: "sync=full/batch=64", batch: 64},
		{name: "sync=normal/single", opts: []Option{WithUnsafeNoSync()}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			j, _ := openTemp(b, bc.opts...)
			r, err := j.BeginRun(ctx, testSpec())
			if err != nil {
				b.Fatal(err)
			}
			specs := make([]OpSpec, b.N)
			for i := range specs {
				specs[i] = personSpec(int64(i+2), fmt.Sprintf("p%d@x.org", i))
				specs[i].Key.SourceKey = fmt.Sprint("k", i)
			}
			ops := mustAdd(b, r, specs...)
			batch := r.NewBatch(bc.batch)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				op := ops[i]
				if err := r.MarkSending(ctx, op.ID, Request{Method: "POST", Path: "/parties", Body: []byte(`{"party":{"type":"person"}}`)}); err != nil {
					b.Fatal(err)
				}
				if bc.batch > 0 {
					err = batch.Done(ctx, op, "1")
				} else {
					err = r.MarkDone(ctx, op.ID, "1")
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			if err := batch.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

// BenchmarkIndexFind100k measures matching lookups against an index of
// 100,000 records.
func BenchmarkIndexFind100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	j, _ := openTemp(b, WithUnsafeNoSync()) // setup speed only; lookups do not write
	m, err := j.Memory(ctx, testAccount())
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	chunk := make([]Entry, 0, 10_000)
	for i := range n {
		chunk = append(chunk, Entry{ID: fmt.Sprint(i + 1), UpdatedAt: t0.Add(time.Duration(i) * time.Second),
			Keys: []MatchKey{
				{"email", fmt.Sprintf("person%d@example.com", i)},
				{"name", fmt.Sprintf("person %d", i/2)}, // every name twice: ambiguity is common
			},
			Fields: []byte(`{"firstName":"P","lastName":"` + fmt.Sprint(i) + `","jobTitle":"Clerk"}`)})
		if len(chunk) == cap(chunk) {
			if err := m.UpsertIndex(ctx, "parties", chunk...); err != nil {
				b.Fatal(err)
			}
			chunk = chunk[:0]
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	b.Run("FindIDs", func(b *testing.B) {
		for b.Loop() {
			k := MatchKey{"email", fmt.Sprintf("person%d@example.com", rng.IntN(n))}
			ids, err := m.FindIDs(ctx, "parties", k)
			if err != nil || len(ids) != 1 {
				b.Fatalf("%v %v", ids, err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Run("Find", func(b *testing.B) {
		for b.Loop() {
			k := MatchKey{"name", fmt.Sprintf("person %d", rng.IntN(n/2))}
			es, err := m.FindIDs(ctx, "parties", k)
			if err != nil || len(es) != 2 {
				b.Fatalf("%d %v", len(es), err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Run("Lookup", func(b *testing.B) {
		m.Remember(ctx, "parties", "k1", "1")
		for b.Loop() {
			if _, ok, err := m.Lookup(ctx, "parties", "k1"); !ok || err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
}
