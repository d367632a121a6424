package export

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
//
// Each line is a one-byte tag (e.g. the party type), then the record's
// JSON: replay decodes only the lines it wants, and never a superseded copy.
type spool struct {
	f      *os.File
	w      *bufio.Writer
	latest map[int64]int // id -> index of its latest copy
	live   []bool        // per index: still the latest copy of its id
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "capsule-etl-export-*.spool")
	if err != nil {
		return nil, fmt.Errorf("creating the export spool: %w", err)
	}
	// Unlinked at once (POSIX keeps it readable while open); where that is
	// refused (Windows), close removes it.
	_ = os.Remove(f.Name())
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<16), latest: map[int64]int{}}, nil
}

// add appends one record under tag; a later copy of the same id replaces
// earlier ones.
func (s *spool) add(id int64, tag byte, v any) error {
	b, err := json.Marshal(v) // JSON escapes newlines: one record per line
	if err != nil {
		return fmt.Errorf("spooling record %d: %w", id, err)
	}
	s.w.WriteByte(tag)
	s.w.Write(b)
	if err := s.w.WriteByte('\n'); err != nil {
		return fmt.Errorf("export spool: %w", err)
	}
	if j, ok := s.latest[id]; ok {
		s.live[j] = false
	}
	s.latest[id] = len(s.live)
	s.live = append(s.live, true)
	return nil
}

// len is the number of distinct records.
func (s *spool) len() int { return len(s.latest) }

// replay decodes, in arrival order, the latest copy of every record whose
// tag is tag.
func replay[T any](s *spool, tag byte, fn func(*T) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("export spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("export spool: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 1<<16)
	for i := 0; ; i++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A record longer than the buffer: gather the rest of the line.
			buf := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				buf = append(buf, line...)
			}
			line = buf
		}
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil {
			return fmt.Errorf("export spool: %w", err)
		}
		if i >= len(s.live) || !s.live[i] || line[0] != tag {
			continue
		}
		var v T
		if err := json.Unmarshal(line[1:], &v); err != nil {
			return fmt.Errorf("export spool: %w", err)
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
