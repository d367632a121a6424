package mappings

import "testing"

func TestLooksLikeToken(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"64 letters and digits", "ak3F9dL0qPz7Xw2Yb8Nc4Vm6Tr1Su5Ho9Jeak3F9dL0qPz7Xw2Yb8Nc4Vm6Tr1S", true},
		{"base64url with separators", "q7Hk_2Lm9xTz-Pw4RbN8cVf1Ys6GdJ0e_Ka3Ui5Wo7Ql2Mn9Bx4Cv8Zr1Ht6Pe3", true},
		{"32 hex digits", "9f86d081884c7d659a2feaa0c55ad015", true},
		{"short", "abc123", false},
		{"letters only", "averyveryverylongcolumnnamewithoutdigits", false},
		{"snake_case column", "secondary_billing_address_line_2", false},
		{"kebab-case column", "customer-reference-number-2019-v2", false},
		{"dotted column", "crm.contact.primary.phone.2.number", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := looksLikeToken(tt.in); got != tt.want {
				t.Errorf("looksLikeToken(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// A long snake_case column name is a column, not a credential.
func TestLongIdentifierColumnIsNotAToken(t *testing.T) {
	probs := check("version: 1\nrecords:\n  p:\n    entity: person\n    fields:\n      firstName: secondary_billing_address_line_2\n", nil)
	if probs.HasErrors() {
		t.Errorf("refused a column name:\n%s", probs.Error())
	}
}
