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
// who know spreadsheets need not learn Go's reference date: MMMM and MMM are
// the month's name (January, Jan), dddd and ddd the weekday's (Monday, Mon).
// Go layouts pass through unchanged.
func spreadsheetLayout(l string) string {
	if strings.Contains(l, "2006") || strings.Contains(l, "01") || strings.Contains(l, "Jan") {
		return l
	}
	// Longer tokens first: at one position the first listed match wins.
	r := strings.NewReplacer("YYYY", "2006", "yyyy", "2006", "YY", "06", "yy", "06",
		"MMMM", "January", "mmmm", "January", "MMM", "Jan", "mmm", "Jan", "MM", "01",
		"DDDD", "Monday", "dddd", "Monday", "DDD", "Mon", "ddd", "Mon",
		"DD", "02", "dd", "02", "hh", "15", "HH", "15", "mm", "04", "ss", "05", "M", "1", "D", "2", "d", "2")
	return r.Replace(l)
}

// layoutParts counts the date and time elements of a Go layout (month,
// day, year, weekday, hour, minute, second), read as package time reads
// them, so that a layout naming one twice ("02-011-2006") is caught.
func layoutParts(l string) map[string]int {
	n := map[string]int{}
	chunks := []struct{ tok, part string }{
		{"January", "month"}, {"Jan", "month"}, {"Monday", "weekday"}, {"Mon", "weekday"}, {"MST", ""},
		{"2006", "year"}, {"002", "day of year"}, {"01", "month"}, {"02", "day"}, {"03", "hour"}, {"04", "minute"},
		{"05", "second"}, {"06", "year"}, {"__2", "day of year"}, {"_2", "day"}, {"15", "hour"}, {"1", "month"},
		{"2", "day"}, {"3", "hour"}, {"4", "minute"}, {"5", "second"}, {"PM", ""}, {"pm", ""},
	}
	for i := 0; i < len(l); {
		if (l[i] == '-' || l[i] == '+' || l[i] == 'Z') && strings.HasPrefix(l[i+1:], "07") {
			i += 3 // a zone offset: -07, -0700, -07:00, Z07:00
			for i < len(l) && (l[i] == ':' || (l[i] >= '0' && l[i] <= '9')) {
				i++
			}
			continue
		}
		if (l[i] == '.' || l[i] == ',') && i+1 < len(l) && (l[i+1] == '0' || l[i+1] == '9') {
			j := i + 1
			for j < len(l) && l[j] == l[i+1] {
				j++
			}
			if j == len(l) || l[j] < '0' || l[j] > '9' {
				i = j // fractional seconds
				continue
			}
		}
		matched := false
		for _, c := range chunks {
			if strings.HasPrefix(l[i:], c.tok) {
				if c.part != "" {
					n[c.part]++
				}
				i += len(c.tok)
				matched = true
				break
			}
		}
		if !matched {
			i++
		}
	}
	return n
}

func (p *mparser) checkLayout(pos Pos, path, layout string) {
	l := spreadsheetLayout(layout)
	if !strings.Contains(l, "06") && !strings.Contains(l, "15") {
		p.c.errorf(pos, path, "a Go layout such as 02/01/2006 (day/month/year) or DD/MM/YYYY", "%q is not a date format: it has no year", layout)
		return
	}
	parts := layoutParts(l)
	for _, part := range []string{"year", "month", "day", "weekday", "hour", "minute", "second"} {
		if parts[part] > 1 {
			p.c.errorf(pos, path, "write the month as MM (03), M (3), MMM (Mar) or MMMM (March), e.g. DD-MMM-YYYY for 16-Mar-2024, or as a Go layout such as 02-Jan-2006",
				"%q is not a date format: it reads the %s %d times (as the Go layout %q)", layout, part, parts[part], l)
			return
		}
	}
	if parts["day"] == 1 && parts["month"] == 0 {
		p.c.errorf(pos, path, "add the month: MM (03), MMM (Mar) or, in a Go layout, 01 or Jan",
			"%q is not a date format: it has a day but no month (as the Go layout %q)", layout, l)
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
