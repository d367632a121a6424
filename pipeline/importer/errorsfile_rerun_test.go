package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

const signupMapping = `version: 1
records:
  person:
    entity: person
    match: [email]
    fields:
      firstName: First
      lastName: Last
      emailAddresses: [{address: Email}]
`

// A sign-up sheet with two mistyped addresses: the errors file is fixed in
// two goes. Rows still rejected go back into the same errors file, never
// into a .errors.errors file; once the original input imports cleanly, the
// old errors file is moved out of the way.
func TestErrorsFileIsReusedAndRetired(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "signups.csv", "First,Last,Email\nAisha,Bello,aisha.bello@example.org\nKen,Sato,ken.sato(at)example.org\nRuth,Adler,ruth.adler@example\n")
	if res, err := importer.Import(ctxT(t), e.config(t, signupMapping, in)); err != nil || res.RejectedRows != 2 {
		t.Fatalf("first run: %v %+v", err, res)
	}
	errs := importer.DefaultErrorsPath(in)
	fix := func(path, old, new string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fix(errs, "ken.sato(at)example.org", "ken.sato@example.org")
	cfg := e.config(t, signupMapping, errs)
	res, err := importer.Import(ctxT(t), cfg)
	if err != nil || res.Total.Created != 1 || res.RejectedRows != 1 || res.ErrorsFile != errs {
		t.Fatalf("errors file import: %v %+v", err, res)
	}
	if _, err := os.Stat(filepath.Join(dir, "signups.errors.errors.csv")); err == nil {
		t.Error("a .errors.errors.csv was written")
	}
	if b, _ := os.ReadFile(errs); strings.Contains(string(b), "Sato") || !strings.Contains(string(b), "ruth.adler@example") {
		t.Errorf("errors file after the second run:\n%s", b)
	}

	// The original input fixed and imported again: nothing is rejected, and
	// the errors file of the earlier runs no longer looks like this run's.
	fix(in, "ken.sato(at)example.org", "ken.sato@example.org")
	fix(in, "ruth.adler@example\n", "ruth.adler@example.net\n")
	if res, err := importer.Import(ctxT(t), e.config(t, signupMapping, in)); err != nil || res.RejectedRows != 0 || res.ErrorsFile != "" {
		t.Fatalf("clean run: %v %+v", err, res)
	}
	if _, err := os.Stat(errs); err == nil {
		t.Error("the stale errors file is still in place")
	}
	if _, err := os.Stat(filepath.Join(dir, "signups.errors.old.csv")); err != nil {
		t.Errorf("the stale errors file was not kept as signups.errors.old.csv: %v", err)
	}
}
