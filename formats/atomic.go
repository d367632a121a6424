package formats

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// ErrExists is returned when the output file exists and overwriting was not asked for.
var ErrExists = errors.New("file exists")

// AtomicFile is an output file written under a temporary name in the target's
// directory and renamed into place by Commit, so readers of the final path
// never see a partial file. Abort (or a failed Commit) removes the temporary.
type AtomicFile struct {
	*os.File
	final     string
	overwrite bool
	done      bool
}

// CreateAtomic starts writing path. It fails early with ErrExists when path
// exists and overwrite is false, so no work is wasted.
func CreateAtomic(path string, overwrite bool) (*AtomicFile, error) {
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s: %w (pass overwrite to replace it)", path, ErrExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := createTemp(dir, "."+base+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		_ = f.Chmod(st.Mode().Perm()) // a replaced file keeps its permissions
	}
	return &AtomicFile{File: f, final: path, overwrite: overwrite}, nil
}

// createTemp is os.CreateTemp with mode 0666 less the umask, as for any new
// file (os.CreateTemp gives 0600): an exported file should be readable like
// the user's other files (by a colleague, a web server, a backup job).
func createTemp(dir, prefix string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("no free temporary name in %s", dir)
}

// Path is the final path.
func (a *AtomicFile) Path() string { return a.final }

// Commit syncs, closes and renames the temporary file into place.
func (a *AtomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	tmp := a.File.Name()
	err := a.File.Sync()
	if cerr := a.File.Close(); err == nil {
		err = cerr
	}
	if err == nil && !a.overwrite {
		// Link fails if the final path appeared meanwhile, where rename would replace it.
		if err = os.Link(tmp, a.final); err == nil {
			err = os.Remove(tmp)
			return syncDir(a.final, err)
		}
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("%s: %w (pass overwrite to replace it)", a.final, ErrExists)
		} else {
			err = os.Rename(tmp, a.final)
		}
	} else if err == nil {
		err = os.Rename(tmp, a.final)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", a.final, err)
	}
	return syncDir(a.final, nil)
}

func syncDir(path string, err error) error {
	if err != nil {
		return err
	}
	d, derr := os.Open(filepath.Dir(path))
	if derr != nil {
		return nil
	}
	defer d.Close()
	_ = d.Sync() // best effort: not every filesystem supports syncing a directory
	return nil
}

// Abort closes and removes the temporary file; the final path is untouched.
func (a *AtomicFile) Abort() error {
	if a.done {
		return nil
	}
	a.done = true
	a.File.Close()
	return os.Remove(a.File.Name())
}

// Aborter is implemented by writers that can give up without leaving any
// output at the final path. Close after Abort is a no-op.
type Aborter interface {
	Abort() error
}
