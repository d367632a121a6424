package formats

import (
	"fmt"
	"strings"
)

// Header is the column names of a file, shared by all its records.
type Header struct {
	names []string
	exact map[string]int
	fold  map[string]int // trimmed, lower-case name -> first index
}

// NewHeader builds a header from column names.
func NewHeader(names []string) *Header {
	h := &Header{names: names, exact: make(map[string]int, len(names)), fold: make(map[string]int, len(names))}
	for i, n := range names {
		if _, ok := h.exact[n]; !ok {
			h.exact[n] = i
		}
		k := strings.ToLower(strings.TrimSpace(n))
		if _, ok := h.fold[k]; !ok {
			h.fold[k] = i
		}
	}
	return h
}

// Names returns the column names in file order. Callers must not modify it.
func (h *Header) Names() []string { return h.names }

// Len is the number of columns.
func (h *Header) Len() int { return len(h.names) }

// Index finds a column by name: an exact match first, then one that differs
// only in case or surrounding spaces.
func (h *Header) Index(name string) (int, bool) {
	if i, ok := h.exact[name]; ok {
		return i, true
	}
	i, ok := h.fold[strings.ToLower(strings.TrimSpace(name))]
	return i, ok
}

// Position says where a record came from, in the terms a spreadsheet user sees:
// Row is the 1-based row number a spreadsheet shows (the header is row 1 when
// it is the first line).
type Position struct {
	File  string
	Sheet string
	Row   int
}

func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Sheet != "" {
		fmt.Fprintf(&b, " sheet %q", p.Sheet)
	}
	if p.Row > 0 {
		fmt.Fprintf(&b, " row %d", p.Row)
	}
	return b.String()
}

// Record is one row: values positioned against a shared header. Readers reuse
// the Record and its Values slice between calls; copy what must outlive the
// next Read.
type Record struct {
	Header *Header
	Values []Value
	Pos    Position
}

// Get returns the value of the named column and whether the column exists.
func (r *Record) Get(name string) (Value, bool) {
	i, ok := r.Header.Index(name)
	if !ok || i >= len(r.Values) {
		return Value{}, ok
	}
	return r.Values[i], true
}

// Clone returns a deep copy of r that does not share storage with the reader.
func (r *Record) Clone() *Record {
	c := &Record{Header: r.Header, Pos: r.Pos, Values: make([]Value, len(r.Values))}
	copy(c.Values, r.Values)
	return c
}

// Reader streams records. Read returns io.EOF after the last record.
type Reader interface {
	Header() *Header
	Read() (*Record, error)
	Close() error
}

// Writer writes records against a header fixed when the writer is created.
// Errors are sticky: after one, every later call returns it. Close flushes
// and puts the file in place.
type Writer interface {
	Write(values []Value) error
	Close() error
}

// ParseError names exactly where a file could not be read.
type ParseError struct {
	File   string
	Sheet  string
	Row    int    // spreadsheet row number, 0 when unknown
	Column string // header name or column letter, "" when unknown
	Err    error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, ", sheet %q", e.Sheet)
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, ", row %d", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }
