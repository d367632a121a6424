package formats

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseValue reads text as a value of kind k. Blank text is Null for every
// kind but String. It is how typed columns are read from text formats.
func ParseValue(s string, k Kind) (Value, error) {
	if k != String && strings.TrimSpace(s) == "" {
		return Value{}, nil
	}
	t := strings.TrimSpace(s)
	switch k {
	case Null:
		return Value{}, nil
	case String:
		return StringValue(s), nil
	case Int:
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return Value{}, &ValueError{Text: s, Kind: k}
		}
		return IntValue(n), nil
	case Float:
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return Value{}, &ValueError{Text: s, Kind: k}
		}
		return FloatValue(f), nil
	case Decimal:
		if !isDecimal(t) {
			return Value{}, &ValueError{Text: s, Kind: k}
		}
		return DecimalValue(t), nil
	case Bool:
		switch strings.ToLower(t) {
		case "true", "yes", "y", "1":
			return BoolValue(true), nil
		case "false", "no", "n", "0":
			return BoolValue(false), nil
		}
		return Value{}, &ValueError{Text: s, Kind: k}
	case Date:
		d, err := time.Parse(time.DateOnly, t)
		if err != nil {
			return Value{}, &ValueError{Text: s, Kind: k}
		}
		return DateValue(d), nil
	case Timestamp:
		if ts, ok := parseTimestamp(t); ok {
			return TimestampValue(ts), nil
		}
		return Value{}, &ValueError{Text: s, Kind: k}
	case List:
		var vs []Value
		for _, p := range strings.Split(s, ";") {
			if p = strings.TrimSpace(p); p != "" {
				vs = append(vs, StringValue(p))
			}
		}
		return ListValue(vs), nil
	}
	return Value{}, &ValueError{Text: s, Kind: k}
}

// ValueError says text could not be read as the wanted kind.
type ValueError struct {
	Text string
	Kind Kind
}

func (e *ValueError) Error() string {
	return strconv.Quote(e.Text) + " is not a valid " + e.Kind.String()
}

// Infer guesses the kind of one text cell, the way preview shows it: integers,
// decimals (plain numbers with a fraction, kept exact), floats (exponents),
// true/false, ISO dates and RFC 3339 timestamps. Anything else is a String;
// numbers with leading zeros ("007", phone numbers) stay strings.
func Infer(s string) Value {
	t := strings.TrimSpace(s)
	if t == "" {
		return Value{}
	}
	if looksNumeric(t) {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil && !leadingZero(t) {
			return IntValue(n)
		}
		if isDecimal(t) && !leadingZero(t) {
			return DecimalValue(t)
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil && !leadingZero(t) && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return FloatValue(f)
		}
	}
	switch strings.ToLower(t) {
	case "true":
		return BoolValue(true)
	case "false":
		return BoolValue(false)
	}
	if len(t) == 10 {
		if d, err := time.Parse(time.DateOnly, t); err == nil {
			return DateValue(d)
		}
	}
	if ts, ok := parseTimestamp(t); ok {
		return TimestampValue(ts)
	}
	return StringValue(s)
}

func parseTimestamp(t string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if ts, err := time.Parse(layout, t); err == nil {
			return ts, true
		}
	}
	return time.Time{}, false
}

func looksNumeric(t string) bool {
	c := t[0]
	return (c >= '0' && c <= '9') || ((c == '-' || c == '+' || c == '.') && len(t) > 1)
}

// leadingZero reports "007"-style text, which is an identifier, not a
// number, and "+49301234567", a phone number in E.164 form.
func leadingZero(t string) bool {
	if len(t) > 1 && t[0] == '+' && t[1] >= '0' && t[1] <= '9' {
		return true
	}
	t = strings.TrimLeft(t, "+-")
	return len(t) > 1 && t[0] == '0' && t[1] != '.'
}

func isDecimal(t string) bool {
	t = strings.TrimLeft(t, "+-")
	if t == "" || len(t) > 40 {
		return false
	}
	dot, digits := false, 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// Inference accumulates the kinds seen in one column and names the narrowest
// kind that holds them all. The zero value is ready to use.
type Inference struct {
	seen  [List + 1]int
	total int
}

// Add records one value.
func (in *Inference) Add(v Value) {
	if v.kind <= List {
		in.seen[v.kind]++
	}
	in.total++
}

// Kind is the column kind: Null when every value was null, the single kind
// when only one was seen, Decimal/Float when integers mix with fractions,
// Timestamp when dates mix with timestamps, and String otherwise.
func (in *Inference) Kind() Kind {
	var kinds []Kind
	for k := String; k <= List; k++ {
		if in.seen[k] > 0 {
			kinds = append(kinds, k)
		}
	}
	switch {
	case len(kinds) == 0:
		return Null
	case len(kinds) == 1:
		return kinds[0]
	}
	has := func(ks ...Kind) bool {
		n := 0
		for _, k := range ks {
			if in.seen[k] > 0 {
				n++
			}
		}
		return n == len(kinds)
	}
	switch {
	case has(Int, Decimal):
		return Decimal
	case has(Int, Float, Decimal):
		return Float
	case has(Date, Timestamp):
		return Timestamp
	}
	return String
}

// Equal reports whether two values have the same kind and content.
func (v Value) Equal(o Value) bool {
	if v.kind != o.kind {
		return false
	}
	switch v.kind {
	case Float:
		return v.f == o.f || (math.IsNaN(v.f) && math.IsNaN(o.f))
	case Date, Timestamp:
		return v.t.Equal(o.t)
	case List:
		if len(v.list) != len(o.list) {
			return false
		}
		for i := range v.list {
			if !v.list[i].Equal(o.list[i]) {
				return false
			}
		}
		return true
	}
	return v.s == o.s && v.n == o.n
}

// JSON is the value as a JSON-ready Go value: numbers as numbers (decimals as
// their exact text in a json.Number-compatible string), dates and timestamps
// as ISO 8601 text, lists as slices, null as nil.
func (v Value) JSON() any {
	switch v.kind {
	case Null:
		return nil
	case Int:
		return v.n
	case Float:
		if math.IsInf(v.f, 0) || math.IsNaN(v.f) {
			return v.Text()
		}
		return v.f
	case Bool:
		return v.n == 1
	case List:
		out := make([]any, len(v.list))
		for i, e := range v.list {
			out[i] = e.JSON()
		}
		return out
	case Timestamp:
		return v.t.Format(time.RFC3339Nano)
	}
	return v.Text()
}
