package formats

import (
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a Value.
type Kind uint8

// The kinds of cell a file can hold. The zero Value is Null.
const (
	Null Kind = iota
	String
	Int
	Float
	Decimal // exact decimal kept as canonical text, e.g. "1234.50"
	Bool
	Date      // calendar date, stored as midnight UTC
	Timestamp // instant, stored in UTC
	List
)

var kindNames = [...]string{"null", "string", "int", "float", "decimal", "bool", "date", "timestamp", "list"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one typed cell. It is small and copied by value.
type Value struct {
	kind Kind
	s    string // String, Decimal
	n    int64  // Int, Bool (0 or 1)
	f    float64
	t    time.Time
	list []Value
}

// Constructors.
func NullValue() Value                 { return Value{} }
func StringValue(s string) Value       { return Value{kind: String, s: s} }
func IntValue(n int64) Value           { return Value{kind: Int, n: n} }
func FloatValue(f float64) Value       { return Value{kind: Float, f: f} }
func DecimalValue(s string) Value      { return Value{kind: Decimal, s: s} }
func ListValue(vs []Value) Value       { return Value{kind: List, list: vs} }
func TimestampValue(t time.Time) Value { return Value{kind: Timestamp, t: t.UTC()} }

// BoolValue returns a boolean cell.
func BoolValue(b bool) Value {
	if b {
		return Value{kind: Bool, n: 1}
	}
	return Value{kind: Bool}
}

// DateValue returns a calendar date; the time of day and zone of t are dropped.
func DateValue(t time.Time) Value {
	y, m, d := t.Date()
	return Value{kind: Date, t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Accessors. Each returns the zero value of its type when the kind differs.
func (v Value) Kind() Kind      { return v.kind }
func (v Value) IsNull() bool    { return v.kind == Null }
func (v Value) Int() int64      { return v.n }
func (v Value) Float() float64  { return v.f }
func (v Value) Bool() bool      { return v.kind == Bool && v.n == 1 }
func (v Value) Time() time.Time { return v.t }
func (v Value) List() []Value   { return v.list }

// Text is the value as plain text: what a CSV cell would hold. Dates are
// YYYY-MM-DD, timestamps RFC 3339 in UTC, lists joined with "; ".
func (v Value) Text() string {
	switch v.kind {
	case String, Decimal:
		return v.s
	case Int:
		return strconv.FormatInt(v.n, 10)
	case Float:
		return strconv.FormatFloat(v.f, 'f', -1, 64)
	case Bool:
		return strconv.FormatBool(v.n == 1)
	case Date:
		return v.t.Format(time.DateOnly)
	case Timestamp:
		return v.t.Format(time.RFC3339)
	case List:
		parts := make([]string, len(v.list))
		for i, e := range v.list {
			parts[i] = e.Text()
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

// String implements fmt.Stringer with Text.
func (v Value) String() string { return v.Text() }

// IsBlank reports whether the value is null or text made only of spaces.
func (v Value) IsBlank() bool {
	switch v.kind {
	case Null:
		return true
	case String:
		return strings.TrimSpace(v.s) == ""
	case List:
		return len(v.list) == 0
	}
	return false
}
