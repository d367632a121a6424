package capsule

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Opt is a JSON value with three states: absent, null, or set. Capsule
// distinguishes them: on a PUT an absent key leaves the stored value alone,
// an explicit null clears it, and live responses carry explicit nulls that a
// faithful re-encoding must keep. Model fields use Opt with the `omitzero`
// tag, so the zero Opt (absent) is never sent.
type Opt[T any] struct {
	value T
	state optState
}

type optState uint8

const (
	optAbsent optState = iota
	optNull
	optSet
)

// Some returns an Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{value: v, state: optSet} }

// Null returns an Opt that encodes as JSON null (clears the field on update).
func Null[T any]() Opt[T] { return Opt[T]{state: optNull} }

// Get returns the value and whether one is set (false for absent and null).
func (o Opt[T]) Get() (T, bool) { return o.value, o.state == optSet }

// Value returns the value, or the zero T when absent or null.
func (o Opt[T]) Value() T { return o.value }

// Valid reports whether a non-null value is set.
func (o Opt[T]) Valid() bool { return o.state == optSet }

// IsNull reports whether the field was (or will be sent as) JSON null.
func (o Opt[T]) IsNull() bool { return o.state == optNull }

// Present reports whether the key is present (null or a value).
func (o Opt[T]) Present() bool { return o.state != optAbsent }

// IsZero reports absence; encoding/json's omitzero uses it to drop the key.
func (o Opt[T]) IsZero() bool { return o.state == optAbsent }

var jsonNull = []byte("null")

// MarshalJSON encodes null or the value. Absent values are dropped by omitzero
// before this is called; if omitzero is missing they encode as null.
func (o Opt[T]) MarshalJSON() ([]byte, error) {
	if o.state != optSet {
		return jsonNull, nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON records null or decodes the value.
func (o *Opt[T]) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, jsonNull) {
		var zero T
		o.value, o.state = zero, optNull
		return nil
	}
	if err := decodeFast(data, &o.value); err != nil {
		return err
	}
	o.state = optSet
	return nil
}

// decodeFast skips a second full json.Unmarshal for the common scalar and
// self-decoding types; encoding/json has already validated data. Decoding a
// page of parties is dominated by these per-field calls.
func decodeFast(data []byte, v any) error {
	switch p := v.(type) {
	case *string:
		if len(data) >= 2 && data[0] == '"' && bytes.IndexByte(data, '\\') < 0 {
			*p = string(data[1 : len(data)-1])
			return nil
		}
	case *bool:
		switch string(data) {
		case "true":
			*p = true
			return nil
		case "false":
			*p = false
			return nil
		}
	case *int:
		if n, err := strconv.Atoi(string(data)); err == nil {
			*p = n
			return nil
		}
	case *int64:
		if n, err := strconv.ParseInt(string(data), 10, 64); err == nil {
			*p = n
			return nil
		}
	case json.Unmarshaler:
		return p.UnmarshalJSON(data)
	}
	return json.Unmarshal(data, v)
}
