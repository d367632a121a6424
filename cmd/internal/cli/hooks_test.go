package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

const hooksOAuthToken = "cli-hooks-oauth"

func startHookSandbox(t *testing.T, opts ...sandbox.Option) *sandbox.Running {
	t.Helper()
	no := false
	seed := sandbox.Seed{Users: []sandbox.SeedUser{{Username: "admin", Name: "Ada Admin"}, {Username: "rep", Name: "Rita Rep", Administrator: &no}}}
	run, err := sandbox.Start(t.Context(), "127.0.0.1:0", append([]sandbox.Option{sandbox.WithSeed(seed),
		sandbox.WithOAuthToken(hooksOAuthToken, "admin"), sandbox.WithOAuthToken("cli-rep-oauth", "rep"),
		sandbox.WithHookRetryScale(0.01)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	return run
}

func runWithToken(t *testing.T, token string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx = withEnv(ctx, map[string]string{envToken: token})
	code := Run(ctx, args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

func TestHooksCommands(t *testing.T) {
	run := startHookSandbox(t)
	base := []string{"--base-url", run.URL}
	var ids []string
	for i := range 20 {
		code, out, errOut := runWithToken(t, hooksOAuthToken, append([]string{"hooks", "subscribe", "--event", "party/updated",
			"--url", fmt.Sprintf("https://hooks.example.org/capsule/%d/9f8e7d6c5b4a39281706f5e4d3c2b1a0", i), "--description", "warehouse sync"}, base...)...)
		id := strings.TrimSpace(out)
		if _, err := strconv.ParseInt(id, 10, 64); code != 0 || err != nil {
			t.Fatalf("subscribe %d: exit %d, out %q, err %s", i, code, out, errOut)
		}
		ids = append(ids, id)
	}
	// The 21st: Capsule's limit, said plainly with what to do.
	code, _, errOut := runWithToken(t, hooksOAuthToken, append([]string{"hooks", "subscribe", "--event", "party/created", "--url", "https://hooks.example.org/x"}, base...)...)
	if code != ExitFatal || !strings.Contains(errOut, "at most 20") || !strings.Contains(errOut, "hooks unsubscribe") {
		t.Fatalf("21st: exit %d\n%s", code, errOut)
	}
	// A typo is caught before any request, with a hint.
	code, _, errOut = runWithToken(t, hooksOAuthToken, append([]string{"hooks", "subscribe", "--event", "party/udpated", "--url", "https://hooks.example.org/x"}, base...)...)
	if code != ExitUsage || !strings.Contains(errOut, `did you mean "party/updated"`) {
		t.Fatalf("typo: exit %d\n%s", code, errOut)
	}
	// list: masked secrets, JSON keys.
	code, out, errOut := runWithToken(t, hooksOAuthToken, append([]string{"hooks", "list", "--json"}, base...)...)
	if code != 0 {
		t.Fatalf("list: %d %s", code, errOut)
	}
	var lines []map[string]any
	if err := json.Unmarshal([]byte(out), &lines); err != nil || len(lines) != 20 {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	for _, k := range []string{"id", "event", "targetUrl", "description", "createdAt"} {
		if _, ok := lines[0][k]; !ok {
			t.Fatalf("list --json: no %q in %v", k, lines[0])
		}
	}
	if strings.Contains(out, "9f8e7d6c5b4a39281706f5e4d3c2b1a0") || !strings.Contains(out, "9f8e…") {
		t.Fatalf("secret path not masked:\n%s", out)
	}
	code, out, _ = runWithToken(t, hooksOAuthToken, append([]string{"hooks", "list"}, base...)...)
	if code != 0 || !strings.Contains(out, "warehouse sync") || !strings.Contains(out, "20 of 20") {
		t.Fatalf("list: %d\n%s", code, out)
	}
	code, out, errOut = runWithToken(t, hooksOAuthToken, append(append([]string{"hooks", "unsubscribe"}, ids[:3]...), base...)...)
	if code != 0 || strings.Count(out, "unsubscribed") != 3 {
		t.Fatalf("unsubscribe: %d %s %s", code, out, errOut)
	}
	if n := len(run.Server.HookLog().Hooks); n != 17 {
		t.Fatalf("%d hooks after unsubscribing 3", n)
	}
	code, _, errOut = runWithToken(t, hooksOAuthToken, append([]string{"hooks", "unsubscribe", "abc"}, base...)...)
	if code != ExitUsage || !strings.Contains(errOut, `"abc"`) {
		t.Fatalf("bad id: %d %s", code, errOut)
	}
}

// A personal token and a non-administrator get an error that says what to
// do, naming `auth login --oauth`, from hooks and listen alike.
func TestHooksNeedOAuthAdministrator(t *testing.T) {
	run := startHookSandbox(t)
	dir := t.TempDir()
	for _, c := range []struct{ name, token, says string }{
		{"personal token", sandbox.DefaultToken, "personal access token"},
		{"non-administrator", "cli-rep-oauth", "administrators"},
	} {
		for _, args := range [][]string{
			{"hooks", "list"},
			{"hooks", "subscribe", "--event", "party/created", "--url", "https://hooks.example.org/x"},
			{"listen", "--output", dir + "/" + strings.ReplaceAll(c.name, " ", "-") + ".jsonl", "--public-url", "http://127.0.0.1:1", "--addr", "127.0.0.1:0"},
		} {
			code, _, errOut := runWithToken(t, c.token, append(args, "--base-url", run.URL)...)
			if code != ExitUsage || !strings.Contains(errOut, "auth login --oauth") || !strings.Contains(errOut, c.says) {
				t.Errorf("%s, %s: exit %d\n%s", c.name, args[:2], code, errOut)
			}
			if strings.Contains(errOut, " 403") && !strings.Contains(errOut, "OAuth") {
				t.Errorf("%s: a bare 403: %s", c.name, errOut)
			}
		}
	}
}

func TestListenUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"listen", "--poll", "1m"}, "--output"},
		{[]string{"listen", "--output", "x.jsonl"}, "--public-url URL (hook mode"},
		{[]string{"listen", "--output", "x.jsonl", "--poll", "1m", "--public-url", "https://h.example"}, "exclude each other"},
		{[]string{"listen", "--output", "x.jsonl", "--public-url", "h.example:8080"}, "absolute http"},
		{[]string{"listen", "--output", "x.jsonl", "--poll", "1m", "--events", "party/updated,deal/won"}, "--events"},
	} {
		code, _, errOut := runWithToken(t, "tok", c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d\n%s", c.args, code, errOut)
		}
	}
}
