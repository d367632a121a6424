package formats

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels wrapped by ParseError, for callers that act on the kind of problem.
var (
	ErrBlankHeader     = errors.New("blank column name")
	ErrDuplicateHeader = errors.New("duplicate column name")
	ErrRaggedRow       = errors.New("row length differs from the header")
	ErrRecordTooLarge  = errors.New("record too large")
	ErrTooLarge        = errors.New("file too large when decompressed")
	ErrUnknownColumn   = errors.New("column not in the header")
)

// CheckHeader refuses blank column names and names that differ only in case
// or surrounding spaces (Header.Index could not tell them apart). It returns
// the 0-based index of the offending column with the error.
func CheckHeader(names []string) (int, error) {
	seen := make(map[string]int, len(names))
	for i, n := range names {
		k := strings.ToLower(strings.TrimSpace(n))
		if k == "" {
			return i, fmt.Errorf("%w in column %s: name the column or delete it", ErrBlankHeader, ColumnLetter(i))
		}
		if j, ok := seen[k]; ok {
			return i, fmt.Errorf("%w %q in columns %s and %s: rename one of them", ErrDuplicateHeader, n, ColumnLetter(j), ColumnLetter(i))
		}
		seen[k] = i
	}
	return -1, nil
}
