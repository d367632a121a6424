package formats

// The formula guard. A spreadsheet opening a CSV file evaluates a cell that
// starts with =, +, -, @, tab or carriage return as a formula, so text from a
// CRM could run as one ("=HYPERLINK(...)"). CSV writers therefore put a ' in
// front of such text, unless the caller opted out (machine consumers). The
// guard applies only where a spreadsheet evaluates the cell:
//   - CSV only: XLSX string cells are never formulas, and Parquet and JSON
//     Lines are not opened by spreadsheets;
//   - not for plain numbers and phone numbers: text made of digits, spaces
//     and + - ( ) . only ("+44 20 7946 0018", "-12.5") cannot call a
//     function or refer to a cell, and other consumers of the file need it
//     as it is.
//
// Everything the guard adds is removed again on import (Unguard): a value
// that itself starts with ' followed by what Unguard would strip gets a
// second ', so the round trip is exact.

// NeedsFormulaGuard reports text a spreadsheet would run as a formula when
// the file is opened and that is not a plain number or phone number.
func NeedsFormulaGuard(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return !numberLike(s)
	}
	return false
}

// numberLike reports text of digits, spaces and + - ( ) . only, with at
// least one digit: a number or a phone number.
func numberLike(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return false
		}
	}
	return digit
}

// FormulaGuard returns s as a CSV writer stores it: with a ' in front when a
// spreadsheet would run it, or when Unguard would otherwise take a ' of s
// itself away.
func FormulaGuard(s string) string {
	if NeedsFormulaGuard(s) || looksGuarded(s) {
		return "'" + s
	}
	return s
}

// Unguard undoes FormulaGuard. It also takes the ' off text guarded by
// earlier versions, which guarded phone numbers too ("'+44 20 7946 0018").
func Unguard(s string) string {
	if looksGuarded(s) {
		return s[1:]
	}
	return s
}

// looksGuarded reports a ' followed by a formula sign or by another guarded
// value.
func looksGuarded(s string) bool {
	if len(s) < 2 || s[0] != '\'' {
		return false
	}
	switch s[1] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return looksGuarded(s[1:])
}
