package parquetfile

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ErrMemoryLimit is returned when a file asks for more memory than allowed:
// a corrupt header can claim gigabyte pages.
var ErrMemoryLimit = errors.New("memory limit exceeded")

// limitAllocator caps the bytes a reader holds at once. The Allocator
// interface cannot return an error, so it panics with a memoryPanic that the
// reader's recover turns back into ErrMemoryLimit.
type limitAllocator struct {
	mem  memory.Allocator
	used atomic.Int64
	max  int64
}

type memoryPanic struct{ want, max int64 }

func (p memoryPanic) Error() string {
	return fmt.Sprintf("%v: a read needed %d bytes, the limit is %d", ErrMemoryLimit, p.want, p.max)
}
func (p memoryPanic) Unwrap() error { return ErrMemoryLimit }

func (a *limitAllocator) reserve(n int64) {
	if u := a.used.Add(n); n > 0 && u > a.max {
		a.used.Add(-n)
		panic(memoryPanic{want: u, max: a.max})
	}
}

func (a *limitAllocator) Allocate(size int) []byte {
	a.reserve(int64(size))
	return a.mem.Allocate(size)
}

func (a *limitAllocator) Reallocate(size int, b []byte) []byte {
	a.reserve(int64(size - len(b)))
	return a.mem.Reallocate(size, b)
}

func (a *limitAllocator) Free(b []byte) {
	a.used.Add(-int64(len(b)))
	a.mem.Free(b)
}

// guard turns a panic inside arrow-go (corrupt input, memory limit) into an
// error, so a bad file never takes the process down.
func guard(err *error, what string) {
	if r := recover(); r != nil {
		switch p := r.(type) {
		case memoryPanic:
			*err = p
		case error:
			*err = fmt.Errorf("%s: corrupt or unsupported file: %w", what, p)
		default:
			*err = fmt.Errorf("%s: corrupt or unsupported file: %v", what, p)
		}
	}
}
