package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

// manualClock is the sandbox's clock: tests move it on so that changes
// fall in distinct seconds, as they would in a nightly job.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func idsIn(t *testing.T, path, col string) []int64 {
	t.Helper()
	h, recs := readAll(t, path, files.Options{})
	i, ok := h.Index(col)
	if !ok {
		t.Fatalf("%s: no column %q", path, col)
	}
	var out []int64
	for _, r := range recs {
		var id int64
		fmt.Sscan(r.Values[i].Text(), &id)
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func TestIncrementalExport(t *testing.T) {
	clock := &manualClock{t: time.Now().UTC().Truncate(time.Second)}
	a := startSandbox(t, sandbox.WithClock(clock.now))
	sd := accounttest.Seed(t, a.c)
	ctx := context.Background()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	run := func(name string) (string, *Summary) {
		t.Helper()
		out := filepath.Join(dir, name+".csv")
		sum, err := Export(ctx, a.c, Options{Entities: []string{layout.Parties}, Output: out, StatePath: state, Now: clock.now})
		if err != nil {
			t.Fatal(err)
		}
		return out, sum
	}

	// First run: everything, an empty deleted file.
	out1, sum1 := run("run1")
	if got := idsIn(t, out1, "ID"); len(got) != len(sd.Orgs)+len(sd.People) {
		t.Fatalf("first run exported %v", got)
	}
	if sum1.DeletedFile == "" || len(idsIn(t, sum1.DeletedFile, "ID")) != 0 {
		t.Fatalf("first run deleted file %q should exist and be empty", sum1.DeletedFile)
	}

	// Nothing changed: nothing exported, even though the overlap window
	// re-reads the last five minutes.
	clock.advance(time.Minute)
	out2, _ := run("run2")
	if got := idsIn(t, out2, "ID"); len(got) != 0 {
		t.Fatalf("unchanged account exported %v", got)
	}

	// Change two, delete one, create one.
	clock.advance(time.Minute)
	changed := []int64{sd.People[1], sd.Orgs[0]}
	for _, id := range changed {
		if _, _, err := a.c.Parties.Update(ctx, id, &capsule.Party{About: s("changed")}); err != nil {
			t.Fatal(err)
		}
	}
	deleted := sd.People[4]
	if _, err := a.c.Parties.Delete(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	created, _, err := a.c.Parties.Create(ctx, &capsule.Party{Type: s("organisation"), Name: s("Newco")})
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Minute)
	out3, sum3 := run("run3")
	want := append(slices.Clone(changed), created.ID)
	slices.Sort(want)
	if got := idsIn(t, out3, "ID"); !slices.Equal(got, want) {
		t.Errorf("incremental export holds %v, want exactly the changes %v", got, want)
	}
	if got := idsIn(t, sum3.DeletedFile, "ID"); !slices.Equal(got, []int64{deleted}) {
		t.Errorf("deleted file lists %v, want [%d]", got, deleted)
	}
	if sum3.Entities[0].Deleted != 1 {
		t.Errorf("summary %+v: want 1 deleted", sum3.Entities[0])
	}

	// And the next run is empty again: nothing repeated from the window.
	clock.advance(time.Minute)
	out4, sum4 := run("run4")
	if got := idsIn(t, out4, "ID"); len(got) != 0 {
		t.Errorf("run after the changes repeated %v", got)
	}
	if got := idsIn(t, sum4.DeletedFile, "ID"); len(got) != 0 {
		t.Errorf("run after the changes repeated deletions %v", got)
	}
}

// A failed run leaves the state where it was, so the changes come again.
func TestIncrementalStateNotAdvancedOnFailure(t *testing.T) {
	clock := &manualClock{t: time.Now().UTC().Truncate(time.Second)}
	a := startSandbox(t, sandbox.WithClock(clock.now))
	sd := accounttest.Seed(t, a.c)
	ctx := context.Background()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	opt := Options{Entities: []string{layout.Parties}, Output: filepath.Join(dir, "a.csv"), StatePath: state, Now: clock.now}
	if _, err := Export(ctx, a.c, opt); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Minute)
	if _, _, err := a.c.Parties.Update(ctx, sd.Orgs[1], &capsule.Party{About: s("x")}); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Minute)
	// The output exists: the run fails before writing anything.
	if _, err := Export(ctx, a.c, opt); err == nil {
		t.Fatal("export over an existing file succeeded")
	}
	after, _ := os.ReadFile(state)
	if string(before) != string(after) {
		t.Fatal("state changed by a failed run")
	}
	opt.Output = filepath.Join(dir, "b.csv")
	if _, err := Export(ctx, a.c, opt); err != nil {
		t.Fatal(err)
	}
	if got := idsIn(t, opt.Output, "ID"); !slices.Equal(got, []int64{sd.Orgs[1]}) {
		t.Errorf("after the failed run the change is exported as %v", got)
	}
}

// Entries have no since on the API: an incremental run pages them newest
// first, keeps the new ones and stops at the window; tasks use since.
func TestIncrementalEntriesAndTasks(t *testing.T) {
	clock := &manualClock{t: time.Now().UTC().Truncate(time.Second)}
	a := startSandbox(t, sandbox.WithClock(clock.now))
	sd := accounttest.Seed(t, a.c)
	ctx := context.Background()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	run := func(name string) string {
		t.Helper()
		out := filepath.Join(dir, name+".xlsx")
		if _, err := Export(ctx, a.c, Options{Entities: []string{layout.Entries, layout.Tasks}, Output: out, StatePath: state, Now: clock.now}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	sheetIDs := func(path, sheet string) []int64 {
		h, recs := readAll(t, path, files.Options{Sheet: sheet})
		i, _ := h.Index("ID")
		var ids []int64
		for _, r := range recs {
			ids = append(ids, r.Values[i].Int())
			if r.Values[i].Int() == 0 {
				ids[len(ids)-1] = int64(r.Values[i].Float())
			}
		}
		slices.Sort(ids)
		return ids
	}
	first := run("first")
	if got := sheetIDs(first, layout.Entries); len(got) != len(sd.Entries) {
		t.Fatalf("first run entries %v, want %v", got, sd.Entries)
	}
	clock.advance(10 * time.Minute)
	note, _, err := a.c.Entries.Create(ctx, &capsule.Entry{Type: s("note"), Content: s("new"), Party: capsule.PartyID(sd.Orgs[0])})
	if err != nil {
		t.Fatal(err)
	}
	due, _ := capsule.ParseDate("2027-05-01")
	task, _, err := a.c.Tasks.Create(ctx, &capsule.Task{Description: s("new task"), DueOn: capsule.Some(due)})
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Minute)
	before := a.run.Server.Stats().Routes["GET /entries"]
	second := run("second")
	if got := sheetIDs(second, layout.Entries); !slices.Equal(got, []int64{note.ID}) {
		t.Errorf("incremental entries %v, want [%d]", got, note.ID)
	}
	if got := sheetIDs(second, layout.Tasks); !slices.Equal(got, []int64{task.ID}) {
		t.Errorf("incremental tasks %v, want [%d]", got, task.ID)
	}
	if n := a.run.Server.Stats().Routes["GET /entries"] - before; n > 1 {
		t.Errorf("%d entry pages read, want 1", n)
	}
}

// A note dated ahead (entryAt settable, e.g. a planned call written up in
// advance) must not push the entries cursor into the future: notes
// written afterwards, dated today, would be cut off by the newest-first
// paging until that date passed.
func TestIncrementalEntriesAfterFutureDatedNote(t *testing.T) {
	clock := &manualClock{t: time.Now().UTC().Truncate(time.Second)}
	a := startSandbox(t, sandbox.WithClock(clock.now))
	sd := accounttest.Seed(t, a.c)
	ctx := context.Background()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	run := func(name string) []int64 {
		t.Helper()
		out := filepath.Join(dir, name+".csv")
		if _, err := Export(ctx, a.c, Options{Entities: []string{layout.Entries}, Output: out, StatePath: state, Now: clock.now}); err != nil {
			t.Fatal(err)
		}
		return idsIn(t, out, "ID")
	}
	newNote := func(content string, at time.Time) int64 {
		t.Helper()
		e := &capsule.Entry{Type: s("note"), Content: s(content), Party: capsule.PartyID(sd.Orgs[0])}
		if !at.IsZero() {
			e.EntryAt = capsule.Some(capsule.Timestamp{Time: at})
		}
		got, _, err := a.c.Entries.Create(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		return got.ID
	}
	run("first")
	clock.advance(10 * time.Minute)
	ahead := newNote("planned", clock.now().Add(30*24*time.Hour))
	clock.advance(time.Minute)
	if got := run("second"); !slices.Equal(got, []int64{ahead}) {
		t.Fatalf("second run %v, want [%d]", got, ahead)
	}
	clock.advance(10 * time.Minute)
	today := newNote("written today", time.Time{})
	clock.advance(time.Minute)
	if got := run("third"); !slices.Equal(got, []int64{today}) {
		t.Errorf("third run %v, want [%d] (the note written after the future-dated one)", got, today)
	}
}

// A record deleted before the first incremental run was never exported:
// the second run must not report it, however long ago the account last
// changed (the deleted cursor starts at the first run, not at the newest
// updatedAt).
func TestIncrementalDoesNotReportDeletionsBeforeFirstRun(t *testing.T) {
	clock := &manualClock{t: time.Now().UTC().Truncate(time.Second)}
	a := startSandbox(t, sandbox.WithClock(clock.now))
	sd := accounttest.Seed(t, a.c)
	ctx := context.Background()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	run := func(name string) *Summary {
		t.Helper()
		sum, err := Export(ctx, a.c, Options{Entities: []string{layout.Parties}, Output: filepath.Join(dir, name+".csv"), StatePath: state, Now: clock.now})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	clock.advance(24 * time.Hour) // a quiet day, then a deletion
	if _, err := a.c.Parties.Delete(ctx, sd.People[4]); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Hour)
	run("first")
	clock.advance(time.Minute)
	sum := run("second")
	if got := idsIn(t, sum.DeletedFile, "ID"); len(got) != 0 {
		t.Errorf("second run reports deletions %v made before the first run (whose export never held them)", got)
	}
}
