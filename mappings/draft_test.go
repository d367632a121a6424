package mappings

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

func TestDraft(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		row    []string
		entity string
		want   []string
	}{
		{"hubspot", []string{"Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Website URL", "Contact owner", "Lifecycle Stage"}, nil, "",
			[]string{"key: Record ID", "firstName: {column: First Name", "emailAddresses: [{address: Email, type: Work}]", "match: [{field: Record ID}, email]", "organisation: {record: organisation}", "name: Company Name", "owner: Contact owner", "        # Lifecycle Stage: Lifecycle Stage"}},
		{"salesforce", []string{"Salutation", "First Name", "Last Name", "Account Name", "Mailing Street", "Mailing City", "Mailing Zip/Postal Code", "Mailing Country", "Mobile", "Email"},
			[]string{"Ms.", "Ada", "Byron", "Analytical Ltd", "1 Main St", "Boston", "02110", "USA", "(617) 555-0100", "ada@analytical.example"}, "",
			[]string{"title: {column: Salutation", "name: Account Name", "addresses: [{street: Mailing Street, city: Mailing City, zip: Mailing Zip/Postal Code, country: Mailing Country}]", "{number: Mobile, type: Mobile}", "phone_region: US         # guessed"}},
		{"pipedrive deals", []string{"Deal - Title", "Title", "Stage", "Value", "Currency", "Organization - Name", "Expected close date"}, nil, "opportunity",
			[]string{"deal:", "name: Deal - Title", "milestone: {column: Stage, pipeline: Sales}", "value: {amount: Value, currency: Currency}", "name: Organization - Name", "party: {record: organisation}", "expectedCloseOn: Expected close date"}},
		{"google contacts", []string{"Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Value", "Organization 1 - Name"}, nil, "",
			[]string{"firstName: {column: Given Name", "lastName: {column: Family Name", "address: E-mail 1 - Value", "number: Phone 1 - Value"}},
		{"outlook", []string{"First Name", "Last Name", "E-mail Address", "Business Phone", "Company", "Business City"}, nil, "",
			[]string{"address: E-mail Address", "number: Business Phone", "city: Business City"}},
		{"german", []string{"Vorname", "Nachname", "Firma", "E-Mail", "Telefon", "Straße", "PLZ", "Ort", "Geburtstag"}, []string{"Anna", "Müller", "Acme", "a@b.de", "030 123", "Weg 1", "10115", "Berlin", "31.12.1980"}, "",
			[]string{"firstName: {column: Vorname", "lastName: {column: Nachname", "name: Firma", "street: Straße", "zip: PLZ", "city: Ort", `date_format: "02.01.2006"`}},
		{"french and spanish", []string{"Prénom", "Nom", "Société", "Correo", "Empresa"}, []string{"Jean", "Dupont", "ACME", "j@d.fr", "X"}, "",
			[]string{"firstName: {column: Prénom", "lastName: {column: Nom", "name: Société", "address: Correo"}},
		{"organisations only", []string{"Company", "Website", "Country", "Notes", "Employees"}, nil, "organisation",
			[]string{"entity: organisation", "name: Company", "websites: [{address: Website, service: URL}]", "about: Notes", "# Columns not recognised:\n#   Employees"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := formats.NewHeader(tt.header)
			var sample []*formats.Record
			if tt.row != nil {
				vals := make([]formats.Value, len(tt.row))
				for i, s := range tt.row {
					vals[i] = formats.StringValue(s)
				}
				sample = append(sample, &formats.Record{Header: h, Values: vals})
			}
			out, err := Draft(h, sample, DraftOptions{Entity: tt.entity, Source: "in.csv"})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("draft lacks %q:\n%s", w, out)
				}
			}
			// The draft must validate against the file it was made from.
			m, probs := Parse(out, "draft.yaml")
			if probs.HasErrors() {
				t.Fatalf("draft does not parse: %v\n%s", probs, out)
			}
			p, probs := Compile(m, h)
			if probs.HasErrors() {
				t.Fatalf("draft does not compile: %v\n%s", probs, out)
			}
			if len(sample) > 0 {
				if _, errs := p.Eval(sample[0]); len(errs) > 0 {
					t.Errorf("draft rejects its own sample row: %v", errs)
				}
			}
		})
	}
}

func TestDraftRejectsBadInput(t *testing.T) {
	if _, err := Draft(formats.NewHeader(nil), nil, DraftOptions{}); err == nil {
		t.Error("empty header accepted")
	}
	if _, err := Draft(formats.NewHeader([]string{"A"}), nil, DraftOptions{Entity: "widget"}); err == nil {
		t.Error("unknown entity accepted")
	}
}
