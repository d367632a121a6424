package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestHelpHasExamples checks that the help of every command of this package
// (import and demo are checked by their own tests) shows an example section
// whose lines start with the program name, as users copy them.
func TestHelpHasExamples(t *testing.T) {
	for _, path := range []string{"", "version", "api", "sandbox", "preview", "init", "validate", "export",
		"runs", "runs list", "runs show", "runs rollback", "auth", "auth login", "auth status", "auth logout"} {
		t.Run("help "+path, func(t *testing.T) {
			var out bytes.Buffer
			root := newRootCmd(&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
			root.SetArgs(append(strings.Fields(path), "--help"))
			if err := root.Execute(); err != nil {
				t.Fatal(err)
			}
			help := out.String()
			_, ex, ok := strings.Cut(help, "Examples:\n")
			if !ok {
				t.Fatalf("no Examples section:\n%s", help)
			}
			first := strings.TrimSpace(strings.SplitN(ex, "\n", 2)[0])
			if !strings.HasPrefix(first, "capsule-etl ") && !strings.Contains(first, " capsule-etl ") {
				t.Errorf("first example %q does not run capsule-etl", first)
			}
		})
	}
}

func TestArgumentMistakesAreUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"argument to a command without any", []string{"export", "parties", "-o", "x.csv"}, `capsule-etl export takes no arguments, got "parties"`},
		{"argument to version", []string{"version", "extra"}, "takes no arguments"},
		{"init without input", []string{"init"}, "init needs exactly one INPUT file, got 0"},
		{"init with two inputs", []string{"init", "a.csv", "b.csv"}, "got 2"},
		{"mistyped command", []string{"valdiate"}, `unknown command "valdiate" (did you mean "validate"?)`},
		{"runs list with an argument", []string{"runs", "list", "3"}, "Run 'capsule-etl runs list --help'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != ExitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("code %d, stderr %q; want %d and %q", code, errOut, ExitUsage, tt.want)
			}
		})
	}
}
