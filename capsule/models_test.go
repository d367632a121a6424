package capsule

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// TestFixturesRoundTrip decodes every recorded response into the typed models
// and re-encodes it: the result must equal the original JSON tree, so no key
// is lost, no null is dropped and no key is invented.
func TestFixturesRoundTrip(t *testing.T) {
	tests := []struct {
		file string
		key  string
		v    func() any
	}{
		{"parties-list-response.recorded.json", "parties", func() any { return new([]Party) }},
		{"parties-list-last-page-response.recorded.json", "parties", func() any { return new([]Party) }},
		{"kases-list-response.recorded.json", "kases", func() any { return new([]Kase) }},
		{"kases-field-definitions-list-response.recorded.json", "definitions", func() any { return new([]FieldDefinition) }},
		{"kase-create-response.recorded.json", "kase", func() any { return new(Kase) }},
		{"task-create-response.recorded.json", "task", func() any { return new(Task) }},
		{"error-404-response.recorded.json", "", func() any { return new(errorBody) }},
		{"error-405-response.recorded.json", "", func() any { return new(errorBody) }},
		{"error-422-validation-response.recorded.json", "", func() any { return new(errorBody) }},
	}
	files, _ := filepath.Glob("testdata/fixtures/*.json")
	if len(files) != len(tests) {
		t.Errorf("%d fixture files but %d cases: add a case for every fixture", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata/fixtures", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			v := tt.v()
			var got []byte
			if tt.key == "" {
				if err := json.Unmarshal(raw, v); err != nil {
					t.Fatal(err)
				}
				got, err = json.Marshal(v)
			} else {
				if err := decodeEnvelope(bytes.NewReader(raw), tt.key, v); err != nil {
					t.Fatal(err)
				}
				got, err = json.Marshal(envelope{tt.key, v})
			}
			if err != nil {
				t.Fatal(err)
			}
			var want, have any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got, &have); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, have) {
				diffJSON(t, "", want, have)
			}
		})
	}
}

// diffJSON reports each path where two decoded JSON trees differ.
func diffJSON(t *testing.T, path string, want, have any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			t.Errorf("%s: want object, got %v", path, have)
			return
		}
		for k, wv := range w {
			hv, ok := h[k]
			if !ok {
				t.Errorf("%s.%s: key lost (was %v)", path, k, wv)
				continue
			}
			diffJSON(t, path+"."+k, wv, hv)
		}
		for k, hv := range h {
			if _, ok := w[k]; !ok {
				t.Errorf("%s.%s: key invented (%v)", path, k, hv)
			}
		}
	case []any:
		h, ok := have.([]any)
		if !ok || len(h) != len(w) {
			t.Errorf("%s: want %v, got %v", path, want, have)
			return
		}
		for i := range w {
			diffJSON(t, path+"["+strconv.Itoa(i)+"]", w[i], h[i])
		}
	default:
		if !reflect.DeepEqual(want, have) {
			t.Errorf("%s: want %#v, got %#v", path, want, have)
		}
	}
}
