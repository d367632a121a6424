// Command gendocs writes capsule-etl's man pages and shell completions,
// generated from the cobra command tree, for the release archives:
//
//	go run ./cmd/internal/gendocs -out bin/docs
//
// writes bin/docs/man/*.1 and bin/docs/completions/capsule-etl.{bash,zsh,fish,ps1}.
// It is a separate program so the capsule-etl binary does not carry the
// man page renderer.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/capsule-etl/capsule-etl/cmd/internal/cli"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func main() {
	out := flag.String("out", "bin/docs", "output directory")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(out string) error {
	root := cli.CommandTree()
	root.DisableAutoGenTag = true // no generation date: the archives stay reproducible
	man := filepath.Join(out, "man")
	comp := filepath.Join(out, "completions")
	for _, d := range []string{man, comp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	header := &doc.GenManHeader{Title: "CAPSULE-ETL", Section: "1", Source: "capsule-etl", Manual: "capsule-etl manual"}
	if t, ok := sourceDate(); ok {
		header.Date = &t
	}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	gens := []struct {
		name string
		gen  func(*cobra.Command, string) error
	}{
		{"capsule-etl.bash", func(c *cobra.Command, p string) error { return c.GenBashCompletionFileV2(p, true) }},
		{"capsule-etl.zsh", (*cobra.Command).GenZshCompletionFile},
		{"capsule-etl.fish", func(c *cobra.Command, p string) error { return c.GenFishCompletionFile(p, true) }},
		{"capsule-etl.ps1", (*cobra.Command).GenPowerShellCompletionFileWithDesc},
	}
	for _, g := range gens {
		if err := g.gen(root, filepath.Join(comp, g.name)); err != nil {
			return fmt.Errorf("completion %s: %w", g.name, err)
		}
	}
	return nil
}

// sourceDate honours SOURCE_DATE_EPOCH (reproducible builds); GoReleaser
// sets it from the commit date in .goreleaser.yaml.
func sourceDate() (time.Time, bool) {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return time.Time{}, false
	}
	var sec int64
	if _, err := fmt.Sscan(v, &sec); err != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, 0).UTC(), true
}
