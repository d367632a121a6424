package pipeline

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// spool holds fetched records until the file is written: numbered columns
// need the largest list of the whole file before the header is known, and
// records are written de-duplicated by id (a record changed while paging
// can appear twice). It is a temporary file that is unlinked as soon as it
// is created, so a killed export leaves nothing behind.
type spool struct {
	f      *os.File
	w      *bufio.Writer
	enc    *json.Encoder
	n      int
	latest map[int64]int // id -> index of its latest copy
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "capsule-etl-export-*.spool")
	if err != nil {
		return nil, fmt.Errorf("creating the export spool: %w", err)
	}
	// Unlinked at once (POSIX keeps it readable while open); where that is
	// refused (Windows), close removes it.
	_ = os.Remove(f.Name())
	s := &spool{f: f, w: bufio.NewWriterSize(f, 1<<16), latest: map[int64]int{}}
	s.enc = json.NewEncoder(s.w)
	return s, nil
}

// add appends one record; a later copy of the same id replaces earlier ones.
func (s *spool) add(id int64, v any) error {
	if err := s.enc.Encode(v); err != nil {
		return fmt.Errorf("spooling record %d: %w", id, err)
	}
	s.latest[id] = s.n
	s.n++
	return nil
}

// len is the number of distinct records.
func (s *spool) len() int { return len(s.latest) }

// replay decodes every record in arrival order, skipping superseded copies.
func replay[T any](s *spool, id func(*T) int64, fn func(*T) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("export spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("export spool: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(s.f, 1<<16))
	for i := 0; ; i++ {
		var v T
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("export spool: %w", err)
		}
		if s.latest[id(&v)] != i {
			continue
		}
		if err := fn(&v); err != nil {
			return err
		}
	}
	_, err := s.f.Seek(0, io.SeekEnd)
	return err
}

func (s *spool) close() {
	name := s.f.Name()
	s.f.Close()
	os.Remove(name) // already gone on POSIX; error ignored on purpose
}
