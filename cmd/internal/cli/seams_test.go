package cli

import (
	"context"
	"testing"

	"github.com/spf13/cobra"
)

// Every command parses its flags and arguments into its options and hands
// them to runF: nothing is read, sent or written.
func TestCommandsParseIntoTheirOptions(t *testing.T) {
	streams, _, _ := NewTestIOStreams("")
	var got any
	keep := func(o any) error { got = o; return nil }
	runs := &runsOptions{}
	tests := []struct {
		name  string
		cmd   *cobra.Command
		args  []string
		check func() bool
	}{
		{"validate", newValidateCmd(streams, func(_ context.Context, o *validateOptions) error { return keep(o) }),
			[]string{"deals.xlsx", "deals.yaml", "--rows", "5"},
			func() bool {
				o := got.(*validateOptions)
				return o.Mapping == "deals.yaml" && o.Input == "deals.xlsx" && o.Rows == 5
			}},
		{"init", newInitCmd(streams, func(_ context.Context, o *initOptions) error { return keep(o) }),
			[]string{"hubspot-contacts.csv", "-o", "m.yaml", "--entity", "organisation"},
			func() bool {
				o := got.(*initOptions)
				return o.Input == "hubspot-contacts.csv" && o.Output == "m.yaml" && o.Entity == "organisation"
			}},
		{"api", newAPICmd(streams, func(_ context.Context, o *apiOptions) error { return keep(o) }),
			[]string{"parties", "-X", "POST", "--paginate"},
			func() bool { o := got.(*apiOptions); return o.path == "parties" && o.method == "POST" && o.paginate }},
		{"preview", newPreviewCmd(streams, func(_ context.Context, o *previewOptions) error { return keep(o) }),
			[]string{"Kontakte.csv", "--rows", "3"},
			func() bool { o := got.(*previewOptions); return o.File == "Kontakte.csv" && o.Rows == 3 }},
		{"sandbox", newSandboxCmd(streams, func(_ context.Context, o *sandboxOptions) error { return keep(o) }),
			[]string{"--addr", "127.0.0.1:0"},
			func() bool { o := got.(*sandboxOptions); return o.addr == "127.0.0.1:0" && o.rateLimit == "4000/1h" }},
		{"demo", newDemoCmd(streams, func(_ context.Context, o *demoOptions) error { return keep(o) }),
			[]string{"--out", "/tmp/d", "--keep"},
			func() bool { o := got.(*demoOptions); return o.Out == "/tmp/d" && o.Keep }},
		{"auth login", newAuthLoginCmd(streams, func(_ context.Context, o *authLoginOptions) error { return keep(o) }),
			[]string{"--with-token", "--base-url", "http://127.0.0.1:9/api/v2"},
			func() bool {
				o := got.(*authLoginOptions)
				return o.withToken && o.account.baseURL == "http://127.0.0.1:9/api/v2"
			}},
		{"auth status", newAuthStatusCmd(streams, func(_ context.Context, o *authStatusOptions) error { return keep(o) }),
			[]string{"--base-url", "http://x"},
			func() bool { return got.(*authStatusOptions).account.baseURL == "http://x" }},
		{"auth logout", newAuthLogoutCmd(streams, func(_ context.Context, o *authLogoutOptions) error { return keep(o) }),
			nil, func() bool { return got.(*authLogoutOptions).account.baseURL == "" }},
		{"runs list", newRunsListCmd(runs, streams, func(_ context.Context, o *runsListOptions) error { return keep(o) }),
			[]string{"--json"}, func() bool { return got.(*runsListOptions).json }},
		{"runs show", newRunsShowCmd(runs, streams, func(_ context.Context, o *runsShowOptions) error { return keep(o) }),
			[]string{"42"}, func() bool { return got.(*runsShowOptions).id == 42 }},
		{"runs rollback", newRunsRollbackCmd(runs, streams, func(_ context.Context, o *runsRollbackOptions) error { return keep(o) }),
			[]string{"7", "--yes"}, func() bool { o := got.(*runsRollbackOptions); return o.id == 7 && o.yes && !o.dryRun }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			tc.cmd.SetArgs(tc.args)
			tc.cmd.SetOut(streams.Out)
			tc.cmd.SetErr(streams.ErrOut)
			if err := tc.cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if got == nil || !tc.check() {
				t.Errorf("options %+v", got)
			}
		})
	}
}
