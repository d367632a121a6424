package mappings

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestReverse(t *testing.T) {
	src := `version: 1
defaults: {date_format: DD/MM/YYYY, locale: de}
records:
  p:
    entity: person
    match: [{id: Capsule ID}]
    fields:
      firstName: First
      lastName: {expr: "upper({Last})"}
      jobTitle: {column: Role, transform: [{replace: [Mgr, Manager]}]}
      about: {template: "Notes: {Notes}"}
      emailAddresses:
        - {address: Work Email, type: Work}
        - {address: Other Emails, type: Home}
        - {address: {column: All Home, split: ";"}, type: Home}
      phoneNumbers: [{number: Phone}]
      tags: [Tag 1, Tag 2, {column: Segment, map: {a: Alpha, b: Beta}}]
      fields:
        Since: {column: Since, type: date}
        Size: {column: Size, type: decimal}
`
	p := mustCompile(t, src, nil)
	e, warns := p.Reverse("")
	if warns.HasErrors() {
		t.Fatal(warns)
	}
	wantCols := "First,Role,Notes,Work Email,Other Emails,All Home,Phone,Tag 1,Tag 2,Segment,Since,Size,Capsule ID"
	if got := strings.Join(e.Header.Names(), ","); got != wantCols {
		t.Errorf("columns\n got %s\nwant %s", got, wantCols)
	}
	w := warns.Error()
	for _, want := range []string{"records.p.fields.lastName: expression left out of the export", "replace cannot be undone on export"} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
	var rec map[string]any
	_ = json.Unmarshal([]byte(`{"id": 42, "firstName": "Ada", "jobTitle": "Manager", "about": "Notes: likes tea",
		"emailAddresses": [{"type": "Home", "address": "h1@x.example"}, {"type": "Work", "address": "w@x.example"}, {"type": "Home", "address": "h2@x.example"}],
		"phoneNumbers": [{"type": null, "number": "+441234"}],
		"tags": [{"name": "VIP"}, {"name": "Beta"}, {"name": "Third"}],
		"fields": [{"definition": {"name": "Size"}, "value": "1250.5"}, {"definition": {"name": "Since"}, "value": "2021-02-03"}]}`), &rec)
	row, err := e.Row(rec)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(row))
	for i, v := range row {
		got[i] = v.Text()
	}
	want := "Ada|Manager|likes tea|w@x.example|h1@x.example|h2@x.example|+441234|VIP|Beta|Third|03/02/2021|1250,5|42"
	if strings.Join(got, "|") != want {
		t.Errorf("row\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

func TestReverseUnknownRecord(t *testing.T) {
	p := mustCompile(t, "version: 1\nrecords:\n  person:\n    entity: person\n    fields: {firstName: A}\n", nil)
	if _, probs := p.Reverse("persn"); !strings.Contains(probs.Error(), `no record named "persn" (did you mean "person"?)`) {
		t.Errorf("got %v", probs)
	}
}
