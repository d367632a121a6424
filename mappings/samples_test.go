package mappings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSamplesValidate checks every mapping under samples/ (the demo's and
// the docs' files) the way `capsule-etl validate` does, against the input of
// the same name when there is one.
func TestSamplesValidate(t *testing.T) {
	var files []string
	_ = filepath.WalkDir(filepath.Join("..", "samples"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "schedule" {
			return filepath.SkipDir // scheduler examples (Kubernetes YAML), not mappings
		}
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, probs := Parse(src, f)
			if probs.HasErrors() {
				t.Fatal(probs)
			}
			base := strings.TrimSuffix(strings.TrimSuffix(f, ".yml"), ".yaml")
			if _, err := os.Stat(base + ".csv"); err == nil {
				h, _ := readInput(t, base+".csv", m.Source)
				if _, probs := Compile(m, h); probs.HasErrors() {
					t.Fatal(probs)
				}
				return
			}
			if _, probs := Compile(m, nil); probs.HasErrors() {
				t.Fatal(probs)
			}
		})
	}
}
