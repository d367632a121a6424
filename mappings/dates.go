package mappings

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
)

// spreadsheetLayout turns DD/MM/YYYY-style patterns into Go layouts, so users
// who know spreadsheets need not learn Go's reference date. Go layouts pass
// through unchanged.
func spreadsheetLayout(l string) string {
	if strings.Contains(l, "2006") || strings.Contains(l, "01") || strings.Contains(l, "Jan") {
		return l
	}
	r := strings.NewReplacer("YYYY", "2006", "yyyy", "2006", "YY", "06", "yy", "06", "MM", "01",
		"DD", "02", "dd", "02", "hh", "15", "HH", "15", "mm", "04", "ss", "05", "M", "1", "D", "2", "d", "2")
	return r.Replace(l)
}

func (p *mparser) checkLayout(pos Pos, path, layout string) {
	l := spreadsheetLayout(layout)
	if !strings.Contains(l, "06") && !strings.Contains(l, "15") {
		p.c.errorf(pos, path, "a Go layout such as 02/01/2006 (day/month/year) or DD/MM/YYYY", "%q is not a date format: it has no year", layout)
	}
}

var isoLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", time.DateOnly}

// Excel counts days from 1899-12-30 (the offset absorbs its 1900 leap-year bug).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func excelSerial(f float64) (time.Time, bool) {
	if f < 1 || f > 2958465 || math.IsNaN(f) {
		return time.Time{}, false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	return excelEpoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}

// parseTime reads a date or timestamp from a typed cell or from text, trying
// the mapping's layouts, then ISO 8601, then Excel serial numbers.
func parseTime(v formats.Value, text string, layouts []string) (time.Time, error) {
	switch v.Kind() {
	case formats.Date, formats.Timestamp:
		return v.Time(), nil
	case formats.Int:
		if t, ok := excelSerial(float64(v.Int())); ok {
			return t, nil
		}
	case formats.Float:
		if t, ok := excelSerial(v.Float()); ok {
			return t, nil
		}
	}
	s := strings.TrimSpace(text)
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if t, ok := excelSerial(f); ok {
			return t, nil
		}
	}
	want := "YYYY-MM-DD"
	if len(layouts) > 0 {
		want = layouts[0]
	}
	return time.Time{}, fmt.Errorf("%q is not a date in the format %s", s, want)
}
