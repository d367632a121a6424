package cli

import (
	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/spf13/cobra"
)

// Flags of the root command that show what goes over the wire, on stderr.
const (
	flagVerbose   = "verbose"
	flagDebugHTTP = "debug-http"
)

// addVerboseFlags registers -v/--verbose and --debug-http on root. They are
// defined before cobra adds --version, which then keeps its long form only.
func addVerboseFlags(root *cobra.Command) {
	root.PersistentFlags().BoolP(flagVerbose, "v", false, "one line per HTTP request on stderr: method, path, status, duration, rate budget left")
	root.PersistentFlags().Bool(flagDebugHTTP, false, "every HTTP request and response on stderr with headers and bodies (the token is always redacted)")
}

// requestLogOption returns the capsule option the flags of cmd ask for, or
// nil when neither is set.
func requestLogOption(cmd *cobra.Command) capsule.Option {
	if cmd == nil {
		return nil
	}
	flag := func(name string) bool {
		f := cmd.Flags().Lookup(name)
		return f != nil && f.Value.String() == "true"
	}
	switch {
	case flag(flagDebugHTTP):
		return capsule.WithRequestLog(cmd.ErrOrStderr(), capsule.RequestLogHTTP)
	case flag(flagVerbose):
		return capsule.WithRequestLog(cmd.ErrOrStderr(), capsule.RequestLogLines)
	}
	return nil
}
