package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/cmd/internal/cli"
	"github.com/spf13/cobra"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "1764806400") // 2025-12-04
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	// One man page per command a user can run.
	var walk func(c *cobra.Command)
	pages := 0
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c.HasParent() {
			return
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		data, err := os.ReadFile(filepath.Join(dir, "man", name))
		if err != nil {
			t.Errorf("man page of %q: %v", c.CommandPath(), err)
		} else {
			pages++
			if !strings.Contains(string(data), `.TH "CAPSULE-ETL" "1" "Dec 2025"`) {
				t.Errorf("%s: no man header with SOURCE_DATE_EPOCH's date:\n%.200s", name, data)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cli.CommandTree())
	if pages < 10 {
		t.Errorf("%d man pages, want one per command", pages)
	}
	for name, marker := range map[string]string{
		"capsule-etl.bash": "__start_capsule-etl",
		"capsule-etl.zsh":  "#compdef capsule-etl",
		"capsule-etl.fish": "complete -c capsule-etl",
		"capsule-etl.ps1":  "Register-ArgumentCompleter",
	} {
		data, err := os.ReadFile(filepath.Join(dir, "completions", name))
		if err != nil {
			t.Errorf("completion: %v", err)
			continue
		}
		if !strings.Contains(string(data), marker) {
			t.Errorf("%s lacks %q", name, marker)
		}
	}
}
