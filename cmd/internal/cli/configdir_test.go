package cli

import (
	"fmt"
	"os"
	"path/filepath"
)

// init points the config directory (stored credentials) of every test of
// the package at a directory that does not exist, so no test ever reads or
// writes the real user's credentials, whatever it forgets to set; tests
// that log in set XDG_CONFIG_HOME to t.TempDir() themselves. (An init, not
// a TestMain: the package may have only one TestMain and import tests own it.)
func init() {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("capsule-etl-cli-test-%d-no-config", os.Getpid()))
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Setenv("HOME", dir)
	// Account indexes go to a throwaway cache directory, never the user's.
	os.Setenv("XDG_CACHE_HOME", filepath.Join(os.TempDir(), fmt.Sprintf("capsule-etl-cli-test-%d-cache", os.Getpid())))
}
