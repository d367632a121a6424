//go:build release

// Run by `make release-snapshot` after GoReleaser has filled dist/.
package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestSnapshotArchive(t *testing.T) {
	dist := filepath.Join(repoRoot, "dist")
	sums, err := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatalf("no checksums: %v (run make release-snapshot)", err)
	}
	want := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, name, _ := strings.Cut(l, "  ")
		want[name] = sum
	}
	var linux string
	for _, target := range []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64", "windows_arm64"} {
		ext := ".tar.gz"
		if strings.HasPrefix(target, "windows") {
			ext = ".zip"
		}
		m, _ := filepath.Glob(filepath.Join(dist, "capsule-etl_*_"+target+ext))
		if len(m) != 1 {
			t.Errorf("%s: archives %v, want one", target, m)
			continue
		}
		data, err := os.ReadFile(m[0])
		if err != nil {
			t.Fatal(err)
		}
		got := sha256.Sum256(data)
		if want[filepath.Base(m[0])] != hex.EncodeToString(got[:]) {
			t.Errorf("%s: checksum does not match checksums.txt", m[0])
		}
		t.Logf("%s: %d bytes", filepath.Base(m[0]), len(data))
		if target == "linux_"+runtime.GOARCH {
			linux = m[0]
		}
	}
	if linux == "" {
		t.Fatalf("no Linux archive for %s", runtime.GOARCH)
	}
	dir := t.TempDir()
	files := untar(t, linux, dir)
	for _, w := range []string{"capsule-etl", "README.md", "LICENSE", "man/man1/capsule-etl.1", "man/man1/capsule-etl-import.1",
		"completions/capsule-etl.bash", "completions/capsule-etl.zsh", "completions/capsule-etl.fish", "completions/capsule-etl.ps1"} {
		if files[w] == "" {
			t.Errorf("archive lacks %s (has %v)", w, files)
		}
	}
	out, err := exec.Command(files["capsule-etl"], "version", "--json").Output()
	if err != nil {
		t.Fatalf("version --json: %v", err)
	}
	var v struct{ Version, Commit, Date string }
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" || v.Version == "dev" || len(v.Commit) != 40 || v.Date == "" {
		t.Errorf("version --json from the archive = %s (%v)", out, err)
	}
}

// untar unpacks archive into dir; it returns archive paths (without the
// wrapping directory) to paths on disk.
func untar(t *testing.T, archive, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	files := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		_, rel, _ := strings.Cut(h.Name, "/")
		dst := filepath.Join(dir, filepath.FromSlash(h.Name))
		os.MkdirAll(filepath.Dir(dst), 0o755)
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, os.FileMode(h.Mode)&0o755)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		out.Close()
		files[rel] = dst
	}
}
