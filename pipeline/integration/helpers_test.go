package integration

// The seeded account and snapshots come from pipeline/internal/accounttest,
// shared with pipeline/export's tests.

import (
	"context"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

type testAccount struct {
	run *sandbox.Running
	c   *capsule.Client
}

func startSandbox(t testing.TB, opts ...sandbox.Option) *testAccount {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opts = append([]sandbox.Option{sandbox.WithSeed(sandbox.Seed{Fields: accounttest.Fields})}, opts...)
	run, err := sandbox.Start(ctx, "127.0.0.1:0", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	c, err := capsule.NewClient(capsule.WithToken(sandbox.DefaultToken), capsule.WithBaseURL(run.URL))
	if err != nil {
		t.Fatal(err)
	}
	c.Pacer().SetPending(1000)
	return &testAccount{run: run, c: c}
}

func s(v string) capsule.Opt[string] { return capsule.Some(v) }
