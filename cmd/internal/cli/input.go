package cli

import (
	"errors"
	"io"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// readSample opens an input file with the mapping's source options and
// returns its header and up to limit records (0 = all), cloned because
// readers reuse them.
func readSample(path string, src mappings.SourceOptions, limit int) (*formats.Header, []*formats.Record, error) {
	r, err := files.Open(path, files.Options{Sheet: src.Sheet, HeaderRow: src.HeaderRow, Encoding: src.Encoding, Delimiter: src.Delimiter})
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var recs []*formats.Record
	for limit <= 0 || len(recs) < limit {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		recs = append(recs, rec.Clone())
	}
	return r.Header(), recs, nil
}
