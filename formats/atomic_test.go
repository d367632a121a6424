//go:build unix

package formats

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAtomicFileMode checks that a new output gets the mode of any new file
// (0666 less the umask, not os.CreateTemp's 0600) and that a replaced file
// keeps its own.
func TestAtomicFileMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	tests := []struct {
		name     string
		existing fs.FileMode // 0: no file yet
		want     fs.FileMode
	}{
		{"new file", 0, 0o644},
		{"replaced file keeps its mode", 0o640, 0o640},
		{"replaced private file stays private", 0o600, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.csv")
			if tt.existing != 0 {
				if err := os.WriteFile(path, []byte("old"), tt.existing); err != nil {
					t.Fatal(err)
				}
				os.Chmod(path, tt.existing)
			}
			a, err := CreateAtomic(path, tt.existing != 0)
			if err != nil {
				t.Fatal(err)
			}
			a.WriteString("new")
			if err := a.Commit(); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Mode().Perm(); got != tt.want {
				t.Errorf("mode = %v, want %v", got, tt.want)
			}
		})
	}
}
