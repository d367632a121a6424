package export

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

func TestExportPartiesCSV(t *testing.T) {
	a := startSandbox(t)
	sd := accounttest.Seed(t, a.c)
	out := filepath.Join(t.TempDir(), "parties.csv")
	before := a.rc.Count()
	sum, err := Export(context.Background(), a.c, Options{Entities: []string{layout.Parties}, Output: out, Counter: a.rc})
	if err != nil {
		t.Fatal(err)
	}
	h, recs := readAll(t, out, files.Options{})
	if len(recs) != len(sd.Orgs)+len(sd.People) {
		t.Fatalf("%d rows, want %d", len(recs), len(sd.Orgs)+len(sd.People))
	}
	if e, ok := layout.Detect(h); !ok || e != layout.Parties {
		t.Fatalf("Detect = %q %v", e, ok)
	}
	for _, col := range []string{"Email 3", "Email 3 Type", "Phone 2", "Address 1 Street", "Website 1 Service", "Field: Lead Source", "Field: Tier", "Organisation ID", "Organisation"} {
		if _, ok := h.Index(col); !ok {
			t.Errorf("no column %q in %v", col, h.Names())
		}
	}
	if _, ok := h.Index("Email 4"); ok {
		t.Error("Email 4: more numbered columns than the largest record needs")
	}
	// organisations first, then people
	typ, _ := h.Index("Type")
	var types []string
	for _, r := range recs {
		types = append(types, r.Values[typ].Text())
	}
	if i := slices.Index(types, "person"); i != len(sd.Orgs) || slices.Contains(types[i:], "organisation") {
		t.Errorf("row types %v: want organisations first", types)
	}
	name, _ := h.Index("Name")
	if got := recs[2].Values[name].Text(); !strings.HasPrefix(got, "'=") {
		t.Errorf("formula-looking name written as %q, want it neutralised", got)
	}
	if sum.Entities[0].Written != len(recs) || sum.Requests != a.rc.Count()-before || sum.Requests == 0 {
		t.Errorf("summary %+v, requests counted %d", sum, a.rc.Count()-before)
	}
}

func TestExportRefusesExistingOutput(t *testing.T) {
	a := startSandbox(t)
	out := filepath.Join(t.TempDir(), "p.csv")
	opt := Options{Entities: []string{layout.Parties}, Output: out}
	if _, err := Export(context.Background(), a.c, opt); err != nil {
		t.Fatal(err)
	}
	n := a.rc.Count()
	_, err := Export(context.Background(), a.c, opt)
	if !errors.Is(err, ErrOutputExists) {
		t.Fatalf("err = %v, want ErrOutputExists", err)
	}
	if a.rc.Count() != n {
		t.Errorf("%d requests sent before refusing", a.rc.Count()-n)
	}
	opt.Overwrite = true
	if _, err := Export(context.Background(), a.c, opt); err != nil {
		t.Fatalf("with overwrite: %v", err)
	}
}
