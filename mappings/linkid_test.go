package mappings

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// A link looked up by name can carry the linked record's id from a column.
func TestLinkID(t *testing.T) {
	h := formats.NewHeader([]string{"Content", "Party", "Party ID"})
	src := "version: 1\nrecords:\n  n:\n    entity: note\n    fields:\n      content: Content\n      party: {column: Party, id: Party ID}\n"
	tests := []struct {
		name, party, id string
		want            *Ref // nil: no party ref
	}{
		{"name and id", "Jane Doe", "42", &Ref{Field: "party", Kind: RefParty, Name: "Jane Doe", ID: "42"}},
		{"id trimmed", "Jane Doe", " 42 ", &Ref{Field: "party", Kind: RefParty, Name: "Jane Doe", ID: "42"}},
		{"name only", "Jane Doe", "", &Ref{Field: "party", Kind: RefParty, Name: "Jane Doe"}},
		{"id only", "", "7", &Ref{Field: "party", Kind: RefParty, ID: "7"}},
		{"neither", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, hdr := range []*formats.Header{h, nil} {
				p := mustCompile(t, src, hdr)
				ops, _ := p.Eval(&formats.Record{Header: h, Values: []formats.Value{str("hi"), str(tt.party), str(tt.id)}})
				var got *Ref
				for i := range ops[0].Refs {
					if ops[0].Refs[i].Field == "party" {
						got = &ops[0].Refs[i]
					}
				}
				switch {
				case tt.want == nil && got != nil:
					t.Fatalf("party ref %+v, want none", *got)
				case tt.want != nil && (got == nil || *got != *tt.want):
					t.Fatalf("party ref %+v, want %+v", got, *tt.want)
				}
			}
		})
	}
}

func TestLinkIDProblems(t *testing.T) {
	h := formats.NewHeader([]string{"Name", "Owner", "Party", "Party ID"})
	tests := []struct{ name, field, want string }{
		{"id on a non-link", "owner: {column: Owner, id: Party ID}", "records.o.fields.owner.id: unexpected id"},
		{"id column missing", "party: {column: Party, id: Partyid}", `column "Partyid" is not in the input (did you mean "Party ID"?)`},
		{"empty id", `party: {column: Party, id: ""}`, "empty id column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "version: 1\nrecords:\n  o:\n    entity: opportunity\n    fields:\n      name: Name\n      " + tt.field + "\n"
			if !strings.Contains(tt.field, "party:") {
				src += "      party: Party\n"
			}
			probs := check(src, h)
			if !probs.HasErrors() || !strings.Contains(probs.Error(), tt.want) {
				t.Fatalf("problems = %v, want %q", probs, tt.want)
			}
		})
	}
}

// The export direction fills the id column from the linked record's id.
func TestLinkIDReverse(t *testing.T) {
	p := mustCompile(t, "version: 1\nrecords:\n  n:\n    entity: note\n    fields:\n      content: Content\n      party: {column: Party, id: Party ID}\n", nil)
	exp, probs := p.Reverse("")
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	if got := strings.Join(exp.Header.Names(), "|"); got != "Content|Party|Party ID" {
		t.Fatalf("header %s", got)
	}
	cells, err := exp.Row(map[string]any{"content": "hi", "party": map[string]any{"id": 42.0, "firstName": "Jane", "lastName": "Doe"}})
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, c := range cells {
		parts = append(parts, c.Text())
	}
	if got := strings.Join(parts, "|"); got != "hi|Jane Doe|42" {
		t.Errorf("row %s, want hi|Jane Doe|42", got)
	}
}
