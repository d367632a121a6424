package export

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
)

const (
	envChildURL = "CAPSULE_ETL_TEST_EXPORT_URL"
	envChildOut = "CAPSULE_ETL_TEST_EXPORT_OUT"
	envChildTmp = "CAPSULE_ETL_TEST_EXPORT_TMP"
)

// TestExportChild is the export run by TestKillDuringExport in a child
// process; it does nothing in a normal test run.
func TestExportChild(t *testing.T) {
	url := os.Getenv(envChildURL)
	if url == "" {
		return
	}
	c, err := capsule.NewClient(capsule.WithToken(sandbox.DefaultToken), capsule.WithBaseURL(url))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Export(context.Background(), c, Options{Entities: []string{layout.Parties}, Output: os.Getenv(envChildOut),
		TempDir: os.Getenv(envChildTmp), IncludeDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
}

// TestKillDuringExport kills (SIGKILL) an export mid-way and checks that
// neither the output, its deleted companion nor any temporary file is left.
func TestKillDuringExport(t *testing.T) {
	data := filepath.Join(t.TempDir(), "account.json")
	fast := startSandbox(t, sandbox.WithDataFile(data))
	createParties(t, fast.c, 300)
	fast.run.Close()
	// The same account, slow: the child lists 3 pages at 200 ms each and is
	// killed on the way.
	slow, err := sandbox.Start(t.Context(), "127.0.0.1:0", sandbox.WithDataFile(data), sandbox.WithLatency(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()

	outDir, tmpDir := t.TempDir(), t.TempDir()
	out := filepath.Join(outDir, "parties.csv")
	cmd := exec.Command(os.Args[0], "-test.run=^TestExportChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildURL+"="+slow.URL, envChildOut+"="+out, envChildTmp+"="+tmpDir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for slow.Server.Stats().Routes["GET /parties"] < 2 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child never listed parties")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v before it was killed: the test did not interrupt it", err)
	}
	for _, d := range []string{outDir, tmpDir} {
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			t.Errorf("left behind after kill -9: %s", filepath.Join(d, e.Name()))
		}
	}
}
