package cli

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
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
