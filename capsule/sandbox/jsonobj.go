package sandbox

import (
	"bytes"
	"encoding/json"
)

// obj is a JSON object that keeps its keys in insertion order, so every
// response has the key order and the explicit nulls of the live API.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) add(k string, v any) obj { return append(o, kv{k, v}) }

// MarshalJSON writes the keys in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(e.k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// strp returns nil for the empty string so it is written as JSON null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
