package formats

import "errors"

// Finisher is the end of a file writer's life, kept once for every format:
// a sticky error, a closed flag, and the AtomicFile that Close commits, or
// removes when anything failed, so the final path never holds a bad file.
// A writer keeps one as an unexported field (not embedded, so Err and Out do
// not become part of the writer's API) and adds only its format's flush.
type Finisher struct {
	Out    *AtomicFile // nil when writing to a stream: nothing to commit
	Err    error       // the first error; every later call returns it
	Closed bool        // set by Close or Abort
}

// Close runs flush once and then commits Out, or aborts it when flush or an
// earlier write failed. flush always runs (so it can release what it holds)
// and should skip output work itself when Err is already set; of its error
// and Err, the earlier wins. Closing again returns the same error.
func (f *Finisher) Close(flush func() error) error {
	if f.Closed {
		return f.Err
	}
	f.Closed = true
	if flush != nil {
		if err := flush(); f.Err == nil {
			f.Err = err
		}
	}
	if f.Out == nil {
		return f.Err
	}
	if f.Err != nil {
		f.Out.Abort()
		return f.Err
	}
	f.Err = f.Out.Commit()
	return f.Err
}

// Abort gives up: later writes fail with "<what>: aborted", release (may be
// nil) frees the format's resources, and nothing is left at the final path.
// Abort after Close or Abort does nothing. A writer's Abort must still check
// for its own nil receiver before reaching its Finisher.
func (f *Finisher) Abort(what string, release func()) error {
	if f.Closed {
		return nil
	}
	f.Closed = true
	if f.Err == nil {
		f.Err = errors.New(what + ": aborted")
	}
	if release != nil {
		release()
	}
	if f.Out != nil {
		return f.Out.Abort()
	}
	return nil
}
