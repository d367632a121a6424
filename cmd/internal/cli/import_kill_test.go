package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// childEnv makes the test binary run cli.Main with the given arguments
// instead of the tests: the kill -9 test re-executes itself this way.
const childEnv = "CAPSULE_ETL_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			os.Exit(ExitFatal)
		}
		os.Exit(Main(args, os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	if d := os.Getenv("XDG_CACHE_HOME"); strings.Contains(d, "capsule-etl-cli-test-") {
		os.RemoveAll(d) // the throwaway cache of configdir_test.go
	}
	os.Exit(code)
}

// runChild runs the import in a child process and kills it with SIGKILL
// as soon as killNow says so (nil: let it finish). It returns the exit
// code, -1 when killed.
func runChild(t *testing.T, args []string, killNow func() bool) (int, string) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw), "CAPSULE_TOKEN="+sandbox.DefaultToken)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	if killNow != nil {
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
	wait:
		for {
			select {
			case err = <-done:
				break wait
			case <-tick.C:
				if killNow() {
					cmd.Process.Kill() // SIGKILL: no cleanup, no journal flush
					<-done
					return -1, stderr.String()
				}
			}
		}
	} else {
		err = <-done
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

func TestImportSurvivesKill9(t *testing.T) {
	srv, url := startSandbox(t, sandbox.WithLatency(2*time.Millisecond), sandbox.WithRand(rand.New(rand.NewPCG(3, 4))))
	rows := importRows(80)
	_, mapping, input := importFixture(t, rows)
	args := []string{"import", "--base-url", url, "--mapping", mapping, input}
	rng := rand.New(rand.NewPCG(5, 6))
	const maxRuns = 30
	kills, midWrite := 0, 0
	for run := 1; ; run++ {
		if run > maxRuns {
			t.Fatalf("not finished after %d runs (%d killed)", maxRuns, kills)
		}
		// Kill at a random moment while writing: after 1 to 40 more writes
		// reached the sandbox (a write may be applied with its answer lost).
		before := srv.Stats().Requests["POST"]
		var killNow func() bool
		if kills < 6 {
			after := before + 1 + rng.IntN(40)
			killNow = func() bool { return srv.Stats().Requests["POST"] >= after }
		}
		code, stderr := runChild(t, args, killNow)
		switch code {
		case -1:
			kills++
			if srv.Stats().Requests["POST"] > before {
				midWrite++
			}
			continue
		case ExitOK:
		case ExitFatal:
			t.Logf("run %d exited 1 (to be resumed): %s", run, lastLine(stderr))
			continue
		default:
			t.Fatalf("run %d: exit %d\n%s", run, code, stderr)
		}
		t.Logf("finished after %d runs, %d killed (%d while writing)", run, kills, midWrite)
		break
	}
	if midWrite == 0 {
		t.Fatalf("no run was killed while writing (%d kills): the test proves nothing", kills)
	}
	checkOnce(t, url, rows)
}

func lastLine(s string) string {
	b := bytes.TrimSpace([]byte(s))
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return string(b[i+1:])
	}
	return string(b)
}
