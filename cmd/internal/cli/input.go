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
	h, recs, _, err := readSampleInfo(path, src, limit)
	return h, recs, err
}

// readSampleInfo is readSample that also says how the file was read
// (detected header row, sheet, encoding).
func readSampleInfo(path string, src mappings.SourceOptions, limit int) (*formats.Header, []*formats.Record, files.Info, error) {
	r, err := files.Open(path, files.Options{Sheet: src.Sheet, HeaderRow: src.HeaderRow, Encoding: src.Encoding, Delimiter: src.Delimiter})
	if err != nil {
		return nil, nil, files.Info{}, err
	}
	defer r.Close()
	var recs []*formats.Record
	for limit <= 0 || len(recs) < limit {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, files.Info{}, err
		}
		recs = append(recs, rec.Clone())
	}
	return r.Header(), recs, files.InfoOf(r), nil
}
