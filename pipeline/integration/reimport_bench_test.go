package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/export"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

// BenchmarkReimportNotes re-imports an export of 300 notes on 30
// people into the same account: every note is found by id (no write);
// requests/op is the whole import's request count.
func BenchmarkReimportNotes(b *testing.B) {
	src := startSandbox(b)
	ctx := context.Background()
	// Seeding stays within the pacer's budget (startSandbox declares 1,000
	// requests): more would be spread over the hour.
	for i := range 30 {
		p, _, err := src.c.Parties.Create(ctx, &capsule.Party{Type: s("person"), FirstName: s("Ann"), LastName: s(fmt.Sprint("Lee", i%10))})
		if err != nil {
			b.Fatal(err)
		}
		for j := range 10 {
			if _, _, err := src.c.Entries.Create(ctx, &capsule.Entry{Type: s("note"), Content: s(fmt.Sprint("note ", i, " ", j)), Party: capsule.PartyID(accounttest.IDOf(p))}); err != nil {
				b.Fatal(err)
			}
		}
	}
	out := filepath.Join(b.TempDir(), "entries.csv")
	if _, err := export.Export(ctx, src.c, export.Options{Entities: []string{"entries"}, Output: out}); err != nil {
		b.Fatal(err)
	}
	var reqs int64
	b.ResetTimer()
	for range b.N {
		res, err := importer.Import(ctx, importConfig(src, out))
		if err != nil {
			b.Fatal(err)
		}
		if res.Total.Unchanged != 300 {
			b.Fatalf("counts %+v", res.Entities)
		}
		reqs += res.Requests
	}
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
}
