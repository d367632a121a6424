package export

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"

	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
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
				if _, err := Export(context.Background(), a.c, Options{Entities: []string{layout.Parties}, Output: out}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkExportWritePhase measures the exporter's own work without the
// API: spool replay, default layout rows and the file writer.
func BenchmarkExportWritePhase(b *testing.B) {
	const n = 10000
	for _, ext := range []string{"csv", "xlsx", "parquet", "jsonl"} {
		b.Run(ext, func(b *testing.B) {
			sp, err := newSpool(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer sp.close()
			f := &fetched{entity: layout.Parties, sp: sp, win: newWindow(time.Time{}, nil, time.Time{}, 0),
				fields: []layout.Field{{Name: "Lead Source", Type: "text"}, {Name: "Employees", Type: "number"}}}
			for i := range n {
				p := &capsule.Party{ID: int64(i + 1), Type: s("person"), FirstName: s("Ann"), LastName: s(fmt.Sprint("Lee ", i)),
					Organisation:   capsule.Some(capsule.PartyRef{ID: 7, Name: s("Acme Ltd")}),
					EmailAddresses: []capsule.EmailAddress{{Address: s(fmt.Sprintf("a%d@example.com", i)), Type: s("Work")}},
					PhoneNumbers:   []capsule.PhoneNumber{{Number: s("+44 20 7946 0000")}},
					Tags:           []capsule.TagRef{{Name: s("Lead")}, {Name: s("VIP")}},
					Fields:         []capsule.CustomField{cf("Lead Source", capsule.StringValue("Web")), cf("Employees", capsule.StringValue("12.5"))}}
				f.counts = f.counts.Max(layout.CountsOf(p))
				if err := sp.add(p.ID, partyTag(p), p); err != nil {
					b.Fatal(err)
				}
			}
			dir := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				x := &exporter{opt: Options{Output: filepath.Join(dir, fmt.Sprintf("p%d.%s", i, ext))}}
				if err := x.write([]*fetched{f}, nil, &Summary{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
