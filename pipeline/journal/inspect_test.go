package journal

import (
	"context"
	"errors"
	"testing"
)

func TestRunOps(t *testing.T) {
	j, r, _ := beginTemp(t)
	ctx := context.Background()
	ops := mustAdd(t, r, personSpec(2, "ann@example.com"), personSpec(3, "bob@example.com"))
	if err := r.MarkFailed(ctx, ops[1].ID, "lastName is required"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		run    int64
		states []State
		want   int
		err    error
	}{
		{"all", r.ID, nil, 2, nil},
		{"failed", r.ID, []State{Failed}, 1, nil},
		{"failed or rejected", r.ID, []State{Failed, Rejected}, 1, nil},
		{"done", r.ID, []State{Done}, 0, nil},
		{"unknown run", r.ID + 1, nil, 0, ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := j.RunOps(ctx, tc.run, tc.states...)
			if !errors.Is(err, tc.err) || len(got) != tc.want {
				t.Fatalf("RunOps = %d ops, %v; want %d, %v", len(got), err, tc.want, tc.err)
			}
			if tc.name == "failed" && got[0].Message != "lastName is required" {
				t.Errorf("message %q", got[0].Message)
			}
		})
	}
}
