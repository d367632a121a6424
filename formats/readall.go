package formats

import (
	"errors"
	"io"
	"iter"
)

// Records iterates r's records up to io.EOF. The record is the reader's,
// reused by the next step (Clone to keep it). A read error is yielded once,
// with a nil record, and ends the iteration.
func Records(r Reader) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// ReadAll reads r to its end and returns every record, each a clone that
// stays valid. On a read error it returns the records before it with the
// error. For whole files that fit in memory; stream with Records otherwise.
func ReadAll(r Reader) ([]*Record, error) {
	var out []*Record
	for rec, err := range Records(r) {
		if err != nil {
			return out, err
		}
		out = append(out, rec.Clone())
	}
	return out, nil
}
