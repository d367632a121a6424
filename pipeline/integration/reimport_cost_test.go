package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
	"github.com/capsule-etl/capsule-etl/pipeline/export"
	"github.com/capsule-etl/capsule-etl/pipeline/export/layout"
	"github.com/capsule-etl/capsule-etl/pipeline/importer"
	"github.com/capsule-etl/capsule-etl/pipeline/internal/accounttest"
)

// An exported note or task edited in the file updates that record (one
// PUT), linked to the same twin; the others stay unchanged. Edited twice,
// it is updated twice: the journal's memory of the first update does not
// hide the second edit.
func TestReimportEdited(t *testing.T) {
	src := startSandbox(t)
	seedTwins(t, src.c)
	dir := t.TempDir()
	tests := []struct {
		entity string
		edits  []string // the text, then each edit of it
	}{
		{layout.Entries, []string{"twin note 1", "twin note 1 edited", "twin note 1 edited again"}},
		{layout.Tasks, []string{"twin task 0", "twin task 0 edited", "twin task 0 edited again"}},
	}
	for _, tt := range tests {
		t.Run(tt.entity, func(t *testing.T) {
			out := filepath.Join(dir, tt.entity+".csv")
			if _, err := export.Export(context.Background(), src.c, export.Options{Entities: []string{tt.entity}, Output: out}); err != nil {
				t.Fatal(err)
			}
			// A first import leaves everything unchanged.
			if res, err := importer.Import(context.Background(), importConfig(src, out)); err != nil || res.Total.Unchanged != 2 {
				t.Fatalf("first import: %v %+v", err, res)
			}
			for i := 1; i < len(tt.edits); i++ {
				old, new := tt.edits[i-1], tt.edits[i]
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), old) {
					t.Fatalf("%q not in the file:\n%s", old, b)
				}
				if err := os.WriteFile(out, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
					t.Fatal(err)
				}
				linksBefore := strings.ReplaceAll(strings.Join(links(t, src.c), "\n"), old, new)
				before := src.run.Server.Stats().Requests
				res, err := importer.Import(context.Background(), importConfig(src, out))
				if err != nil {
					t.Fatal(err)
				}
				after := src.run.Server.Stats().Requests
				if res.Total.Updated != 1 || res.Total.Unchanged != 1 || res.Total.Created+res.Total.Rejected != 0 {
					t.Errorf("edit %d: counts %+v; want 1 updated, 1 unchanged", i, res.Entities)
				}
				if after["PUT"]-before["PUT"] != 1 || after["POST"] != before["POST"] {
					t.Errorf("edit %d: PUT %d, POST %d; want one PUT", i, after["PUT"]-before["PUT"], after["POST"]-before["POST"])
				}
				if got := strings.Join(links(t, src.c), "\n"); got != linksBefore {
					t.Errorf("edit %d: after the import:\n%s\nwant:\n%s", i, got, linksBefore)
				}
			}
		})
	}
}

// Notes and tasks are listed only when the mapping matches them on id, and
// then a page of 100 costs one request: re-importing 250 notes lists
// /entries 3 times, where show-multiple (10 ids a request) would take 25.
func TestNotesListedOnlyWhenMatchedOnID(t *testing.T) {
	src := startSandbox(t)
	p, _, err := src.c.Parties.Create(context.Background(), &capsule.Party{Type: s("organisation"), Name: s("Acme")})
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for i := range 250 {
		e, _, err := src.c.Entries.Create(context.Background(), &capsule.Entry{Type: s("note"), Content: s(fmt.Sprintf("note %d", i)), Party: capsule.PartyID(accounttest.IDOf(p))})
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, fmt.Sprintf("%d,note %d,Acme", e.ID, i))
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "notes.csv")
	if err := os.WriteFile(in, []byte("ID,Content,Party\n"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, match        string
		lists              int
		created, unchanged int
	}{
		{"matched on id", "match: [{id: ID}]", 3, 0, 250},
		{"not matched on id", "on_no_match: skip", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := importConfig(src, in)
			cfg.MappingFor = nil
			cfg.Mapping = []byte("version: 1\nrecords:\n  n:\n    entity: note\n    " + tt.match + "\n    fields:\n      content: Content\n      party: Party\n")
			cfg.MappingName = "notes.yaml"
			cfg.JournalPath = filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".db")
			before := src.run.Server.Stats().Routes["GET /entries"]
			res, err := importer.Import(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := src.run.Server.Stats().Routes["GET /entries"] - before; got != tt.lists {
				t.Errorf("GET /entries %d times, want %d", got, tt.lists)
			}
			if res.Total.Created != tt.created || res.Total.Unchanged != tt.unchanged {
				t.Errorf("counts %+v", res.Entities)
			}
		})
	}
}
