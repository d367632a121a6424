package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/listen"
	"github.com/spf13/cobra"
)

const hooksLong = `Manage the account's Capsule REST hooks: Capsule POSTs every change of the
subscribed event to the target URL. 'capsule-etl listen' subscribes and
receives them for you; these commands show and tidy the subscriptions.

Capsule lets only an account administrator signed in through OAuth manage
hooks (personal access tokens are refused): run
  capsule-etl auth login --oauth --client-id YOUR_APP_ID
first. An account has at most 20 hooks.

Events: ` + "party/created|updated|deleted, opportunity/created|updated|deleted|closed|moved,\nkase/created|updated|deleted|closed|moved, task/created|updated|completed, user/created|updated|deleted."

func newHooksCmd(streams *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hooks",
		Short: "List, add and remove Capsule REST hook subscriptions",
		Long:  hooksLong,
		Example: `  capsule-etl hooks list
  capsule-etl hooks subscribe --event party/updated --url https://example.org/capsule
  capsule-etl hooks unsubscribe 1234 1235`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(newHooksListCmd(streams), newHooksSubscribeCmd(streams), newHooksUnsubscribeCmd(streams))
	return cmd
}

type hooksListOptions struct {
	account accountOptions
	json    bool
}

func newHooksListCmd(streams *IOStreams) *cobra.Command {
	o := &hooksListOptions{}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "Show the subscriptions (secrets in target URLs are masked)",
		Example: "  capsule-etl hooks list\n  capsule-etl hooks list --json",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runHooksList(cmd.Context(), o, streams) },
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON array")
	addAccountFlags(cmd, &o.account)
	return cmd
}

// hookLine is one subscription as list shows it.
type hookLine struct {
	ID          int64  `json:"id"`
	Event       string `json:"event"`
	TargetURL   string `json:"targetUrl"`
	Description string `json:"description"`
	CreatedAt   string `json:"createdAt"`
}

func runHooksList(ctx context.Context, o *hooksListOptions, streams *IOStreams) error {
	client, err := o.account.newClient()
	if err != nil {
		return err
	}
	hs, _, err := client.RestHooks.List(ctx)
	if err != nil {
		return hookError(err, o.account.resolvedBaseURL())
	}
	lines := make([]hookLine, 0, len(hs))
	for _, h := range hs {
		l := hookLine{ID: h.ID, Event: h.Event, TargetURL: maskURL(h.TargetURL), Description: h.Description.Value()}
		if t, ok := h.CreatedAt.Get(); ok {
			l.CreatedAt = t.UTC().Format(capsule.TimestampLayout)
		}
		lines = append(lines, l)
	}
	if o.json {
		b, err := json.MarshalIndent(lines, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(streams.Out, string(b))
		return err
	}
	if len(lines) == 0 {
		_, err := fmt.Fprintln(streams.Out, "No REST hooks. Add one with 'capsule-etl hooks subscribe' or run 'capsule-etl listen'.")
		return err
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEVENT\tTARGET URL\tDESCRIPTION\tCREATED")
	for _, l := range lines {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", l.ID, l.Event, l.TargetURL, l.Description, l.CreatedAt)
	}
	fmt.Fprintf(tw, "\n%d of %d hooks in use.\n", len(lines), capsule.MaxRestHooks)
	return tw.Flush()
}

// maskURL hides what could be a secret in a target URL: a password, query
// values, and long random-looking path segments (listen's secret path).
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q.Set(k, "xxxxx")
		}
		u.RawQuery = q.Encode()
	}
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if secretLike(s) {
			segs[i] = s[:4] + "MASKED"
		}
	}
	u.Path = strings.Join(segs, "/")
	u.RawPath = ""
	return strings.ReplaceAll(u.String(), "MASKED", "…")
}

func secretLike(s string) bool {
	if len(s) < 16 {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-', r == '_':
		default:
			return false
		}
	}
	return digits >= 3
}

type hooksSubscribeOptions struct {
	account     accountOptions
	event       string
	url         string
	description string
}

func newHooksSubscribeCmd(streams *IOStreams) *cobra.Command {
	o := &hooksSubscribeOptions{}
	cmd := &cobra.Command{
		Use:     "subscribe --event EVENT --url URL",
		Short:   "Subscribe an event at a URL; prints the new hook's id",
		Example: "  capsule-etl hooks subscribe --event party/updated --url https://example.org/capsule --description 'CRM sync'",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runHooksSubscribe(cmd.Context(), o, streams) },
	}
	f := cmd.Flags()
	f.StringVar(&o.event, "event", "", "the event, e.g. party/updated (see 'capsule-etl hooks --help')")
	f.StringVar(&o.url, "url", "", "the target URL Capsule POSTs to")
	f.StringVar(&o.description, "description", "", "a note shown in the account's integrations")
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runHooksSubscribe(ctx context.Context, o *hooksSubscribeOptions, streams *IOStreams) error {
	if o.event == "" || o.url == "" {
		return usageError(errors.New("hooks subscribe needs --event and --url\nRun 'capsule-etl hooks subscribe --help' for usage"))
	}
	if err := capsule.CheckHookEvent(o.event); err != nil {
		return usageError(fmt.Errorf("--event: %w", err))
	}
	if u, err := url.Parse(o.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError(fmt.Errorf("--url %q: want an absolute http or https URL, e.g. https://example.org/capsule", maskURL(o.url)))
	}
	client, err := o.account.newClient()
	if err != nil {
		return err
	}
	h := &capsule.RestHook{Event: o.event, TargetURL: o.url}
	if o.description != "" {
		h.Description = capsule.Some(o.description)
	}
	got, _, err := client.RestHooks.Create(ctx, h)
	if err != nil {
		return hookError(err, o.account.resolvedBaseURL())
	}
	_, err = fmt.Fprintln(streams.Out, got.ID)
	return err
}

type hooksUnsubscribeOptions struct {
	account accountOptions
}

func newHooksUnsubscribeCmd(streams *IOStreams) *cobra.Command {
	o := &hooksUnsubscribeOptions{}
	cmd := &cobra.Command{
		Use:     "unsubscribe ID...",
		Short:   "Remove subscriptions by id (see 'hooks list')",
		Example: "  capsule-etl hooks unsubscribe 1234 1235",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(errors.New("hooks unsubscribe needs at least one ID (see 'capsule-etl hooks list')"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHooksUnsubscribe(cmd.Context(), o, args, streams)
		},
	}
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runHooksUnsubscribe(ctx context.Context, o *hooksUnsubscribeOptions, args []string, streams *IOStreams) error {
	ids := make([]int64, len(args))
	for i, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usageError(fmt.Errorf("hook id %q: want a whole number from 'capsule-etl hooks list'", a))
		}
		ids[i] = id
	}
	client, err := o.account.newClient()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := client.RestHooks.Delete(ctx, id); err != nil {
			return hookError(fmt.Errorf("hook %d: %w", id, err), o.account.resolvedBaseURL())
		}
		fmt.Fprintf(streams.Out, "unsubscribed %d\n", id)
	}
	return nil
}

// hookError turns Capsule's refusals into what to do: a 403 means the
// login is not an OAuth one of an administrator, a 422 past 20 the limit.
func hookError(err error, base string) error {
	var fe *listen.HookForbiddenError
	var le *listen.HookLimitError
	var er *capsule.ErrorResponse
	switch {
	case errors.As(err, &fe) || capsule.IsHookForbidden(err):
		msg := err.Error()
		if errors.As(err, &er) && er.Message != "" {
			msg = er.Message
		}
		return usageError(fmt.Errorf("Capsule refused to manage REST hooks: %s.\nHooks need an OAuth login as an account administrator (personal access tokens cannot manage hooks):\n  capsule-etl auth login --oauth --client-id YOUR_APP_ID --base-url %s\nand unset CAPSULE_TOKEN if it holds a personal token", strings.TrimSuffix(msg, "."), base))
	case errors.As(err, &le):
		return withCode(ExitFatal, fmt.Errorf("%w: remove unused ones with 'capsule-etl hooks list' and 'capsule-etl hooks unsubscribe ID'", err))
	case errors.As(err, &er) && er.StatusCode() == 422 && strings.Contains(er.Message, "at most"):
		return withCode(ExitFatal, fmt.Errorf("%s: remove unused ones with 'capsule-etl hooks list' and 'capsule-etl hooks unsubscribe ID'", er.Message))
	}
	return reachHint(err, base)
}
