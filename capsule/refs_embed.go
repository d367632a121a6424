package capsule

import (
	"bytes"
	"encoding/json"
)

// An embedded link (embed=organisation on people, embed=party or
// opportunity on opportunities and kases) carries the full linked record
// instead of the nested stub (doc 3.2, 4.3). PartyRef and Ref keep such an
// object whole in Embedded, so nothing is lost and it re-encodes as
// received; decode Embedded into Party or Opportunity to read it. A stub
// leaves Embedded nil.

// partyRefKeys and refKeys are the keys of the nested stubs.
var (
	partyRefKeys = []string{"id", "type", "name", "firstName", "lastName", "pictureURL", "isRestricted"}
	refKeys      = []string{"id", "name", "isRestricted"}
)

type (
	partyRefFields PartyRef
	refFields      Ref
)

// UnmarshalJSON decodes a nested party, keeping an embedded record whole.
func (r *PartyRef) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*partyRefFields)(r)); err != nil {
		return err
	}
	r.Embedded = embedded(data, partyRefKeys)
	return nil
}

// MarshalJSON writes the embedded record as received, else the stub.
func (r PartyRef) MarshalJSON() ([]byte, error) {
	if len(r.Embedded) > 0 {
		return r.Embedded, nil
	}
	return json.Marshal(partyRefFields(r))
}

// UnmarshalJSON decodes a nested {id, name} link, keeping an embedded
// record whole.
func (r *Ref) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, (*refFields)(r)); err != nil {
		return err
	}
	r.Embedded = embedded(data, refKeys)
	return nil
}

// MarshalJSON writes the embedded record as received, else the link.
func (r Ref) MarshalJSON() ([]byte, error) {
	if len(r.Embedded) > 0 {
		return r.Embedded, nil
	}
	return json.Marshal(refFields(r))
}

// embedded returns a copy of data when the object has a key outside stub.
func embedded(data []byte, stub []string) Raw {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		k, _ := tok.(string)
		known := false
		for _, s := range stub {
			known = known || s == k
		}
		if !known {
			return bytes.Clone(data)
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil
		}
	}
	return nil
}
