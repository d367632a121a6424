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
			[]string{"title: {column: Salutation", "name: Account Name", "addresses: [{street: Mailing Street, city: Mailing City, zip: Mailing Zip/Postal Code, country: Mailing Country, type: Postal}]", "{number: Mobile, type: Mobile}", "phone_region: US         # guessed"}},
		{"pipedrive deals", []string{"Deal - Title", "Title", "Stage", "Value", "Currency", "Organization - Name", "Expected close date"}, nil, "opportunity",
			[]string{"deal:", "name: Deal - Title", "milestone:\n        column: Stage\n        pipeline: Sales", "value: {amount: Value, currency: Currency}", "name: Organization - Name", "party: {record: organisation}", "expectedCloseOn: Expected close date"}},
		{"google contacts", []string{"Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Value", "Organization 1 - Name"}, nil, "",
			[]string{"firstName: {column: Given Name", "lastName: {column: Family Name", "address: E-mail 1 - Value", "number: Phone 1 - Value"}},
		{"outlook", []string{"First Name", "Last Name", "E-mail Address", "Business Phone", "Company", "Business City"}, nil, "",
			[]string{"address: E-mail Address", "number: Business Phone", "city: Business City"}},
		{"german", []string{"Vorname", "Nachname", "Firma", "E-Mail", "Telefon", "Straße", "PLZ", "Ort", "Geburtstag"}, []string{"Anna", "Müller", "Acme", "a@b.de", "030 123", "Weg 1", "10115", "Berlin", "31.12.1980"}, "",
			[]string{"firstName: {column: Vorname", "lastName: {column: Nachname", "name: Firma", "street: Straße", "zip: PLZ", "city: Ort", `date_format: "02.01.2006"`}},
		{"french and spanish", []string{"Prénom", "Nom", "Société", "Correo", "Empresa"}, []string{"Jean", "Dupont", "ACME", "j@d.fr", "X"}, "",
			[]string{"firstName: {column: Prénom", "lastName: {column: Nom", "name: Société", "address: Correo"}},
		{"german without a country column", []string{"Vorname", "Nachname", "Telefon", "Umsatz"}, []string{"Jürgen", "Groß", "030 1234567", "1.234,56 €"}, "",
			[]string{"phone_region: DE         # guessed from the German column names; CHECK", "locale: de"}},
		{"english headers, .fr e-mail domains, full name", []string{"Name", "Email", "Phone"}, []string{"Zoë  École", "zoe@exemple.fr", "01 23 45 67 89"}, "",
			[]string{"phone_region: FR         # guessed from the e-mail domains", "firstName: {column: Name, transform: [trim, {regex:", "match: [email]"}},
		{"pipedrive persons", []string{"Person - Name", "Person - Email", "Person - Phone", "Person - Organization", "Person - Labels"}, []string{"Ann Lee", "ann@x.com", "+1 415 555 0100", "Acme", "Hot"}, "",
			[]string{"phone_region: US         # guessed from the +codes", "address: Person - Email", "number: Person - Phone", "name: Person - Organization", `tags: {column: Person - Labels, split: ","}`}},
		{"outlook categories split on semicolons", []string{"First Name", "Last Name", "Categories"}, []string{"Ann", "Lee", "VIP;Customer"}, "",
			[]string{`tags: {column: Categories, split: ";"}`}},
		{"nothing to go on: GB to check", []string{"First Name", "Email"}, []string{"Ann", "ann@example.com"}, "",
			[]string{"phone_region: GB         # CHECK"}},
		{"country column wins over header language", []string{"Vorname", "Land", "Telefon"}, []string{"Anna", "Österreich", "0664 1234567"}, "",
			[]string{"phone_region: AT         # guessed from the country column\n"}},
		{"a Name column of organisations", []string{"Name", "Website"}, []string{"Acme", "acme.example"}, "organisation",
			[]string{"      name: Name\n"}},
		{"recognised columns the draft does not use are listed", []string{"First Name", "Email", "Phone", "Telefon", "Amount", "Full Name"}, nil, "",
			[]string{"#   Amount: Amount", "#   Telefon: Telefon", "#   Full Name: Full Name", "number: Phone"}},
		{"german deals in euros", []string{"Deal-Name", "Phase", "Betrag", "Firma"}, []string{"Großauftrag", "Angebot", "10.000,00", "Müller GmbH"}, "opportunity",
			[]string{"value: {amount: Betrag, currency: {value: EUR}}   # CHECK: the currency of DE"}},
		{"currency sign wins", []string{"Deal Name", "Amount"}, []string{"Big", "$1,200"}, "opportunity",
			[]string{"value: {amount: Amount, currency: {value: USD}}   # from the currency sign in Amount"}},
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

func TestDraftSplitsAFullName(t *testing.T) {
	tests := []struct {
		name, cell, first, last string
	}{
		{"two words", "Zoë École", "Zoë", "École"},
		{"three words", " Jan van Berg ", "Jan", "van Berg"},
		{"one word", "Madonna", "Madonna", ""},
	}
	h := formats.NewHeader([]string{"Full Name", "Email"})
	out, err := Draft(h, nil, DraftOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, probs := Parse(out, "draft.yaml")
	if probs.HasErrors() {
		t.Fatalf("draft does not parse: %v\n%s", probs, out)
	}
	p, probs := Compile(m, h)
	if probs.HasErrors() {
		t.Fatalf("draft does not compile: %v\n%s", probs, out)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &formats.Record{Header: h, Values: []formats.Value{formats.StringValue(tt.cell), formats.StringValue("a@b.example")}}
			ops, errs := p.Eval(rec)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var body map[string]any
			for _, op := range ops {
				if op.Entity == "party" && op.PartyType == "person" {
					body = op.Body
				}
			}
			first, _ := body["firstName"].(string)
			last, _ := body["lastName"].(string)
			if first != tt.first || last != tt.last {
				t.Errorf("first, last = %q, %q; want %q, %q (body %v)", first, last, tt.first, tt.last, body)
			}
		})
	}
}

func TestDraftSourceSection(t *testing.T) {
	h := formats.NewHeader([]string{"Vorname", "E-Mail"})
	out, err := Draft(h, nil, DraftOptions{Input: SourceOptions{Sheet: "Kunden", HeaderRow: 3, Encoding: "windows-1252", Delimiter: "\t"}})
	if err != nil {
		t.Fatal(err)
	}
	m, probs := Parse(out, "draft.yaml")
	if probs.HasErrors() {
		t.Fatalf("draft does not parse: %v\n%s", probs, out)
	}
	got := m.Source
	if got.Sheet != "Kunden" || got.HeaderRow != 3 || got.Encoding != "windows-1252" || got.Delimiter != "\t" {
		t.Errorf("source = %+v, want sheet Kunden, header row 3, windows-1252, tab\n%s", got, out)
	}
}

// A HubSpot deals export: the stage column gets a map: listing the file's
// stages, the closed ones mapped to Won and Lost.
func TestDraftStageMapStub(t *testing.T) {
	h := formats.NewHeader([]string{"Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner", "Pipeline"})
	var sample []*formats.Record
	for _, r := range [][]string{
		{"9001", "Renewal 2024", "Contract Sent", "1200", "2024-05-01", "ann@old-crm.example", "Sales Pipeline"},
		{"9002", "New office", "Closed Won", "8000", "2024-02-01", "ann@old-crm.example", "Sales Pipeline"},
		{"9003", "Upsell", "closedlost", "500", "", "bob@old-crm.example", "Sales Pipeline"},
		{"9004", "Renewal 2025", "Contract Sent", "1300", "", "", "Sales Pipeline"},
	} {
		vals := make([]formats.Value, len(r))
		for i, s := range r {
			vals[i] = formats.StringValue(s)
		}
		sample = append(sample, &formats.Record{Header: h, Values: vals})
	}
	out, info, err := DraftWithInfo(h, sample, DraftOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"map:   # CHECK", "          Contract Sent: Contract Sent\n          Closed Won: Won\n          closedlost: Lost\n",
		"(the file's: Sales Pipeline)", "match: [{field: Record ID}]", "# owner: Deal owner"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("draft lacks %q:\n%s", w, out)
		}
	}
	if info.Entity != "opportunity" || strings.Count(string(out), "Contract Sent:") != 1 {
		t.Errorf("entity %s, or a stage listed twice:\n%s", info.Entity, out)
	}
	m, probs := Parse(out, "draft.yaml")
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	p, probs := Compile(m, h)
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	for i, rec := range sample {
		ops, errs := p.Eval(rec)
		if len(errs) > 0 {
			t.Fatalf("row %d: %v", i+2, errs)
		}
		for _, op := range ops {
			if op.Record == "deal" {
				want := []string{"Contract Sent", "Won", "Lost", "Contract Sent"}[i]
				var got string
				for _, r := range op.Refs {
					if r.Kind == RefMilestone {
						got = r.Name
					}
				}
				if got != want {
					t.Errorf("row %d: milestone %q, want %q", i+2, got, want)
				}
			}
		}
	}
}
