package export

import (
	"context"
	"net/http"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

type testAccount struct {
	run *sandbox.Running
	c   *capsule.Client
	rc  *RequestCounter
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
	rc := &RequestCounter{}
	c, err := capsule.NewClient(capsule.WithToken(sandbox.DefaultToken), capsule.WithBaseURL(run.URL),
		capsule.WithHTTPClient(&http.Client{Transport: rc}))
	if err != nil {
		t.Fatal(err)
	}
	c.Pacer().SetPending(1000)
	return &testAccount{run: run, c: c, rc: rc}
}

func readAll(t testing.TB, path string, opt files.Options) (*formats.Header, []*formats.Record) {
	t.Helper()
	r, err := files.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out, err := formats.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return r.Header(), out
}

func s(v string) capsule.Opt[string] { return capsule.Some(v) }

func cf(name string, v capsule.FieldValue) capsule.CustomField {
	return capsule.CustomField{Definition: capsule.Some(capsule.Ref{Name: s(name)}), Value: v}
}
