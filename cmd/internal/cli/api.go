package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/spf13/cobra"
)

type apiOptions struct {
	account  accountOptions
	method   string
	input    string
	paginate bool
	include  bool
	path     string
}

// runF, when set, runs instead of the command with the parsed options (tests).
func newAPICmd(streams *IOStreams, runF func(context.Context, *apiOptions) error) *cobra.Command {
	o := &apiOptions{}
	cmd := &cobra.Command{
		Use:   "api PATH",
		Short: "Make one authenticated, paced Capsule API request and print the JSON",
		Long: `Make an authenticated, rate-paced request to the Capsule API and print the body.

PATH is relative to the API root (e.g. "parties/12?embed=tags" or
"/users/current"), or a full URL on the same host as the root.

The method is GET, or POST when --input is given; -X sets it.
With --paginate, every page is fetched by following the Link header (100 per
page unless PATH sets perPage) and the items of every page are printed as ONE
JSON array, one item per line, so the output can be piped to jq.
With -i, the status line and response headers come first (the request's
Authorization header is never printed); with --paginate only the first page's.

Exit status: 0 on 2xx; 1 with Capsule's message and field errors otherwise;
2 for usage errors (bad flags, missing CAPSULE_TOKEN).`,
		Example: `  capsule-etl api users/current
  capsule-etl api --paginate 'parties?embed=tags,fields' > parties.json
  echo '{"party":{"type":"organisation","name":"Acme"}}' | capsule-etl api -X POST parties --input -
  capsule-etl api -i site`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(fmt.Errorf("api needs exactly one PATH, got %d arguments\nRun 'capsule-etl api --help' for usage", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAPI(cmd.Context(), o, streams)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.method, "method", "X", "", "HTTP method (default GET, or POST with --input)")
	f.StringVar(&o.input, "input", "", `file with the JSON request body ("-" for standard input)`)
	f.BoolVar(&o.paginate, "paginate", false, "follow Link rel=next and print every item of every page as one JSON array")
	f.BoolVarP(&o.include, "include", "i", false, "print the status line and response headers first")
	addAccountFlags(cmd, &o.account)
	return cmd
}

func runAPI(ctx context.Context, o *apiOptions, streams *IOStreams) error {
	method := strings.ToUpper(o.method)
	if method == "" {
		method = http.MethodGet
		if o.input != "" {
			method = http.MethodPost
		}
	}
	if err := checkMethod(method); err != nil {
		return usageError(err)
	}
	if o.paginate && method != http.MethodGet && !strings.Contains(o.path, "filters/results") {
		return usageError(fmt.Errorf("--paginate works with GET (and POST .../filters/results), not %s", method))
	}
	var body []byte
	if o.input != "" {
		var err error
		if body, err = readInput(o.input, streams.In); err != nil {
			return usageError(err)
		}
	}
	client, err := o.account.newClient()
	if err != nil {
		return err
	}
	if o.paginate {
		return reachHint(apiPaginate(ctx, client, method, o, body, streams), o.account.resolvedBaseURL())
	}
	var buf bytes.Buffer
	resp, err := apiCall(ctx, client, method, o.path, body, &buf)
	if o.include && resp != nil {
		printHead(streams.Out, resp.Response)
	}
	if err != nil {
		var ae *capsule.AcceptedError
		if errors.As(err, &ae) {
			fmt.Fprintln(streams.ErrOut, "accepted: job queued at", ae.JobURL)
			return nil
		}
		return reachHint(err, o.account.resolvedBaseURL())
	}
	return printJSON(streams.Out, buf.Bytes())
}

// apiCall sends one request; the pacer is told it is the only pending one,
// so an interactive call never waits unless the budget is spent.
func apiCall(ctx context.Context, c *capsule.Client, method, path string, body []byte, out io.Writer) (*capsule.Response, error) {
	var in any
	if body != nil {
		in = bytes.NewReader(body)
	}
	req, err := c.NewRequest(ctx, method, path, in)
	if err != nil {
		return nil, usageError(err)
	}
	c.Pacer().SetPending(1)
	return c.Do(ctx, req, out)
}

func apiPaginate(ctx context.Context, c *capsule.Client, method string, o *apiOptions, body []byte, streams *IOStreams) error {
	path := o.path
	if !strings.Contains(path, "perPage=") {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "perPage=100"
	}
	n := 0
	for page := 1; path != ""; page++ {
		var buf bytes.Buffer
		resp, err := apiCall(ctx, c, method, path, body, &buf)
		if o.include && page == 1 && resp != nil {
			printHead(streams.Out, resp.Response)
		}
		if err != nil {
			if n > 0 {
				fmt.Fprintln(streams.Out, "\n]")
			}
			return fmt.Errorf("page %d: %w", page, err)
		}
		items, err := pageItems(buf.Bytes())
		if err != nil {
			return fmt.Errorf("page %d: %w", page, err)
		}
		for _, it := range items {
			sep := ",\n"
			if n == 0 {
				sep = "[\n"
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, it); err != nil {
				return err
			}
			if _, err := fmt.Fprintf(streams.Out, "%s%s", sep, compact.Bytes()); err != nil {
				return err
			}
			n++
		}
		path = resp.NextURL
	}
	if n == 0 {
		_, err := fmt.Fprintln(streams.Out, "[]")
		return err
	}
	_, err := fmt.Fprintln(streams.Out, "\n]")
	return err
}

// pageItems returns the list of a page: the wrapper's array (for deleted
// feeds, the main list, not the restricted one).
func pageItems(data []byte) ([]json.RawMessage, error) {
	var wrapper map[string]json.RawMessage
	if err := json.Unmarshal(data, &wrapper); err != nil {
		return nil, fmt.Errorf("response is not a JSON object: %w", err)
	}
	keys := make([]string, 0, len(wrapper))
	for k := range wrapper {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var items []json.RawMessage
		if strings.HasPrefix(k, "restricted") || json.Unmarshal(wrapper[k], &items) != nil {
			continue
		}
		return items, nil
	}
	return nil, fmt.Errorf("response has no list to paginate (keys %v)", keys)
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("--input: %w", err)
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("--input %s: not valid JSON", name)
	}
	return data, nil
}

// printHead writes the status line and headers; the response never holds
// the Authorization header, but it is filtered anyway.
func printHead(w io.Writer, r *http.Response) {
	fmt.Fprintf(w, "%s %s\n", r.Proto, r.Status)
	h := r.Header.Clone()
	h.Del("Authorization")
	h.Write(w)
	fmt.Fprintln(w)
}

func printJSON(w io.Writer, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		out.Reset()
		out.Write(data) // not JSON: print as received
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}
