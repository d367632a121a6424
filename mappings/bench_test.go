package mappings

import (
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// bench12 is a 12-field person mapping: the per-row cost an import pays.
const bench12 = `version: 1
defaults: {phone_region: GB, date_format: DD/MM/YYYY}
records:
  person:
    entity: person
    match: [email]
    fields:
      firstName: {column: First Name, transform: [trim, title]}
      lastName: {column: Last Name, transform: [trim, title]}
      jobTitle: Position
      about: {template: "Imported from {Source}"}
      emailAddresses: [{address: Email, type: Work}]
      phoneNumbers: [{number: Phone, type: Work}]
      addresses: [{city: Town, country: Country}]
      tags: {column: Labels, split: "|"}
      owner: Owner
      fields:
        Customer Since: {column: Since, type: date}
        Lead Source: {column: Source, map: {web: Website, tel: Phone, _other: Other}}
        Score: {column: Score, type: number}
`

func benchRow() *formats.Record {
	names := []string{"First Name", "Last Name", "Position", "Email", "Phone", "Town", "Country", "Labels", "Owner", "Since", "Source", "Score"}
	cells := []string{" anna ", "MÜLLER", "Head of Sales", "Anna@Acme.example", "020 7946 0018", "London", "UK", "VIP|Newsletter", "jane@ourco.example", "03/02/2021", "web", "42.5"}
	vals := make([]formats.Value, len(cells))
	for i, c := range cells {
		vals[i] = formats.StringValue(c)
	}
	return &formats.Record{Header: formats.NewHeader(names), Values: vals}
}

func BenchmarkCompile12(b *testing.B) {
	h := benchRow().Header
	b.ReportAllocs()
	for b.Loop() {
		m, probs := Parse([]byte(bench12), "bench.yaml")
		if probs.HasErrors() {
			b.Fatal(probs)
		}
		if _, probs := Compile(m, h); probs.HasErrors() {
			b.Fatal(probs)
		}
	}
}

func BenchmarkEval12(b *testing.B) {
	rec := benchRow()
	p := mustCompile(b, bench12, rec.Header)
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := p.Eval(rec); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkEval12Parallel(b *testing.B) {
	rec := benchRow()
	p := mustCompile(b, bench12, rec.Header)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p.Eval(rec)
		}
	})
}
