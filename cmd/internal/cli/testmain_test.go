package cli

import (
	"fmt"
	"os"
	"testing"
)

// TestMain points the config directory (stored credentials) at a temporary
// directory for every test of the package, so no test ever reads or writes
// the real user's credentials, whatever it forgets to set.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "capsule-etl-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Setenv("HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
