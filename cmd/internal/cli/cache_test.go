package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// An import keeps the account index in the cache directory (0600), --index
// puts it elsewhere, --no-index-cache keeps none, `cache clear` removes the
// cached ones, and --match-by takes index or search only.
func TestImportIndexCacheFlags(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("CAPSULE_TOKEN", sandbox.DefaultToken)
	_, url := startSandbox(t)
	_, mapping, input := importFixture(t, importRows(5))
	cached := func() []string {
		files, _ := filepath.Glob(filepath.Join(cache, "capsule-etl", "index", "*.db"))
		return files
	}

	code, _, stderr := runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, "--dry-run", "--match-by", "index", input)
	if code != ExitOK || !strings.Contains(stderr, "matching parties by index") || !strings.Contains(stderr, "reads") {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	files := cached()
	if len(files) != 1 {
		t.Fatalf("cached indexes after the dry run: %v", files)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file %s: %v %v", files[0], st.Mode(), err)
	}

	code, stdout, _ := runCLI(t, "cache", "clear")
	if code != ExitOK || !strings.Contains(stdout, "removed 1 cached account index") || len(cached()) != 0 {
		t.Fatalf("cache clear: exit %d %q, left %v", code, stdout, cached())
	}

	own := filepath.Join(t.TempDir(), "acme-index.db")
	code, _, stderr = runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, "--dry-run", "--index", own, input)
	if _, err := os.Stat(own); code != ExitOK || err != nil || len(cached()) != 0 {
		t.Fatalf("--index: exit %d, %v, cached %v\n%s", code, err, cached(), stderr)
	}
	code, _, stderr = runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, "--dry-run", "--no-index-cache", input)
	if code != ExitOK || len(cached()) != 0 {
		t.Fatalf("--no-index-cache: exit %d, cached %v\n%s", code, cached(), stderr)
	}
	code, _, stderr = runImportCLI(t, "import", "--base-url", url, "--mapping", mapping, "--match-by", "guess", input)
	if code != ExitUsage || !strings.Contains(stderr, "--match-by") {
		t.Fatalf("--match-by guess: exit %d\n%s", code, stderr)
	}
}
