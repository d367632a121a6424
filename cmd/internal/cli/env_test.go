package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// TestWithEnv checks that commands read CAPSULE_TOKEN and CAPSULE_BASE_URL
// from the context overrides the demo uses, before the process environment.
func TestWithEnv(t *testing.T) {
	ctx := t.Context()
	run, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.WithToken("env-test-token"))
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	t.Setenv(envToken, "")
	t.Setenv(envBaseURL, "")
	cases := []struct {
		name string
		vars map[string]string
		want int
		out  string
	}{
		{"token and url from the context", map[string]string{envToken: "env-test-token", envBaseURL: run.URL}, 0, `"username"`},
		{"wrong token from the context", map[string]string{envToken: "other", envBaseURL: run.URL}, 1, ""},
		{"no token anywhere", map[string]string{envBaseURL: run.URL}, 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(withEnv(ctx, c.vars), []string{"api", "/users/current"}, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
			if code != c.want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.want, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), c.out) {
				t.Errorf("stdout %q lacks %q", out.String(), c.out)
			}
			if strings.Contains(out.String()+errOut.String(), "env-test-token") {
				t.Error("the token was printed")
			}
		})
	}
	if envFrom(context.Background()) != nil {
		t.Error("a bare context has overrides")
	}
}
