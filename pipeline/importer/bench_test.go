package importer_test

import (
	"io"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// BenchmarkOfflineDryRun plans 100k rows (organisation, person with tags
// and e-mail, opportunity, note per row) without any request, writing the
// plan: read + evaluate + match against planned creates + plan lines.
func BenchmarkOfflineDryRun(b *testing.B) {
	const n = 100_000
	in := writeCSV(b, b.TempDir(), "big.csv", testHeader, genRows(n))
	b.ResetTimer()
	for range b.N {
		res, err := importer.Import(b.Context(), importer.Config{
			Inputs: []string{in}, Mapping: []byte(testMapping), MappingName: "mapping.yaml",
			Offline: true, Plan: io.Discard,
		})
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows != n {
			b.Fatalf("%d rows", res.Rows)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
