package csvfile

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// FuzzReader: any bytes give records or an error naming a row, never a
// panic, and records always match the header's width.
func FuzzReader(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n",
		"\xEF\xBB\xBFname;city\nZoë;Köln\n",
		"\xFF\xFEa\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00",
		"a,b\n1,\"x\ny\"\n",
		"a,b\n1,\"unclosed\n2,3\n",
		"a|b|c\n1|2\n",
		"a\tb\ncaf\xe9\t\x80\n",
		"a,,a\n",
		"",
		"\"\"\"\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), WithMaxRecordBytes(1<<12), WithPadShortRows(len(data)%2 == 0))
		if err != nil {
			var pe *formats.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a ParseError: %v", err)
			}
			return
		}
		for range 10000 {
			rec, err := r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				var pe *formats.ParseError
				if !errors.As(err, &pe) || pe.Row < 1 {
					t.Fatalf("error without a row: %v", err)
				}
				return
			}
			if len(rec.Values) != r.Header().Len() {
				t.Fatalf("record has %d values for %d columns", len(rec.Values), r.Header().Len())
			}
		}
	})
}
