package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/mappings/layout"
)

// BenchmarkExport measures records/s from the sandbox over loopback to each
// format (2,000 parties: 20 pages plus the custom field definitions).
func BenchmarkExport(b *testing.B) {
	a := startSandbox(b)
	const n = 2000
	createParties(b, a.c, n)
	for _, ext := range []string{"csv", "xlsx", "parquet", "jsonl"} {
		b.Run(ext, func(b *testing.B) {
			dir := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				out := filepath.Join(dir, fmt.Sprintf("p%d.%s", i, ext))
				a.c.Pacer().SetPending(100)
				if _, err := Export(context.Background(), a.c, ExportOptions{Entities: []string{layout.Parties}, Output: out}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
