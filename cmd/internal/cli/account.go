package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/auth"
	"github.com/spf13/cobra"
)

// Environment variables every command that talks to Capsule reads.
const (
	envToken   = "CAPSULE_TOKEN"
	envBaseURL = "CAPSULE_BASE_URL"
)

// errNoToken explains how to get a token; it is a usage error (exit 2).
func errNoToken(base string) error {
	return fmt.Errorf(envToken+` is not set and no credentials are stored for %s: create a personal access
token in Capsule (My Preferences > API Authentication Tokens) and run 'capsule-etl auth login'
(or export CAPSULE_TOKEN=<token>), or point --base-url at a sandbox started with its own token`, base)
}

// Where the token of a command came from, as `auth status` shows it.
const (
	originEnv   = "environment (" + envToken + ")"
	originStore = "stored credentials"
)

// accountOptions are the shared flags of commands that call Capsule
// (api, import, export, runs rollback, auth).
type accountOptions struct {
	baseURL   string
	getenv    func(string) string // os.Getenv; a seam for tests
	configDir string              // credentials directory; "" = auth.DefaultDir()
}

// addAccountFlags registers --base-url on cmd. Variables are read from the
// command context's overrides (withEnv) before getenv.
func addAccountFlags(cmd *cobra.Command, o *accountOptions) {
	base := o.getenv
	if base == nil {
		base = os.Getenv
	}
	o.getenv = func(name string) string {
		if v, ok := envFrom(cmd.Context())[name]; ok {
			return v
		}
		return base(name)
	}
	cmd.Flags().StringVar(&o.baseURL, "base-url", "",
		"Capsule API root (env "+envBaseURL+", default "+capsule.DefaultBaseURL+")")
}

// resolvedBaseURL applies flag > environment > default.
func (o *accountOptions) resolvedBaseURL() string {
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	if o.baseURL != "" {
		return o.baseURL
	}
	if v := o.getenv(envBaseURL); v != "" {
		return v
	}
	return capsule.DefaultBaseURL
}

// store is the credentials store.
func (o *accountOptions) store() (*auth.Store, error) {
	dir := o.configDir
	if dir == "" {
		var err error
		if dir, err = auth.DefaultDir(); err != nil {
			return nil, err
		}
	}
	return auth.NewStore(dir), nil
}

// credential is the token a command uses: CAPSULE_TOKEN first (so a cron
// job or a one-off call can override a login), then the stored credential
// of the base URL. ok is false when there is neither.
func (o *accountOptions) credential() (cred auth.Credential, origin string, ok bool, err error) {
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	base := o.resolvedBaseURL()
	if t := o.getenv(envToken); t != "" {
		return auth.Credential{BaseURL: base, Kind: auth.KindToken, AccessToken: t}, originEnv, true, nil
	}
	st, err := o.store()
	if err != nil {
		return auth.Credential{}, "", false, err
	}
	cred, ok, err = st.Get(base)
	if err != nil || !ok {
		return auth.Credential{}, "", false, err
	}
	return cred, originStore, true, nil
}

// token is the access token the command will use ("" when none), for
// callers that only hash it (the journal's account identity).
func (o *accountOptions) token() string {
	c, _, _, _ := o.credential()
	return c.AccessToken
}

// newClient builds a client from the flags, CAPSULE_TOKEN or the stored
// credentials. A missing token or a bad URL is a usage error; the token
// itself is never echoed.
func (o *accountOptions) newClient(extra ...capsule.Option) (*capsule.Client, error) {
	cred, _, ok, err := o.credential()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, usageError(errNoToken(o.resolvedBaseURL()))
	}
	opts := []capsule.Option{
		capsule.WithBaseURL(o.resolvedBaseURL()),
		capsule.WithUserAgent("capsule-etl/" + Version),
	}
	if cred.Kind == auth.KindOAuth {
		st, err := o.store()
		if err != nil {
			return nil, err
		}
		// The source outlives this call: refreshes must not be cancelled
		// with a command's context half-way through saving.
		ts, err := st.TokenSource(context.Background(), cred)
		if err != nil {
			return nil, usageError(err)
		}
		opts = append(opts, capsule.WithTokenSource(ts))
	} else {
		opts = append(opts, capsule.WithToken(cred.AccessToken))
	}
	c, err := capsule.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, usageError(fmt.Errorf("--base-url: %w%s", err, baseURLExample(o.resolvedBaseURL())))
	}
	return c, nil
}

// baseURLExample suggests the full form of a base URL written as HOST:PORT,
// the way a sandbox address is often copied.
func baseURLExample(base string) string {
	if base == "" || strings.Contains(base, "://") {
		return ""
	}
	return fmt.Sprintf(" (write it whole, e.g. http://%s/api/v2)", strings.TrimSuffix(base, "/"))
}

// addReserveFlag registers --reserve, the share of the request budget the
// client leaves to other integrations (capsule.DefaultReserve, 0 to
// capsule.MaxReserve): one definition for import and export.
func addReserveFlag(cmd *cobra.Command, p *float64) {
	cmd.Flags().Float64Var(p, "reserve", capsule.DefaultReserve,
		fmt.Sprintf("percent of the hourly request budget left for other integrations (0 to %g)", capsule.MaxReserve))
}

// checkReserve refuses a --reserve out of range (exit 2) before anything
// is read or sent.
func checkReserve(cmd *cobra.Command, percent float64) error {
	if err := capsule.CheckReserve(percent); err != nil {
		return usageError(fmt.Errorf("--reserve %v: %w\nRun '%s --help' for usage", percent, err, cmd.CommandPath()))
	}
	return nil
}
