package capsule

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
)

// TimestampLayout is the wire form of Capsule instants: UTC, seconds, "Z".
const TimestampLayout = "2006-01-02T15:04:05Z"

// DateLayout is the wire form of calendar dates (expectedCloseOn, dueOn, ...).
const DateLayout = "2006-01-02"

// Timestamp is an instant in Capsule's wire form. It always encodes in UTC.
type Timestamp struct{ time.Time }

// MarshalJSON encodes the instant as "2006-01-02T15:04:05Z".
func (t Timestamp) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(TimestampLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, TimestampLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts Capsule's form and, leniently, any RFC 3339 instant
// (entryAt accepts offsets on write, so they may come back).
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	s, err := strconv.Unquote(string(data))
	if err != nil {
		return fmt.Errorf("capsule: timestamp %s is not a JSON string", data)
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("capsule: timestamp %q: want form %s", s, TimestampLayout)
	}
	t.Time = v.UTC()
	return nil
}

// String returns the wire form.
func (t Timestamp) String() string { return t.UTC().Format(TimestampLayout) }

// Date is a calendar date without time zone (YYYY-MM-DD).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("capsule: date %q: want form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String returns YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// MarshalJSON encodes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON decodes "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(data []byte) error {
	if len(data) < 2 || data[0] != '"' || !bytes.HasSuffix(data, []byte(`"`)) {
		return fmt.Errorf("capsule: date %s is not a JSON string", data)
	}
	v, err := ParseDate(string(data[1 : len(data)-1]))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
