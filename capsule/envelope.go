package capsule

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Capsule wraps every body in a one-key object ({"party": {...}},
// {"parties": [...]}). These helpers wrap and unwrap without a struct per
// resource, streaming the body once.

type envelope struct {
	key string
	v   any
}

func (e envelope) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{e.key: e.v})
}

// decodeEnvelope decodes the value under key into v and skips other keys.
// A body without key is an error: it means the server answered something else.
func decodeEnvelope(r io.Reader, key string, v any) error {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if err == nil {
			err = errors.New("not a JSON object")
		}
		return fmt.Errorf("decoding %q response: %w", key, err)
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("decoding %q response: %w", key, err)
		}
		if k, _ := tok.(string); k == key && !found {
			if err := dec.Decode(v); err != nil {
				return fmt.Errorf("decoding %q response: %w", key, err)
			}
			found = true
			continue
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return fmt.Errorf("decoding %q response: %w", key, err)
		}
	}
	if !found {
		return fmt.Errorf("decoding response: key %q missing", key)
	}
	return nil
}
