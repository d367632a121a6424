package mappings

import (
	"encoding/json"
	"strings"
	"testing"
)

// A ${NAME} whose name does not say "token" can still hold one (CAPSULE_PAT,
// CRM_KEY): the value is refused once interpolated, and never printed.
func TestInterpolatedTokenIsRefusedWithoutEcho(t *testing.T) {
	const tok = "ak3F9dL0qPz7Xw2Yb8Nc4Vm6Tr1Su5Ho9Je"
	env := WithEnv(func(k string) (string, bool) { return tok, k == "CAPSULE_PAT" })
	tests := []struct {
		name string
		src  string
	}{
		{"constant value", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Name\n      about: {value: \"${CAPSULE_PAT}\"}\n"},
		{"inside text", "version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: Name\n      about: {value: \"key ${CAPSULE_PAT}\"}\n"},
		{"enum value", "version: 1\nrecords:\n  p:\n    entity: person\n    on_match: ${CAPSULE_PAT}\n    fields: {firstName: Name}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, probs := Parse([]byte(tt.src), "t.yaml", env)
			all := probs.Error()
			if !probs.HasErrors() || !strings.Contains(all, "${CAPSULE_PAT} holds a value that looks like an access token") {
				t.Errorf("interpolated token not refused:\n%s", all)
			}
			if strings.Contains(all, tok) {
				t.Errorf("problems echo the token:\n%s", all)
			}
			if b, _ := json.Marshal(m); strings.Contains(string(b), tok) {
				t.Errorf("token kept in the parsed mapping")
			}
		})
	}
}
