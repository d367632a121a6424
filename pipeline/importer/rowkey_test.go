package importer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/pipeline/importer"
)

// noKeyMapping names no source key: rows are known by file and row number.
const noKeyMapping = `version: 1
records:
  person:
    entity: person
    match: [email]
    on_match: update
    fields:
      firstName: First
      lastName: Last
      emailAddresses: [{address: Email, type: Work}]
  history:
    entity: note
    when: "{Note} != ''"
    fields:
      content: Note
      party: {record: person}
`

// A file saved again under the same name with other rows (next month's
// export) is a new input: row 2 is another person now, and what the first
// run wrote for row 2 must not be taken for it. The same person with a
// fixed e-mail, or the same file again, still updates rather than
// duplicates.
func TestRowNumberMemoryOnlyForTheSameRecord(t *testing.T) {
	header := []string{"First", "Last", "Email", "Note"}
	tests := []struct {
		name          string
		first, second []string
		people, notes string
		writes        bool // the second import sends writes
	}{
		{"another person in the row", []string{"Ann", "Lee", "ann@example.com", "Met Ann"},
			[]string{"Bob", "Day", "bob@example.com", "Met Bob"}, "Ann Lee,Bob Day", "Met Ann,Met Bob", true},
		{"the same person with a fixed e-mail", []string{"Ann", "Lee", "ann@exmaple.com", "Met Ann"},
			[]string{"Ann", "Lee", "ann@example.com", "Met Ann"}, "Ann Lee", "Met Ann", true},
		{"the same file again", []string{"Ann", "Lee", "ann@example.com", "Met Ann"},
			[]string{"Ann", "Lee", "ann@example.com", "Met Ann"}, "Ann Lee", "Met Ann", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			dir := t.TempDir()
			in := writeCSV(t, dir, "contacts.csv", header, [][]string{tc.first})
			if _, err := importer.Import(ctxT(t), e.config(t, noKeyMapping, in)); err != nil {
				t.Fatal(err)
			}
			before := e.srv.Stats().Requests
			writeCSV(t, dir, "contacts.csv", header, [][]string{tc.second})
			if _, err := importer.Import(ctxT(t), e.config(t, noKeyMapping, in)); err != nil {
				t.Fatal(err)
			}
			after := e.srv.Stats().Requests
			if w := after["POST"] + after["PUT"] - before["POST"] - before["PUT"]; (w > 0) != tc.writes {
				t.Errorf("second import sent %d writes", w)
			}
			var people, notes []string
			for _, p := range e.list(t, "parties") {
				people = append(people, p["firstName"].(string)+" "+p["lastName"].(string))
			}
			for _, n := range e.list(t, "entries") {
				notes = append(notes, n["content"].(string))
			}
			slices.Sort(people)
			slices.Sort(notes)
			if got := strings.Join(people, ","); got != tc.people {
				t.Errorf("people %q, want %q", got, tc.people)
			}
			if got := strings.Join(notes, ","); got != tc.notes {
				t.Errorf("notes %q, want %q", got, tc.notes)
			}
		})
	}
}
