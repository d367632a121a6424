package capsule

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestParseLinkNext(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"none", nil, ""},
		{"capsule next", []string{`<https://api.capsulecrm.com/api/v2/parties?page=2&perPage=100>; rel="next"`}, "https://api.capsulecrm.com/api/v2/parties?page=2&perPage=100"},
		{"comma inside target", []string{`<https://x/api/v2/parties?embed=tags,fields&page=3>; rel="next"`}, "https://x/api/v2/parties?embed=tags,fields&page=3"},
		{"prev then next", []string{`<https://x/p?page=1>; rel="prev", <https://x/p?page=3>; rel="next"`}, "https://x/p?page=3"},
		{"multiple rels, unquoted", []string{`<https://x/p?page=4>; rel=next`}, "https://x/p?page=4"},
		{"two header lines", []string{`<https://x/p?page=1>; rel="prev"`, `<https://x/p?page=2>; rel="next"`}, "https://x/p?page=2"},
		{"only prev", []string{`<https://x/p?page=1>; rel="prev"`}, ""},
		{"garbage", []string{`<<>>;;rel=`, `no brackets; rel="next"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseLinkNext(tt.values); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzParseLinkNext(f *testing.F) {
	for _, s := range []string{`<https://a/b?page=2>; rel="next"`, `<x>; rel="prev", <y>; rel="next"`, `<`, `>; rel=next`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := parseLinkNext([]string{s})
		if len(got) > len(s) {
			t.Errorf("target %q longer than header %q", got, s)
		}
		h := http.Header{}
		h.Set("X-RateLimit-Reset", s)
		_ = parseRate(h)
	})
}

func TestFieldValueRoundTrip(t *testing.T) {
	tests := []struct {
		in        string
		wantStr   string
		wantFloat float64
		floatOK   bool
	}{
		{`"42"`, "42", 42, true},
		{`42.50`, "42.50", 42.5, true},
		{`"Skiing"`, "Skiing", 0, false},
		{`true`, "true", 0, false},
		{`null`, "", 0, false},
		{`"2025-01-31"`, "2025-01-31", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v FieldValue
			if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(v)
			if err != nil || string(out) != tt.in {
				t.Errorf("re-encoded %s, want %s (%v)", out, tt.in, err)
			}
			if v.String() != tt.wantStr {
				t.Errorf("String() = %q, want %q", v.String(), tt.wantStr)
			}
			f, err := v.Float()
			if (err == nil) != tt.floatOK || (tt.floatOK && f != tt.wantFloat) {
				t.Errorf("Float() = %v, %v", f, err)
			}
		})
	}
	var bad FieldValue
	if err := json.Unmarshal([]byte(`{"a":1}`), &bad); err == nil {
		t.Errorf("an object value must be rejected")
	}
}

func FuzzModelsDecode(f *testing.F) {
	f.Add(`{"id":1,"type":"person","fields":[{"value":"3"}],"createdAt":"2025-01-01T00:00:00Z","dueOn":"2025-01-01"}`)
	f.Add(`{"owner":null,"emailAddresses":[{"id":2,"_delete":true}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var p Party
		if json.Unmarshal([]byte(s), &p) != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("decoded %q but cannot re-encode: %v", s, err)
		}
		var again Party
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", out, err)
		}
	})
}
