package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/samples"
)

// The README's examples are part of the product: every line starting with
// "capsule-etl " in a ```sh block of README.md is run here, in order, in one
// temporary folder holding a copy of samples/, against one sandbox seeded
// with samples/sandbox-seed.json, through Run as the binary would.
//
// What the README may rely on:
//   - CAPSULE_BASE_URL and CAPSULE_TOKEN point at that sandbox;
//   - http://127.0.0.1:8080/api/v2 (the sandbox command's default address)
//     in a command is replaced by the sandbox's URL;
//   - a trailing "# exits N" gives the expected exit code (0 otherwise);
//   - a trailing "# runs until Ctrl+C" marks a command that serves: it is
//     started on a free port (--addr 127.0.0.1:0), stopped once it says it is
//     listening, and must then exit 0;
//   - no shell: no pipes, redirections, variables or globs (use --output).
const (
	readmeSandboxURL = "http://127.0.0.1:8080/api/v2"
	readmeExitsNote  = "# exits "
	readmeServesNote = "# runs until Ctrl+C"
)

// readmeCommand is one command found in the README.
type readmeCommand struct {
	line   int // 1-based line in README.md
	text   string
	args   []string // without the leading "capsule-etl"
	want   int      // expected exit code
	serves bool
}

// readmeCommands extracts the commands of ```sh blocks.
func readmeCommands(src []byte) ([]readmeCommand, error) {
	var cmds []readmeCommand
	inSh := false
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "```") && !inSh:
			inSh = strings.TrimSpace(strings.TrimPrefix(line, "```")) == "sh"
			continue
		case strings.HasPrefix(line, "```"):
			inSh = false
			continue
		}
		if !inSh || !strings.HasPrefix(line, "capsule-etl ") {
			continue
		}
		c := readmeCommand{line: n, text: line}
		words, comment, err := shellWords(strings.TrimPrefix(line, "capsule-etl "))
		if err != nil {
			return nil, fmt.Errorf("README.md:%d: %w", n, err)
		}
		c.args = words
		switch {
		case strings.HasPrefix(comment, readmeExitsNote):
			code, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(comment, readmeExitsNote)))
			if err != nil {
				return nil, fmt.Errorf("README.md:%d: %q: want \"# exits N\"", n, comment)
			}
			c.want = code
		case comment == readmeServesNote:
			c.serves = true
		}
		cmds = append(cmds, c)
	}
	return cmds, sc.Err()
}

// shellWords splits a command line as a POSIX shell would for the simple
// forms the README uses (words, single and double quotes, a trailing
// comment) and refuses anything that needs a real shell.
func shellWords(s string) (words []string, comment string, err error) {
	var cur strings.Builder
	inWord := false
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '#' && !inWord:
			return words, strings.TrimSpace(s[i:]), nil
		case strings.ContainsRune("|&;<>$`*?()\\", r):
			return nil, "", fmt.Errorf("%q needs a shell; README commands are run without one", string(r))
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, "", fmt.Errorf("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, "", nil
}

func TestShellWords(t *testing.T) {
	cases := []struct {
		in      string
		words   []string
		comment string
		err     bool
	}{
		{"preview a.csv --rows 3", []string{"preview", "a.csv", "--rows", "3"}, "", false},
		{`preview --delimiter ";" a.csv   # exits 2`, []string{"preview", "--delimiter", ";", "a.csv"}, "# exits 2", false},
		{"init 'my file.csv'", []string{"init", "my file.csv"}, "", false},
		{"init a.csv > m.yaml", nil, "", true},
		{"export --output $HOME/x.csv", nil, "", true},
		{"init 'a.csv", nil, "", true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			w, comment, err := shellWords(c.in)
			if (err != nil) != c.err {
				t.Fatalf("err = %v, want error %v", err, c.err)
			}
			if fmt.Sprint(w) != fmt.Sprint(c.words) || comment != c.comment {
				t.Errorf("got %q %q, want %q %q", w, comment, c.words, c.comment)
			}
		})
	}
}

func TestREADMECommands(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := readmeCommands(src)
	if err != nil {
		t.Fatal(err)
	}
	// The README must show the whole journey, not just a few commands.
	seen := map[string]bool{}
	for _, c := range cmds {
		if len(c.args) > 0 {
			seen[c.args[0]] = true
		}
	}
	for _, must := range []string{"sandbox", "preview", "init", "validate", "import", "export"} {
		if !seen[must] {
			t.Errorf("README.md shows no `capsule-etl %s` command in a ```sh block", must)
		}
	}

	dir := t.TempDir()
	if err := samples.WriteTo(filepath.Join(dir, "samples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	ctx := t.Context()
	run, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.WithSeedFile(filepath.Join("samples", samples.SeedFile)))
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	env := withEnv(ctx, map[string]string{envBaseURL: run.URL, envToken: sandbox.DefaultToken})

	for _, c := range cmds {
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = strings.ReplaceAll(a, readmeSandboxURL, run.URL)
		}
		var out, errOut syncBuffer
		streams := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
		var code int
		if c.serves {
			code = runServing(env, append(args, "--addr", "127.0.0.1:0"), streams, &out)
		} else {
			code = Run(env, args, streams)
		}
		if code != c.want {
			t.Errorf("README.md:%d: %s\nexit %d, the README says %d\nstdout:\n%s\nstderr:\n%s",
				c.line, c.text, code, c.want, clip(out.String()), clip(errOut.String()))
		}
		if strings.Contains(out.String()+errOut.String(), "Bearer ") {
			t.Errorf("README.md:%d: output shows an authorization header", c.line)
		}
	}
}

// runServing runs a command that serves until interrupted: it is cancelled
// once its output says it is listening (or after a few seconds).
func runServing(ctx context.Context, args []string, streams *IOStreams, out *syncBuffer) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- Run(ctx, args, streams) }()
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case code := <-done:
			return code // stopped by itself: an error, or it does not serve
		case <-deadline:
			cancel()
			<-done
			return -1
		case <-tick.C:
			if strings.Contains(out.String(), "listening") {
				cancel()
				return <-done
			}
		}
	}
}

// clip shortens long output for a failure message, keeping its end, where
// the error is.
func clip(s string) string {
	const head, tail = 800, 2500
	if len(s) > head+tail {
		return s[:head] + "\n[...]\n" + s[len(s)-tail:]
	}
	return s
}

// FuzzShellWords: any line is split or refused, never a panic; words
// quoted back and split again give the same words.
func FuzzShellWords(f *testing.F) {
	for _, s := range []string{"preview a.csv --rows 3", `validate --mapping "my map.yaml" x.csv   # exits 2`,
		"init 'it''s.csv'", "a > b", `"unterminated`, "# only a comment", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, _, err := shellWords(s)
		if err != nil {
			return
		}
		var quoted []string
		for _, w := range words {
			if strings.ContainsRune(w, '\'') {
				return // quoteArgs writes '\'' which needs a backslash, refused here by design
			}
			quoted = append(quoted, "'"+w+"'")
		}
		again, _, err := shellWords(strings.Join(quoted, " "))
		if err != nil || fmt.Sprint(again) != fmt.Sprint(words) {
			t.Fatalf("%q: split %q, re-split %q (%v)", s, words, again, err)
		}
	})
}
