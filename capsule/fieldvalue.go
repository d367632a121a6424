package capsule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// FieldValue is the value of a custom field on a record. Capsule sends text,
// dates, list options and links as strings, booleans as JSON booleans and
// numbers as strings (it accepts numbers as JSON numbers or strings on write).
// FieldValue remembers which JSON kind it came as, so it re-encodes exactly.
// The zero FieldValue is absent (omitted with omitzero); use NullFieldValue to
// clear a field.
type FieldValue struct {
	kind fieldKind
	text string // string contents, or the number literal
	b    bool
}

type fieldKind uint8

const (
	fieldAbsent fieldKind = iota
	fieldNull
	fieldString
	fieldNumber
	fieldBool
)

// StringValue is a text, date (YYYY-MM-DD), list option or link value.
func StringValue(s string) FieldValue { return FieldValue{kind: fieldString, text: s} }

// BoolValue is a boolean field value.
func BoolValue(b bool) FieldValue { return FieldValue{kind: fieldBool, b: b} }

// NumberValue is a number field value sent as a JSON number.
func NumberValue(f float64) FieldValue {
	return FieldValue{kind: fieldNumber, text: strconv.FormatFloat(f, 'f', -1, 64)}
}

// NullFieldValue clears a text, number, date, list or link field.
func NullFieldValue() FieldValue { return FieldValue{kind: fieldNull} }

// IsZero reports an absent value (for omitzero).
func (v FieldValue) IsZero() bool { return v.kind == fieldAbsent }

// IsNull reports a JSON null.
func (v FieldValue) IsNull() bool { return v.kind == fieldNull }

// IsBool reports a JSON boolean.
func (v FieldValue) IsBool() bool { return v.kind == fieldBool }

// String returns the value as text: strings as is, numbers as their literal,
// booleans as "true"/"false", null and absent as "".
func (v FieldValue) String() string {
	if v.kind == fieldBool {
		return strconv.FormatBool(v.b)
	}
	return v.text
}

// Bool returns the boolean and whether the value is one (also accepting the
// strings "true"/"false").
func (v FieldValue) Bool() (bool, bool) {
	switch v.kind {
	case fieldBool:
		return v.b, true
	case fieldString:
		b, err := strconv.ParseBool(v.text)
		return b, err == nil
	}
	return false, false
}

// Float parses the value as a number; number fields come back as strings.
func (v FieldValue) Float() (float64, error) {
	if v.kind != fieldString && v.kind != fieldNumber {
		return 0, fmt.Errorf("capsule: field value %s is not a number", v.kindName())
	}
	return strconv.ParseFloat(v.text, 64)
}

func (v FieldValue) kindName() string {
	return [...]string{"absent", "null", "string", "number", "bool"}[v.kind]
}

// MarshalJSON encodes the value in the JSON kind it holds.
func (v FieldValue) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case fieldString:
		return json.Marshal(v.text)
	case fieldNumber:
		return []byte(v.text), nil
	case fieldBool:
		return strconv.AppendBool(nil, v.b), nil
	}
	return jsonNull, nil
}

// UnmarshalJSON accepts a string, number, boolean or null.
func (v *FieldValue) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, jsonNull):
		*v = NullFieldValue()
	case bytes.Equal(data, []byte("true")), bytes.Equal(data, []byte("false")):
		*v = BoolValue(data[0] == 't')
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*v = StringValue(s)
	default:
		var n json.Number
		if err := json.Unmarshal(data, &n); err != nil {
			return fmt.Errorf("capsule: field value %s: want string, number, boolean or null", data)
		}
		*v = FieldValue{kind: fieldNumber, text: n.String()}
	}
	return nil
}
