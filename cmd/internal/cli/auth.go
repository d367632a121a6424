package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/auth"
	"github.com/spf13/cobra"
)

const authLong = `Sign in to Capsule once; later commands use the stored credentials.

Credentials are stored per API base URL in
  $XDG_CONFIG_HOME/capsule-etl/credentials.json (usually ~/.config/capsule-etl/)
with permissions 0600 (directory 0700). There is no OS keyring support: no
keyring library in pure Go works without a desktop session (D-Bus Secret
Service), which servers and cron jobs do not have.

CAPSULE_TOKEN, when set, always wins over stored credentials, so one command
can use another token without logging out.`

func newAuthCmd(streams *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Log in to Capsule, show the account in use, log out",
		Long:  authLong,
		Example: `  capsule-etl auth login
  capsule-etl auth status
  capsule-etl auth logout`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(newAuthLoginCmd(streams, nil), newAuthStatusCmd(streams, nil), newAuthLogoutCmd(streams, nil))
	return cmd
}

type authLoginOptions struct {
	account      accountOptions
	withToken    bool
	oauth        bool
	clientID     string
	clientSecret string
	timeout      time.Duration
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newAuthLoginCmd(streams *IOStreams, runF func(context.Context, *authLoginOptions) error) *cobra.Command {
	o := &authLoginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Store a personal access token, or sign in with OAuth 2 (PKCE)",
		Long: `Store a personal access token (Capsule > My Preferences > API Authentication
Tokens) after checking it with GET /users/current, or sign in through an OAuth
app registered at https://developer.capsulecrm.com (--oauth).

On a terminal the token is asked for without echo. Otherwise pass --with-token
and pipe it on standard input (never put a token on the command line: it ends
up in the shell history and the process list).

With --oauth, capsule-etl listens on 127.0.0.1 (a random port), prints the
authorisation URL to open in a browser, and exchanges the code (PKCE S256).
Register http://127.0.0.1 as a redirect URI of the app. Access and refresh
tokens are stored; expired access tokens are refreshed and saved again.

` + authLong,
		Example: `  capsule-etl auth login
  capsule-etl auth login --with-token < token.txt
  capsule-etl auth login --oauth --client-id YOUR_APP_ID
  capsule-etl auth login --base-url http://127.0.0.1:8080/api/v2 --with-token <<< sandbox-token`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAuthLogin(cmd.Context(), o, streams)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.withToken, "with-token", false, "read the personal access token from standard input")
	f.BoolVar(&o.oauth, "oauth", false, "sign in through an OAuth app in the browser (PKCE)")
	f.StringVar(&o.clientID, "client-id", "", "OAuth app client id (with --oauth)")
	f.StringVar(&o.clientSecret, "client-secret", "", "OAuth app client secret, if the app has one (with --oauth)")
	f.DurationVar(&o.timeout, "timeout", auth.DefaultLoginTimeout, "how long to wait for the browser (with --oauth)")
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runAuthLogin(ctx context.Context, o *authLoginOptions, streams *IOStreams) error {
	switch {
	case o.oauth && o.withToken:
		return usageError(errors.New("--oauth and --with-token exclude each other"))
	case o.oauth && o.clientID == "":
		return usageError(errors.New("--oauth needs --client-id (the id of an app registered at https://developer.capsulecrm.com)"))
	case !o.oauth && (o.clientID != "" || o.clientSecret != ""):
		return usageError(errors.New("--client-id and --client-secret go with --oauth"))
	}
	base := o.account.resolvedBaseURL()
	if _, err := auth.Endpoints(base); err != nil {
		return usageError(fmt.Errorf("--base-url: %w", err))
	}
	cred := auth.Credential{BaseURL: base, Kind: auth.KindToken}
	if o.oauth {
		tok, err := auth.Login(ctx, auth.LoginOptions{BaseURL: base, ClientID: o.clientID, ClientSecret: o.clientSecret,
			Timeout: o.timeout, Announce: func(u string) error {
				_, err := fmt.Fprintf(streams.ErrOut, "Open this URL in a browser to let capsule-etl use your Capsule account:\n\n  %s\n\nWaiting for the browser...\n", u)
				return err
			}})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return withCode(ExitFatal, err)
		}
		cred.Kind, cred.AccessToken, cred.RefreshToken, cred.Expiry = auth.KindOAuth, tok.AccessToken, tok.RefreshToken, tok.Expiry
		cred.ClientID, cred.ClientSecret = o.clientID, o.clientSecret
	} else {
		tok, err := readToken(o.withToken, streams)
		if err != nil {
			return err
		}
		cred.AccessToken = tok
	}
	who, err := whoAmI(ctx, base, cred.AccessToken)
	if err != nil {
		return err
	}
	cred.UserID, cred.User, cred.Site = who.userID, who.user, who.site
	st, err := o.account.store()
	if err != nil {
		return err
	}
	if err := st.Put(cred); err != nil {
		return err
	}
	fmt.Fprintf(streams.Out, "Logged in to %s as %s (site %s).\nCredentials stored in %s (0600).\n",
		base, cred.User, orDash(cred.Site), st.Path())
	if o.account.getenv(envToken) != "" {
		fmt.Fprintln(streams.ErrOut, "note: "+envToken+" is set and takes precedence over the stored credentials")
	}
	return nil
}

// readToken reads a personal token: from stdin with --with-token, else by
// a prompt without echo on a terminal.
func readToken(withToken bool, streams *IOStreams) (string, error) {
	var tok string
	if streams.IsStdinTTY() && !withToken {
		fmt.Fprint(streams.ErrOut, "Paste your Capsule personal access token (My Preferences > API Authentication Tokens): ")
		b, err := streams.ReadSecret()
		fmt.Fprintln(streams.ErrOut)
		if err != nil {
			return "", withCode(ExitFatal, fmt.Errorf("reading the token: %w", err))
		}
		tok = b
	} else {
		if !withToken {
			return "", usageError(errors.New("standard input is not a terminal: pass --with-token and pipe the token in, or use --oauth"))
		}
		line, err := bufio.NewReader(io.LimitReader(streams.In, 64<<10)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", withCode(ExitFatal, fmt.Errorf("reading the token from standard input: %w", err))
		}
		tok = line
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", usageError(errors.New("no token given: paste a personal access token from Capsule > My Preferences > API Authentication Tokens"))
	}
	return tok, nil
}

type identity struct {
	userID int64
	user   string
	site   string
}

// whoAmI checks a token with GET /users/current (and /site for its name).
// A refused token is exit 1 with Capsule's message, never the token.
func whoAmI(ctx context.Context, base, token string) (identity, error) {
	c, err := capsule.NewClient(capsule.WithBaseURL(base), capsule.WithToken(token), capsule.WithUserAgent("capsule-etl/"+Version))
	if err != nil {
		return identity{}, usageError(err)
	}
	return whoAmIWith(ctx, c)
}

func whoAmIWith(ctx context.Context, c *capsule.Client) (identity, error) {
	c.Pacer().SetPending(2)
	u, _, err := c.Users.Current(ctx)
	if err != nil {
		var er *capsule.ErrorResponse
		if errors.As(err, &er) && er.StatusCode() == http.StatusUnauthorized {
			return identity{}, withCode(ExitFatal, errors.New("Capsule refused the token (401): check that it was copied whole and has not been revoked"))
		}
		return identity{}, withCode(ExitFatal, fmt.Errorf("checking the token: %w", err))
	}
	id := identity{userID: u.ID, user: u.Username.Value()}
	if id.user == "" {
		id.user = u.Name.Value()
	}
	if s, _, err := c.Site.Get(ctx); err == nil {
		id.site = s.Name.Value()
		if sub := s.Subdomain.Value(); sub != "" {
			id.site += " (" + sub + ")"
		}
	}
	return id, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type authStatusOptions struct{ account accountOptions }

// runF, when set, runs instead of the command with the parsed options (tests).
func newAuthStatusCmd(streams *IOStreams, runF func(context.Context, *authStatusOptions) error) *cobra.Command {
	o := &authStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the Capsule account and where its token comes from",
		Long: `Show the user, site and API base URL the other commands would use, and whether
the token comes from CAPSULE_TOKEN or from the stored credentials. The token
is checked with GET /users/current and never printed.

Exit status: 0 when a working token is found, 1 otherwise.`,
		Example: `  capsule-etl auth status
  CAPSULE_BASE_URL=http://127.0.0.1:8080/api/v2 CAPSULE_TOKEN=sandbox-token capsule-etl auth status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAuthStatus(cmd.Context(), o, streams)
		},
	}
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runAuthStatus(ctx context.Context, o *authStatusOptions, streams *IOStreams) error {
	base := o.account.resolvedBaseURL()
	cred, origin, ok, err := o.account.credential()
	if err != nil {
		return err
	}
	if !ok {
		return withCode(ExitFatal, fmt.Errorf("not logged in to %s: run 'capsule-etl auth login' or set %s", base, envToken))
	}
	c, err := o.account.newClient()
	if err != nil {
		return err
	}
	who, err := whoAmIWith(ctx, c)
	if err != nil {
		return err
	}
	kind := "personal access token"
	if cred.Kind == auth.KindOAuth {
		kind = "OAuth token (client " + cred.ClientID + ")"
	}
	w := streams.Out
	fmt.Fprintf(w, "API base URL:  %s\n", base)
	fmt.Fprintf(w, "User:          %s (id %s)\n", who.user, strconv.FormatInt(who.userID, 10))
	fmt.Fprintf(w, "Site:          %s\n", orDash(who.site))
	fmt.Fprintf(w, "Token:         %s from %s\n", kind, origin)
	if origin == originStore {
		if st, err := o.account.store(); err == nil {
			fmt.Fprintf(w, "Stored in:     %s\n", st.Path())
		}
	}
	return nil
}

type authLogoutOptions struct{ account accountOptions }

// runF, when set, runs instead of the command with the parsed options (tests).
func newAuthLogoutCmd(streams *IOStreams, runF func(context.Context, *authLogoutOptions) error) *cobra.Command {
	o := &authLogoutOptions{}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove the stored credentials of the API base URL",
		Long: `Remove the stored credentials of the API base URL (--base-url, CAPSULE_BASE_URL
or the default). OAuth tokens are also revoked at Capsule (POST
/oauth/token/revoke); personal access tokens cannot be revoked through the API:
delete them in Capsule (My Preferences > API Authentication Tokens).

Exit status: 0 when credentials were removed, 1 when there were none.`,
		Example: `  capsule-etl auth logout
  capsule-etl auth logout --base-url https://api.capsulecrm.com/api/v2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAuthLogout(cmd.Context(), o, streams)
		},
	}
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runAuthLogout(ctx context.Context, o *authLogoutOptions, streams *IOStreams) error {
	base := o.account.resolvedBaseURL()
	st, err := o.account.store()
	if err != nil {
		return err
	}
	cred, ok, err := st.Get(base)
	if err != nil {
		return err
	}
	if !ok {
		return withCode(ExitFatal, fmt.Errorf("no stored credentials for %s", base))
	}
	if cred.Kind == auth.KindOAuth {
		if err := auth.Revoke(ctx, &http.Client{Timeout: 30 * time.Second}, cred); err != nil {
			fmt.Fprintf(streams.ErrOut, "warning: %v; removing the stored tokens anyway\n", err)
		}
	}
	if _, err := st.Delete(base); err != nil {
		return err
	}
	fmt.Fprintf(streams.Out, "Logged out of %s (stored credentials removed).\n", base)
	if o.account.getenv(envToken) != "" {
		fmt.Fprintln(streams.ErrOut, "note: "+envToken+" is still set: commands keep using it")
	}
	return nil
}
