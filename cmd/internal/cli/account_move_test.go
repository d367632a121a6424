package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
	"github.com/capsule-etl/capsule-etl/samples"
)

// moveEntities are the exports moved from one account to another.
var moveEntities = []string{"parties", "opportunities", "entries", "tasks"}

// sourceAccount is sandbox A of issue 20: the samples imported into a
// seeded sandbox, and its four exports in the default layout.
type sourceAccount struct {
	srv     *sandbox.Server
	url     string
	seed    string   // the seed file, for sandbox B
	exports []string // parties, opportunities, entries, tasks (.csv)
}

func newSourceAccount(t *testing.T) *sourceAccount {
	t.Helper()
	dir := t.TempDir()
	if err := samples.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join(dir, samples.SeedFile)
	srv, url := startSandbox(t, sandbox.WithSeedFile(seed))
	a := &sourceAccount{srv: srv, url: url, seed: seed}
	for _, s := range samples.All() {
		want := ExitOK
		if s.Broken {
			want = ExitRejected
		}
		if code, out := moveRun(t, url, "import", "--mapping", filepath.Join(dir, s.Mapping), filepath.Join(dir, s.Input)); code != want {
			t.Fatalf("importing sample %s into A: exit %d, want %d\n%s", s.Name, code, want, out)
		}
	}
	a.exports = exportAll(t, url, t.TempDir())
	return a
}

// moveRun runs a capsule-etl command in-process against the sandbox at url.
func moveRun(t *testing.T, url string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(withEnv(context.Background(), map[string]string{envToken: sandbox.DefaultToken}), 5*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	args = append([]string{args[0], "--base-url", url}, args[1:]...)
	code := Run(ctx, args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String() + errOut.String()
}

func exportAll(t *testing.T, url, dir string) []string {
	t.Helper()
	var files []string
	for _, e := range moveEntities {
		f := filepath.Join(dir, e+".csv")
		if code, out := moveRun(t, url, "export", "--entity", e, "--output", f); code != ExitOK {
			t.Fatalf("export %s: exit %d\n%s", e, code, out)
		}
		files = append(files, f)
	}
	return files
}

// copyExports puts A's exports into a folder of their own (the journal and
// errors files go beside them).
func (a *sourceAccount) copyExports(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, f := range a.exports {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func writesTo(s *sandbox.Server) int {
	r := s.Stats().Requests
	return r["POST"] + r["PUT"] + r["DELETE"]
}

// Issue 20: samples into A, export, import the four files into a fresh B
// with the same seed, twice, then the errors files: after the first run B
// holds every record of A (closed deals closed, notes and tasks on the same
// records), the second run exits 0 and writes nothing.
func TestMoveAccountToAnotherAccount(t *testing.T) {
	a := newSourceAccount(t)
	if st := a.srv.Stats().Records; st["opportunities"] < 100 || st["entries"] < 50 || st["tasks"] < 50 {
		t.Fatalf("account A is too small to prove anything: %v", st)
	}

	t.Run("clean", func(t *testing.T) {
		t.Parallel()
		b, url := startSandbox(t, sandbox.WithSeedFile(a.seed))
		files := a.copyExports(t)
		args := append([]string{"import"}, files...)
		if code, out := moveRun(t, url, args...); code != ExitOK {
			t.Fatalf("run 1: exit %d\n%s", code, clip(out))
		}
		sameAccounts(t, a, b, url)
		before := writesTo(b)
		if code, out := moveRun(t, url, args...); code != ExitOK {
			t.Fatalf("run 2: exit %d\n%s", code, clip(out))
		}
		if w := writesTo(b) - before; w != 0 {
			t.Fatalf("run 2 sent %d writes, want none", w)
		}
		retryErrorsFiles(t, b, url, files)
	})

	t.Run("faults on B", func(t *testing.T) {
		t.Parallel()
		b, url := startSandbox(t, sandbox.WithSeedFile(a.seed), sandbox.WithFaultRate(0.2), sandbox.WithDropRate(0.1),
			sandbox.WithRand(rand.New(rand.NewPCG(20, 2))))
		files := a.copyExports(t)
		args := append([]string{"import"}, files...)
		runUntilDone(t, b, func() (int, string) { return moveRun(t, url, args...) })
		if b.Stats().FaultsInjected == 0 {
			t.Fatal("no fault was injected: the test proves nothing")
		}
		sameAccounts(t, a, b, url)
		retryErrorsFiles(t, b, url, files)
	})

	t.Run("kill -9 during the first run", func(t *testing.T) {
		t.Parallel()
		b, url := startSandbox(t, sandbox.WithSeedFile(a.seed), sandbox.WithFaultRate(0.05), sandbox.WithDropRate(0.05),
			sandbox.WithLatency(time.Millisecond), sandbox.WithRand(rand.New(rand.NewPCG(20, 9))))
		files := a.copyExports(t)
		args := append([]string{"import", "--base-url", url}, files...)
		// Killed in the middle of writing the opportunities, after the
		// parties (about 400 writes) went out.
		code, stderr := runChild(t, args, func() bool { return b.Stats().Requests["POST"] >= 450 })
		if code != -1 {
			t.Fatalf("the first run was not killed: exit %d\n%s", code, stderr)
		}
		if n := b.Stats().Records["opportunities"]; n == 0 || n >= a.srv.Stats().Records["opportunities"] {
			t.Fatalf("killed with %d opportunities written: not in the middle of the run", n)
		}
		runUntilDone(t, b, func() (int, string) { return runChild(t, args, nil) })
		sameAccounts(t, a, b, url)
		retryErrorsFiles(t, b, url, files)
	})
}

// runUntilDone reruns an import until it exits 0 (1 is "run again"), then
// once more, which must send nothing.
func runUntilDone(t *testing.T, b *sandbox.Server, run func() (int, string)) {
	t.Helper()
	for i := 1; ; i++ {
		if i > 10 {
			t.Fatalf("not finished after %d runs", i-1)
		}
		code, out := run()
		if code == ExitOK {
			t.Logf("finished after %d runs", i)
			break
		}
		if code != ExitFatal {
			t.Fatalf("run %d: exit %d\n%s", i, code, clip(out))
		}
	}
	before := writesTo(b)
	if code, out := run(); code != ExitOK {
		t.Fatalf("the run after the finished one: exit %d\n%s", code, clip(out))
	}
	if w := writesTo(b) - before; w != 0 {
		t.Fatalf("the run after the finished one sent %d writes, want none", w)
	}
}

// retryErrorsFiles imports every errors file beside the inputs: there
// must be none, or none left with rows that import.
func retryErrorsFiles(t *testing.T, b *sandbox.Server, url string, files []string) {
	t.Helper()
	errs, _ := filepath.Glob(filepath.Join(filepath.Dir(files[0]), "*.errors.csv"))
	for _, f := range errs {
		before := writesTo(b)
		code, out := moveRun(t, url, "import", f)
		t.Errorf("errors file %s after a complete import (retry: exit %d, %d writes)\n%s", filepath.Base(f), code, writesTo(b)-before, clip(out))
	}
}

// sameAccounts compares A and B entity by entity: the same number of
// records, and the same records once ids and times are left out, with
// each link written as the linked record's own content (names repeat).
func sameAccounts(t *testing.T, a *sourceAccount, b *sandbox.Server, url string) {
	t.Helper()
	for _, e := range []string{"parties", "opportunities", "entries", "tasks", "kases"} {
		if got, want := b.Stats().Records[e], a.srv.Stats().Records[e]; got != want {
			t.Errorf("B holds %d %s, A %d", got, e, want)
		}
	}
	want := accountContent(t, a.exports)
	got := accountContent(t, exportAll(t, url, t.TempDir()))
	for _, e := range moveEntities {
		if missing, extra := multisetDiff(want[e], got[e]); len(missing)+len(extra) > 0 {
			t.Errorf("%s: %d of A's records are not in B, %d of B's are not in A; first missing:\n  %s\nfirst extra:\n  %s",
				e, len(missing), len(extra), first(missing), first(extra))
		}
	}
	closed := 0
	for _, s := range want["opportunities"] {
		if strings.Contains(s, "Closed On=closed") {
			closed++
		}
	}
	if closed == 0 {
		t.Error("A has no closed deal: the comparison proves nothing for them")
	}
}

func first(l []string) string {
	if len(l) == 0 {
		return "(none)"
	}
	return l[0]
}

// accountContent reads the four exports of one account into one text per
// record: every column but ids and times, links replaced by the linked
// record's text, dates of closing by whether there is one.
func accountContent(t *testing.T, files []string) map[string][]string {
	t.Helper()
	tables := map[string][]map[string]string{}
	for i, f := range files {
		tables[moveEntities[i]] = readCSVRows(t, f)
	}
	drop := map[string]bool{"ID": true, "Created At": true, "Updated At": true, "Last Contacted At": true}
	text := func(r map[string]string, links map[string]map[string]string) string {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		for _, k := range keys {
			v := r[k]
			switch {
			case drop[k]:
				continue
			case k == "Closed On" || k == "Completed At":
				if v != "" {
					v = "closed"
				}
			case links[k] != nil:
				v = "{" + links[k][v] + "}"
			}
			fmt.Fprintf(&b, "%s=%s|", k, v)
		}
		return b.String()
	}
	out := map[string][]string{}
	byID := func(entity string, links map[string]map[string]string) map[string]string {
		m := map[string]string{}
		for _, r := range tables[entity] {
			s := text(r, links)
			m[r["ID"]] = s
			out[entity] = append(out[entity], s)
		}
		return m
	}
	orgs := map[string]string{}
	for _, r := range tables["parties"] {
		if r["Type"] == "organisation" {
			orgs[r["ID"]] = text(r, nil)
		}
	}
	parties := byID("parties", map[string]map[string]string{"Organisation ID": orgs})
	opps := byID("opportunities", map[string]map[string]string{"Party ID": parties})
	links := map[string]map[string]string{"Party ID": parties, "Opportunity ID": opps, "Project ID": {}}
	byID("entries", links)
	byID("tasks", links)
	return out
}

func readCSVRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// multisetDiff returns what want has more than got, and got more than want.
func multisetDiff(want, got []string) (missing, extra []string) {
	n := map[string]int{}
	for _, s := range want {
		n[s]++
	}
	for _, s := range got {
		n[s]--
	}
	for s, c := range n {
		for ; c > 0; c-- {
			missing = append(missing, s)
		}
		for ; c < 0; c++ {
			extra = append(extra, s)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra
}
