package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// goreleaserConfig is the part of .goreleaser.yaml the release depends on.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Before      struct {
		Hooks []string `yaml:"hooks"`
	} `yaml:"before"`
	Builds []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		Files []any `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
}

const repoRoot = "../.."

func loadGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return c
}

// archiveFileSources lists the src of every archive file entry (plain
// strings or {src, dst} maps).
func archiveFileSources(files []any) []string {
	var out []string
	for _, f := range files {
		switch f := f.(type) {
		case string:
			out = append(out, f)
		case map[string]any:
			if s, ok := f["src"].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestGoreleaserConfig(t *testing.T) {
	c := loadGoreleaser(t)
	if c.Version != 2 || c.ProjectName != "capsule-etl" {
		t.Errorf("version %d, project_name %q: want 2, capsule-etl", c.Version, c.ProjectName)
	}
	if len(c.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(c.Builds))
	}
	b := c.Builds[0]
	if b.Main != "./cmd/capsule-etl" || b.Binary != "capsule-etl" {
		t.Errorf("build main %q binary %q", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %v: the binary must be static (CGO_ENABLED=0)", b.Env)
	}
	var targets []string
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			targets = append(targets, goos+"/"+goarch)
		}
	}
	slices.Sort(targets)
	want := []string{"darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64", "windows/arm64"}
	if !slices.Equal(targets, want) {
		t.Errorf("targets %v, want %v", targets, want)
	}
	if len(c.Archives) != 1 {
		t.Fatalf("%d archives, want 1", len(c.Archives))
	}
	a := c.Archives[0]
	if !slices.Equal(a.Formats, []string{"tar.gz"}) || len(a.FormatOverrides) != 1 ||
		a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("archive formats %v overrides %+v: want tar.gz, zip on windows", a.Formats, a.FormatOverrides)
	}
	srcs := archiveFileSources(a.Files)
	for _, w := range []string{"README.md", "LICENSE", "bin/docs/man/*.1", "bin/docs/completions/*"} {
		if !slices.Contains(srcs, w) {
			t.Errorf("archive files %v lack %q", srcs, w)
		}
	}
	for _, f := range []string{"README.md", "LICENSE"} {
		if _, err := os.Stat(filepath.Join(repoRoot, f)); err != nil {
			t.Errorf("archive file %s: %v", f, err)
		}
	}
	if !slices.ContainsFunc(c.Before.Hooks, func(h string) bool { return strings.Contains(h, "./cmd/internal/gendocs -out bin/docs") }) {
		t.Errorf("before hooks %v do not generate bin/docs", c.Before.Hooks)
	}
	if c.Checksum.NameTemplate != "checksums.txt" || c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %+v: want checksums.txt, sha256", c.Checksum)
	}
	if path, err := exec.LookPath("goreleaser"); err == nil {
		// When GoReleaser is installed, its own validation runs too.
		cmd := exec.Command(path, "check")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("goreleaser check: %v\n%s", err, out)
		}
	}
}

// stampRe matches one -X assignment of an ldflags line.
var stampRe = regexp.MustCompile(`-X (\S+)=(\S+)`)

// TestReleaseLdflagsStamp builds the binary with the ldflags of
// .goreleaser.yaml (templates filled in) and reads them back with
// `version --json`: a misspelt -X target would be ignored silently by the
// linker, and every release would say "dev".
func TestReleaseLdflagsStamp(t *testing.T) {
	c := loadGoreleaser(t)
	values := map[string]string{
		"{{ .Version }}":    "1.4.2",
		"{{ .FullCommit }}": "0123456789abcdef0123456789abcdef01234567",
		"{{ .Date }}":       "2026-12-04T21:00:00Z",
	}
	var ldflags []string
	seen := map[string]string{}
	for _, l := range c.Builds[0].Ldflags {
		for tmpl, v := range values {
			l = strings.ReplaceAll(l, tmpl, v)
		}
		if strings.Contains(l, "{{") {
			t.Fatalf("ldflags %q: template this test does not fill", l)
		}
		for _, m := range stampRe.FindAllStringSubmatch(l, -1) {
			seen[m[1]] = m[2]
		}
		ldflags = append(ldflags, l)
	}
	if len(seen) != 3 {
		t.Fatalf("ldflags stamp %v: want Version, Commit and Date", seen)
	}
	bin := filepath.Join(t.TempDir(), "capsule-etl")
	build := exec.Command("go", "build", "-ldflags", strings.Join(ldflags, " "), "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatalf("version --json: %v", err)
	}
	var got struct {
		Version, Commit, Date string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("version --json printed %q: %v", out, err)
	}
	if got.Version != "1.4.2" || got.Commit != values["{{ .FullCommit }}"] || got.Date != values["{{ .Date }}"] {
		t.Errorf("version --json = %s, want the stamped version, commit and date", out)
	}
}
