package cli

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/spf13/cobra"
)

// reachHint adds what to check when the API could not be reached at all (no
// listener, unknown host): usually a wrong --base-url or a sandbox that is
// not running, which the bare dial error does not say.
func reachHint(err error, base string) error {
	var de *net.DNSError
	var oe *net.OpError
	if errors.As(err, &de) || errors.As(err, &oe) && oe.Op == "dial" {
		return fmt.Errorf("%w\nhint: %s cannot be reached: check --base-url or CAPSULE_BASE_URL (a sandbox prints its URL when it starts: capsule-etl sandbox)", err, base)
	}
	return err
}

// httpMethods are the methods the Capsule API answers.
var httpMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead}

// checkMethod refuses a mistyped -X before anything is sent.
func checkMethod(m string) error {
	for _, ok := range httpMethods {
		if m == ok {
			return nil
		}
	}
	return fmt.Errorf("-X %s: not an HTTP method Capsule answers (use %s)", m, strings.Join(httpMethods, ", "))
}

// argsAreUsage makes every command's argument check a usage error (exit 2,
// with where to read the usage) instead of cobra's plain error (exit 1):
// "capsule-etl export parties" is a mistake in the command line.
func argsAreUsage(c *cobra.Command) {
	for _, sub := range c.Commands() {
		argsAreUsage(sub)
	}
	check := c.Args
	if check == nil {
		return
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		if err == nil {
			return nil
		}
		var ee *ExitError
		if errors.As(err, &ee) {
			return err
		}
		if strings.HasPrefix(err.Error(), "unknown command") && len(args) > 0 {
			err = fmt.Errorf("%s takes no arguments, got %q: options are flags (--name value)", cmd.CommandPath(), args[0])
		}
		return usageError(fmt.Errorf("%w\nRun '%s --help' for usage", err, cmd.CommandPath()))
	}
}
