package cli

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolveBuild(t *testing.T) {
	installed := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/capsule-etl/capsule-etl", Version: "v0.9.1"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "9f2c1e0d4b7a6c5e3f1a2b3c4d5e6f708192a3b4"},
			{Key: "vcs.time", Value: "2026-11-30T08:15:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  buildInfo
	}{
		{"go install module@version reads the build info", "dev", "", "", installed,
			buildInfo{Version: "0.9.1", Commit: "9f2c1e0d4b7a6c5e3f1a2b3c4d5e6f708192a3b4", Date: "2026-11-30T08:15:00Z", Modified: true}},
		{"stamped values win", "v1.2.3", "abc1234", "2026-12-04T21:00:00Z", installed,
			buildInfo{Version: "1.2.3", Commit: "abc1234", Date: "2026-12-04T21:00:00Z", Modified: true}},
		{"a build in a clone has no module version", "dev", "", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			buildInfo{Version: "dev"}},
		{"no build info at all", "dev", "", "", nil, buildInfo{Version: "dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveBuild(tt.version, tt.commit, tt.date, tt.bi)
			tt.want.Go, tt.want.OS, tt.want.Arch = runtime.Version(), runtime.GOOS, runtime.GOARCH
			if got != tt.want {
				t.Errorf("resolveBuild = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	oldV, oldC, oldD, oldRead := Version, Commit, Date, readBuildInfo
	t.Cleanup(func() { Version, Commit, Date, readBuildInfo = oldV, oldC, oldD, oldRead })
	Version, Commit, Date = "1.4.0", "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f607182930", "2026-12-01T10:00:00Z"
	readBuildInfo = func() *debug.BuildInfo { return nil }

	code, out, errOut := runCLI(t, "version", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("version --json printed %q: %v", out, err)
	}
	want := map[string]any{
		"version": "1.4.0", "commit": Commit, "date": Date, "modified": false,
		"go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH,
	}
	if len(got) != len(want) {
		t.Errorf("version --json keys %v, want exactly %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("version --json %s = %v, want %v", k, got[k], v)
		}
	}

	code, out, _ = runCLI(t, "version")
	if code != ExitOK || !strings.HasPrefix(out, "capsule-etl 1.4.0 (commit 0d1e2f3a4b5c, built 2026-12-01T10:00:00Z)\n") {
		t.Errorf("version = %d %q", code, out)
	}
	code, out, _ = runCLI(t, "--version")
	if code != ExitOK || !strings.Contains(out, "capsule-etl version 1.4.0 (commit 0d1e2f3a4b5c") {
		t.Errorf("--version = %d %q", code, out)
	}
}
