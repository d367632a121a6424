package capsule

import (
	"bytes"
	"encoding/json"
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
	if err := json.Unmarshal(data, &o.value); err != nil {
		return err
	}
	o.state = optSet
	return nil
}
