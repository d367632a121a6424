package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/samples"
)

func TestDemo(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(t *testing.T, dir string)
		want   int
		output []string // phrases the output must have
		files  func(dir string) []string
	}{
		{
			name: "fresh folder: the whole job",
			want: ExitOK,
			output: []string{"Demo finished", "The second run sent no writes", "read back the same from all three formats",
				"The second sandbox holds every record of the first, and the same import run again wrote nothing"},
			files: func(dir string) []string {
				fs := []string{filepath.Join("export", demoWorkbook)}
				for _, e := range demoEntities {
					fs = append(fs, filepath.Join("export", e+".csv"), filepath.Join("export", e+".parquet"), filepath.Join("move", e+".csv"))
				}
				for _, s := range samples.All() {
					fs = append(fs, filepath.Join("plans", s.Name+".plan.jsonl"), filepath.Join("samples", s.Input))
				}
				return append(fs, filepath.Join("samples", "broken-rows.errors.csv"), demoMarker)
			},
		},
		{
			name:   "a folder the demo did not make is refused",
			setup:  func(t *testing.T, dir string) { write(t, filepath.Join(dir, "thesis.docx")) },
			want:   ExitUsage,
			output: []string{"was not made by the demo"},
			files:  func(string) []string { return []string{"thesis.docx"} },
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo-out")
			if c.setup != nil {
				c.setup(t, dir)
			}
			var out, errOut syncBuffer
			code := Run(t.Context(), []string{"demo", "--out", dir}, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
			all := out.String() + errOut.String()
			if code != c.want {
				t.Fatalf("exit %d, want %d\n%s", code, c.want, clip(all))
			}
			for _, p := range c.output {
				if !strings.Contains(all, p) {
					t.Errorf("output lacks %q\n%s", p, clip(all))
				}
			}
			for _, f := range c.files(dir) {
				if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s missing or empty (%v)", f, err)
				}
			}
		})
	}
}
