package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPrepareDemoDir(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		wantErr bool
		kept    string // a file that must survive
		gone    string // a file that must be removed
	}{
		{"missing folder is created", func(t *testing.T, dir string) {}, false, "", ""},
		{"empty folder is used", func(t *testing.T, dir string) { mkdir(t, dir) }, false, "", ""},
		{"unrelated folder is refused", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "thesis.docx"))
		}, true, "thesis.docx", ""},
		{"previous demo output is replaced", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, demoMarker))
			write(t, filepath.Join(dir, "export", "parties.csv"))
		}, false, "", filepath.Join("export", "parties.csv")},
		{"a user's file in a demo folder is left alone", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, demoMarker))
			write(t, filepath.Join(dir, "notes.txt"))
		}, false, "notes.txt", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo-out")
			c.setup(t, dir)
			err := prepareDemoDir(dir)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			_, markErr := os.Stat(filepath.Join(dir, demoMarker))
			if c.wantErr == (markErr == nil) {
				t.Errorf("marker present = %v after err %v", markErr == nil, err)
			}
			if c.kept != "" {
				if _, err := os.Stat(filepath.Join(dir, c.kept)); err != nil {
					t.Errorf("%s was removed", c.kept)
				}
			}
			if c.gone != "" {
				if _, err := os.Stat(filepath.Join(dir, c.gone)); err == nil {
					t.Errorf("%s was left from the previous run", c.gone)
				}
			}
		})
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path string) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}
