package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Build identity, set at build time by the Makefile and GoReleaser:
//
//	-ldflags "-X .../cli.Version=1.2.3 -X .../cli.Commit=<sha> -X .../cli.Date=<RFC 3339>"
//
// A binary built without them (go install, go build) takes them from the
// module's build info instead.
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// buildInfo is what `version --json` prints. The field names are a
// contract for scripts: add fields, never rename them.
type buildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Date     string `json:"date"`
	Modified bool   `json:"modified"` // built from a tree with uncommitted changes
	Go       string `json:"go"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
}

// currentBuild combines the stamped variables with debug.ReadBuildInfo:
// stamped values win; the build info fills what was not stamped.
func currentBuild() buildInfo {
	return resolveBuild(Version, Commit, Date, readBuildInfo())
}

// readBuildInfo is a seam for tests.
var readBuildInfo = func() *debug.BuildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return bi
}

func resolveBuild(version, commit, date string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{
		Version: strings.TrimPrefix(version, "v"), Commit: commit, Date: date,
		Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
	}
	if bi == nil {
		return b
	}
	if b.Version == "" || b.Version == "dev" {
		// "go install module@v1.2.3" records v1.2.3; a build inside a
		// clone records "(devel)" or a pseudo-version.
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			b.Version = strings.TrimPrefix(v, "v")
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// short is the one-line form: "1.2.3 (commit 0123abc, built 2026-12-04T21:00:00Z)".
func (b buildInfo) short() string {
	var extra []string
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.Modified {
			c += "-dirty"
		}
		extra = append(extra, "commit "+c)
	}
	if b.Date != "" {
		extra = append(extra, "built "+b.Date)
	}
	if len(extra) == 0 {
		return b.Version
	}
	return b.Version + " (" + strings.Join(extra, ", ") + ")"
}

type versionOptions struct {
	json bool
}

func newVersionCmd(streams *IOStreams) *cobra.Command {
	o := &versionOptions{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print the version, the commit it was built from and the build date.

With --json it prints one JSON object:
  {"version":"1.2.3","commit":"<sha>","date":"2026-12-04T21:00:00Z","modified":false,
   "go":"go1.26.8","os":"linux","arch":"amd64"}
commit and date are "" when the binary was built without that information.`,
		Example: "  capsule-etl version\n  capsule-etl version --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(streams, o)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print one JSON object (version, commit, date, modified, go, os, arch)")
	return cmd
}

func runVersion(streams *IOStreams, o *versionOptions) error {
	b := currentBuild()
	if o.json {
		enc := json.NewEncoder(streams.Out)
		return enc.Encode(b)
	}
	_, err := fmt.Fprintf(streams.Out, "capsule-etl %s\n%s %s/%s\n", b.short(), b.Go, b.OS, b.Arch)
	return err
}
