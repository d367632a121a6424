//go:build unix

package journal

import (
	"context"
	"errors"
	"testing"
)

func TestSecondOpenIsRefused(t *testing.T) {
	ctx := context.Background()
	j, path := openTemp(t)
	if _, err := j.BeginRun(ctx, testSpec()); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, path)
	var le *LockedError
	if !errors.As(err, &le) || le.Path != j.Path() {
		t.Fatalf("second Open = %v, want *LockedError", err)
	}
	ro, err := Open(ctx, path, WithoutLock())
	if err != nil {
		t.Fatalf("Open WithoutLock: %v", err)
	}
	runs, err := ro.ListRuns(ctx)
	ro.Close()
	if err != nil || len(runs) != 1 {
		t.Fatalf("ListRuns while locked = %v, %v", runs, err)
	}
	j.Close()
	j2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	j2.Close()
}
