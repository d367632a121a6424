package xlsxfile

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/xuri/excelize/v2"
)

const benchRows = 20_000

func benchWorkbook(b *testing.B, rows int) string {
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	w, err := Create(path, "", []string{"id", "name", "email", "amount", "city", "a", "b", "c", "d", "e"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	row := make([]formats.Value, 10)
	for i := range rows {
		row[0] = formats.IntValue(int64(i))
		row[1] = formats.StringValue("Zoë")
		row[2] = formats.StringValue(fmt.Sprintf("p%d@example.com", i))
		row[3] = formats.FloatValue(float64(i) / 4)
		for j := 4; j < 10; j++ {
			row[j] = formats.StringValue("x")
		}
		w.Write(row)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadBareRows is excelize's own streaming loop, the yardstick for BenchmarkRead.
func BenchmarkReadBareRows(b *testing.B) {
	path := benchWorkbook(b, benchRows)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		rows, _ := f.Rows("Sheet1")
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		f.Close()
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkRead(b *testing.B) {
	path := benchWorkbook(b, benchRows)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Read(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
	b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
