package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// demoMarker marks a folder as the demo's own, so a later run may replace
// what the demo wrote there, and nothing else.
const demoMarker = ".capsule-etl-demo"

// demoOwned are the entries the demo writes in its folder.
var demoOwned = []string{"samples", "plans", "export", "move"}

// prepareDemoDir makes dir ready for a run: it is created when missing,
// used when empty, and cleared of the demo's previous output when it has
// the marker. Any other folder with content is refused.
func prepareDemoDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return fmt.Errorf("--out %s: %w", dir, err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return fmt.Errorf("--out %s: the folder exists and was not made by the demo; choose another one with --out, or empty it", dir)
		}
		for _, name := range demoOwned {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, demoMarker),
		[]byte("This folder is written by `capsule-etl demo`; each run replaces samples/, plans/ and export/.\n"), 0o644)
}
