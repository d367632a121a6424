package journal

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The crash test re-executes the test binary as a child that writes to the
// journal until the parent kills it with SIGKILL.
const (
	childEnvPath  = "JOURNAL_CRASH_CHILD_PATH"
	childEnvBatch = "JOURNAL_CRASH_CHILD_BATCH"
	crashOps      = 500
)

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnvPath); path != "" {
		if err := crashChild(path, os.Getenv(childEnvBatch) != ""); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashChild plays the writer: mark sending, "send", mark done; it prints
// a line after each durable step so the parent knows what must survive.
func crashChild(path string, batch bool) error {
	ctx := context.Background()
	j, err := Open(ctx, path)
	if err != nil {
		return err
	}
	r, err := j.BeginRun(ctx, testSpec())
	if err != nil {
		return err
	}
	specs := make([]OpSpec, crashOps)
	for i := range specs {
		specs[i] = personSpec(int64(i+2), fmt.Sprintf("p%d@example.com", i))
		specs[i].Key.SourceKey = "src-" + strconv.Itoa(i)
	}
	ops, err := r.AddOps(ctx, specs...)
	if err != nil {
		return err
	}
	fmt.Println("ready")
	b := r.NewBatch(8)
	for _, op := range ops {
		if err := r.MarkSending(ctx, op.ID, Request{Method: "POST", Path: "/parties", Body: []byte(`{"party":{}}`)}); err != nil {
			return err
		}
		fmt.Println("sending", op.ID)
		if batch {
			if err := b.Done(ctx, op, "c"+strconv.FormatInt(op.ID, 10)); err != nil {
				return err
			}
			if b.Len() == 0 {
				fmt.Println("flushed", op.ID)
			}
			continue
		}
		if err := r.MarkDone(ctx, op.ID, "c"+strconv.FormatInt(op.ID, 10)); err != nil {
			return err
		}
		fmt.Println("flushed", op.ID)
	}
	select {} // wait for the kill
}

func TestKillMidWrite(t *testing.T) {
	tests := []struct {
		name   string
		batch  bool
		killAt int // kill after this many "sending" lines
	}{
		{name: "single commits, early kill", killAt: 3},
		{name: "single commits, later kill", killAt: 100},
		{name: "batched done markers", batch: true, killAt: 77},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := t.TempDir() + "/crash.journal"
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnvPath+"="+path)
			if tc.batch {
				cmd.Env = append(cmd.Env, childEnvBatch+"=1")
			}
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sent := map[int64]bool{}
			var flushedUpTo int64
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				if len(f) == 2 {
					id, _ := strconv.ParseInt(f[1], 10, 64)
					if f[0] == "sending" {
						sent[id] = true
					} else {
						flushedUpTo = id
					}
				}
				if len(sent) >= tc.killAt {
					break
				}
			}
			cmd.Process.Kill() // SIGKILL: no deferred code, no Close
			cmd.Wait()
			if len(sent) < tc.killAt {
				t.Fatalf("child stopped after %d sends", len(sent))
			}
			checkAfterCrash(t, path, sent, flushedUpTo, tc.batch)
		})
	}
}

func checkAfterCrash(t *testing.T, path string, sent map[int64]bool, flushedUpTo int64, batch bool) {
	t.Helper()
	ctx := context.Background()
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if err := j.Check(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := j.BeginRun(ctx, testSpec())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Resumed {
		t.Fatal("the killed run was not resumed")
	}
	ops, err := r.Ops(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != crashOps {
		t.Fatalf("%d ops after crash, want %d", len(ops), crashOps)
	}
	inDoubt, done := 0, 0
	for _, op := range ops {
		switch {
		case op.ID <= flushedUpTo && op.State != Done:
			t.Errorf("op %d was confirmed durable but is %s", op.ID, op.State)
		case sent[op.ID] && op.State != Done && op.State != Sending:
			t.Errorf("op %d was marked sending before the kill but is %s: a resend could duplicate", op.ID, op.State)
		case op.State == Done:
			done++
			if op.CapsuleID != "c"+strconv.FormatInt(op.ID, 10) {
				t.Errorf("op %d done with id %q", op.ID, op.CapsuleID)
			}
			if id, ok, _ := r.Memory().Lookup(ctx, "parties", op.Key.SourceKey); !ok || id != op.CapsuleID {
				t.Errorf("op %d done but its source key maps to %q", op.ID, id)
			}
		case op.State == Sending:
			inDoubt++
		case op.State != Pending:
			t.Errorf("op %d in unexpected state %s", op.ID, op.State)
		}
	}
	// Sequential writer: one op in doubt at most, or up to a batch's worth.
	maxDoubt := 1
	if batch {
		maxDoubt = 8
	}
	if inDoubt > maxDoubt {
		t.Errorf("%d ops in doubt, want at most %d", inDoubt, maxDoubt)
	}
	doubt, _ := r.InDoubt(ctx)
	if len(doubt) != inDoubt {
		t.Errorf("InDoubt lists %d, states say %d", len(doubt), inDoubt)
	}
	t.Logf("after kill: %d done, %d in doubt, %d sent by the child", done, inDoubt, len(sent))
}
