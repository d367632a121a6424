package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/spf13/cobra"
)

// Environment variables every command that talks to Capsule reads.
const (
	envToken   = "CAPSULE_TOKEN"
	envBaseURL = "CAPSULE_BASE_URL"
)

// errNoToken explains how to get a token; it is a usage error (exit 2).
var errNoToken = errors.New(envToken + ` is not set: create a personal access token in Capsule
(My Preferences > API Authentication Tokens) and export CAPSULE_TOKEN=<token>,
or point --base-url at a sandbox started with its own token`)

// accountOptions are the shared flags of commands that call Capsule
// (api, import, export).
type accountOptions struct {
	baseURL string
	getenv  func(string) string // os.Getenv; a seam for tests
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
	if o.baseURL != "" {
		return o.baseURL
	}
	if v := o.getenv(envBaseURL); v != "" {
		return v
	}
	return capsule.DefaultBaseURL
}

// newClient builds a client from the flags and CAPSULE_TOKEN. A missing
// token or a bad URL is a usage error; the token itself is never echoed.
func (o *accountOptions) newClient(extra ...capsule.Option) (*capsule.Client, error) {
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	token := o.getenv(envToken)
	if token == "" {
		return nil, usageError(errNoToken)
	}
	opts := append([]capsule.Option{
		capsule.WithBaseURL(o.resolvedBaseURL()),
		capsule.WithToken(token),
		capsule.WithUserAgent("capsule-etl/" + Version),
	}, extra...)
	c, err := capsule.NewClient(opts...)
	if err != nil {
		return nil, usageError(fmt.Errorf("--base-url: %w", err))
	}
	return c, nil
}
