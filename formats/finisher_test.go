package formats

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// calls counts how often the format's hooks ran.
type calls struct{ flushes, releases int }

func (c *calls) flush(err error) func() error {
	return func() error { c.flushes++; return err }
}

func (c *calls) release() { c.releases++ }

// TestFinisher checks the shared end of the file writers: the file reaches
// its final path only when nothing failed, the first error sticks, and
// Abort leaves nothing behind.
func TestFinisher(t *testing.T) {
	errFlush := errors.New("flush failed")
	errWrite := errors.New("write failed")
	tests := []struct {
		name     string
		earlier  error // sticky error from a write
		run      func(f *Finisher, c *calls) error
		wantErr  string // "" for success
		wantFile bool
		want     calls
	}{
		{"close commits", nil, func(f *Finisher, c *calls) error {
			return f.Close(c.flush(nil))
		}, "", true, calls{flushes: 1}},
		{"flush error aborts", nil, func(f *Finisher, c *calls) error {
			return f.Close(c.flush(errFlush))
		}, "flush failed", false, calls{flushes: 1}},
		{"earlier error wins over flush", errWrite, func(f *Finisher, c *calls) error {
			return f.Close(c.flush(errFlush))
		}, "write failed", false, calls{flushes: 1}},
		{"second close returns same error without flushing", nil, func(f *Finisher, c *calls) error {
			f.Close(c.flush(errFlush))
			return f.Close(c.flush(nil))
		}, "flush failed", false, calls{flushes: 1}},
		{"abort removes and marks", nil, func(f *Finisher, c *calls) error {
			if err := f.Abort("test writer", c.release); err != nil {
				return err
			}
			return f.Err
		}, "test writer: aborted", false, calls{releases: 1}},
		{"abort keeps earlier error", errWrite, func(f *Finisher, c *calls) error {
			f.Abort("test writer", c.release)
			return f.Err
		}, "write failed", false, calls{releases: 1}},
		{"abort after close does nothing", nil, func(f *Finisher, c *calls) error {
			if err := f.Close(nil); err != nil {
				return err
			}
			return f.Abort("test writer", c.release)
		}, "", true, calls{}},
		{"close after abort does not commit", nil, func(f *Finisher, c *calls) error {
			f.Abort("test writer", nil)
			return f.Close(c.flush(nil))
		}, "test writer: aborted", false, calls{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.txt")
			out, err := CreateAtomic(path, false)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := out.WriteString("data"); err != nil {
				t.Fatal(err)
			}
			f := &Finisher{Out: out, Err: tt.earlier}
			var c calls
			err = tt.run(f, &c)
			if got := errString(err); got != tt.wantErr {
				t.Errorf("error = %q, want %q", got, tt.wantErr)
			}
			if !f.Closed {
				t.Error("not marked closed")
			}
			if _, serr := os.Stat(path); (serr == nil) != tt.wantFile {
				t.Errorf("final file exists = %v, want %v", serr == nil, tt.wantFile)
			}
			wantEntries := 0
			if tt.wantFile {
				wantEntries = 1
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != wantEntries {
				t.Errorf("%d files left in the directory, want %d (no temporary)", len(entries), wantEntries)
			}
			if c != tt.want {
				t.Errorf("hooks ran %+v, want %+v", c, tt.want)
			}
		})
	}
}

// TestFinisherStream checks a writer without a file: Close only flushes.
func TestFinisherStream(t *testing.T) {
	f := &Finisher{}
	if err := f.Close(func() error { return errors.New("short write") }); errString(err) != "short write" {
		t.Fatalf("Close = %v, want the flush error", err)
	}
	if err := f.Abort("test writer", nil); err != nil {
		t.Fatalf("Abort after Close = %v, want nil", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
