package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// readInput reads the header and up to limit records of an input file, with
// the mapping's source options. It is the only place validate and init touch
// files; it reads CSV with encoding/csv until formats/files (files.Open, every
// format) is on main, then becomes a call to files.Open.
func readInput(path string, src mappings.SourceOptions, limit int) (*formats.Header, []*formats.Record, error) {
	if !strings.EqualFold(filepath.Ext(path), ".csv") {
		return nil, nil, fmt.Errorf("%s: only CSV inputs can be read by this build", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	if src.Delimiter != "" {
		r.Comma = []rune(src.Delimiter)[0]
	}
	names, err := r.Read()
	if err != nil {
		return nil, nil, &formats.ParseError{File: path, Row: 1, Err: fmt.Errorf("reading the header: %w", err)}
	}
	if src.Delimiter == "" && len(names) == 1 && strings.Contains(names[0], ";") {
		return nil, nil, &formats.ParseError{File: path, Row: 1, Err: errors.New(`the header has one column containing ";": set source.csv.delimiter: ";"`)}
	}
	h := formats.NewHeader(names)
	var recs []*formats.Record
	for row := 2; limit <= 0 || len(recs) < limit; row++ {
		cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, &formats.ParseError{File: path, Row: row, Err: err}
		}
		vals := make([]formats.Value, len(cells))
		for i, c := range cells {
			if c != "" {
				vals[i] = formats.StringValue(c)
			}
		}
		recs = append(recs, &formats.Record{Header: h, Values: vals, Pos: formats.Position{File: path, Row: row}})
	}
	return h, recs, nil
}
