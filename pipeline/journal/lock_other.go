//go:build !unix

package journal

import "os"

// lockFile is not implemented outside Unix yet: two processes on one
// journal are then only kept apart by SQLite's transaction locks.
func lockFile(f *os.File) error { return nil }
