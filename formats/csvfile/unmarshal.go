package csvfile

import (
	"io"

	"github.com/gocarina/gocsv"
)

// rawSource adapts a Reader to gocsv's CSVReader: the header line first,
// then every record's text, so gocsv maps columns to struct tags.
type rawSource struct {
	r       *Reader
	started bool
}

func (s *rawSource) Read() ([]string, error) {
	if !s.started {
		s.started = true
		return append([]string(nil), s.r.header.Names()...), nil
	}
	rec, err := s.r.Read()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rec.Values))
	for i, v := range rec.Values {
		out[i] = v.Text()
	}
	return out, nil
}

func (s *rawSource) ReadAll() ([][]string, error) {
	var all [][]string
	for {
		rec, err := s.Read()
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, err
		}
		all = append(all, rec)
	}
}

// Unmarshal decodes the whole file into out, a pointer to a slice of structs
// tagged `csv:"Column Name"`, with the same detection and errors as Read.
// It suits small files (seed data, lookup tables); it does not stream.
func Unmarshal(r *Reader, out any) error {
	return gocsv.UnmarshalCSV(&rawSource{r: r}, out)
}
