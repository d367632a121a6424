package formats

// NeedsFormulaGuard reports text a spreadsheet would run as a formula when the
// file is opened: text starting with =, +, -, @, tab or carriage return.
// Writers of CSV prefix such text with a ' and XLSX writers store it as a
// plain string, unless the caller opted out.
func NeedsFormulaGuard(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
