package files

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
)

// partyHeader is shaped like a Capsule person export: ten columns.
var partyHeader = []string{"id", "first_name", "last_name", "email", "phone", "organisation", "city", "country", "created", "tags"}

var partyKinds = []formats.Kind{formats.Int, formats.String, formats.String, formats.String, formats.String,
	formats.String, formats.String, formats.String, formats.Timestamp, formats.List}

func partyRow(i int, row []formats.Value) {
	row[0] = formats.IntValue(int64(i))
	row[1] = formats.StringValue([]string{"Zoë", "Ada", "Grace", "Linus", "Ken"}[i%5])
	row[2] = formats.StringValue(fmt.Sprintf("Surname%d", i%1000))
	row[3] = formats.StringValue(fmt.Sprintf("person%d@example.com", i))
	row[4] = formats.StringValue(fmt.Sprintf("+44 20 7946 %04d", i%10000))
	row[5] = formats.StringValue(fmt.Sprintf("Company %d Ltd", i%500))
	row[6] = formats.StringValue([]string{"London", "Köln", "Lyon", "Porto"}[i%4])
	row[7] = formats.StringValue("GB")
	row[8] = formats.TimestampValue(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute))
	row[9] = formats.ListValue([]formats.Value{formats.StringValue("customer"), formats.StringValue("vip")})
}

func writeParties(tb testing.TB, path string, n int) {
	tb.Helper()
	w, err := Create(path, partyHeader, WriteOptions{ColumnTypes: partyKinds, Overwrite: true})
	if err != nil {
		tb.Fatal(err)
	}
	row := make([]formats.Value, len(partyHeader))
	for i := range n {
		partyRow(i, row)
		if err := w.Write(row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
}

func readAllRows(tb testing.TB, path string) (int, uint64) {
	r, err := Open(path, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	n := 0
	var peak uint64
	var ms runtime.MemStats
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n, peak
		}
		if err != nil {
			tb.Fatal(err)
		}
		n++
		if n%100_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
}

const benchRows = 100_000

var benchExts = []string{".csv", ".xlsx", ".parquet", ".jsonl"}

func BenchmarkRead(b *testing.B) {
	for _, ext := range benchExts {
		b.Run(ext[1:], func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "parties"+ext)
			writeParties(b, path, benchRows)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if n, _ := readAllRows(b, path); n != benchRows {
					b.Fatalf("read %d rows", n)
				}
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, ext := range benchExts {
		b.Run(ext[1:], func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "parties"+ext)
			b.ReportAllocs()
			for range b.N {
				writeParties(b, path, benchRows)
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkStreamMillion reads a million rows and reports the peak heap in
// use while reading: it stays flat however long the file is.
func BenchmarkStreamMillion(b *testing.B) {
	for _, ext := range []string{".csv", ".parquet", ".jsonl"} {
		b.Run(ext[1:], func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "million"+ext)
			writeParties(b, path, 1_000_000)
			runtime.GC()
			b.ResetTimer()
			var peak uint64
			for range b.N {
				n, p := readAllRows(b, path)
				if n != 1_000_000 {
					b.Fatalf("read %d rows", n)
				}
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(1_000_000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
