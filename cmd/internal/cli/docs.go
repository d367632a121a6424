package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// CommandTree returns the full command tree, for generators of man pages
// and shell completions (cmd/internal/gendocs). Its commands are not meant
// to be executed.
func CommandTree() *cobra.Command {
	root := newRootCmd(&IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard})
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	return root
}
