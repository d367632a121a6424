package mappings

import (
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
)

// crmDraft drafts a mapping for one of testdata/crm's exports (written as
// each CRM exports: its column names, national phone formats, month-name
// and month-first dates, blank rows), checks that it compiles against the
// file, and returns the draft and every row's records as JSON by record name.
func crmDraft(t *testing.T, file string) (string, DraftInfo, []map[string]string) {
	t.Helper()
	path := filepath.Join("testdata", "crm", file)
	r, err := files.Open(path, files.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs []*formats.Record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec.Clone())
	}
	out, info, err := DraftWithInfo(r.Header(), recs, DraftOptions{Source: file})
	if err != nil {
		t.Fatal(err)
	}
	m, probs := Parse(out, "draft.yaml")
	if probs.HasErrors() {
		t.Fatalf("draft does not parse: %v\n%s", probs, out)
	}
	p, probs := Compile(m, r.Header())
	if probs.HasErrors() {
		t.Fatalf("draft does not compile against %s: %v\n%s", file, probs, out)
	}
	var rows []map[string]string
	for i, rec := range recs {
		ops, errs := p.Eval(rec)
		for _, e := range errs {
			// Phone numbers are the phone region's business (a guess the
			// draft marks); anything else is the draft's fault.
			if !strings.Contains(e.Message, "phone") {
				t.Errorf("%s row %d: %v\n%s", file, i+2, e, out)
			}
		}
		row := map[string]string{}
		for _, op := range ops {
			if op.Skipped {
				continue
			}
			b, _ := json.Marshal(op.Body)
			row[op.Record] = string(b)
		}
		rows = append(rows, row)
	}
	return string(out), info, rows
}

type crmWant struct {
	row    int // 0-based data row
	record string
	has    []string // JSON fragments the record's body holds
	hasNot []string
}

func checkCRM(t *testing.T, file string, rows []map[string]string, draft string, wants []crmWant) {
	t.Helper()
	for _, w := range wants {
		body := rows[w.row][w.record]
		for _, h := range w.has {
			if !strings.Contains(body, h) {
				t.Errorf("%s row %d %s lacks %s:\n%s\n%s", file, w.row+2, w.record, h, body, draft)
			}
		}
		for _, h := range w.hasNot {
			if strings.Contains(body, h) {
				t.Errorf("%s row %d %s has %s:\n%s", file, w.row+2, w.record, h, body)
			}
		}
	}
}

func TestDraftGoogleContacts(t *testing.T) {
	draft, info, rows := crmDraft(t, "google-contacts.csv")
	checkCRM(t, "google-contacts.csv", rows, draft, []crmWant{
		{0, "person", []string{`"jobTitle":"Publisher"`, `"address":"emma@thompson-books.example"`, `"address":"emma.t@gmail.example"`,
			`"number":`, `"websites":[{"address":"https://thompson-books.example","service":"URL"}]`,
			`"addresses":[{"city":"London","country":"United Kingdom","street":"14 Fleet Street","zip":"EC4Y 1AA"}]`,
			`"tags":[{"name":"Clients"},{"name":"VIP"}]`, `{"definition":{"name":"Birthday"},"value":"1984-03-16"}`}, []string{"myContacts"}},
		{0, "organisation", []string{`"name":"Thompson Books Ltd"`}, []string{"addresses", "websites"}},
		// A birthday without a year (--05-22) is left out; system groups are not tags.
		{1, "person", []string{`"jobTitle":"Bauleiter"`}, []string{"Birthday", "tags", "starred"}},
		{3, "person", []string{`"tags":[{"name":"Suppliers"}]`, `"country":"France"`}, nil},
	})
	if len(info.CustomFields) != 1 || info.CustomFields[0] != "Birthday" {
		t.Errorf("custom fields %v, want [Birthday]", info.CustomFields)
	}
	draft, _, rows = crmDraft(t, "google-contacts-2024.csv")
	checkCRM(t, "google-contacts-2024.csv", rows, draft, []crmWant{
		{0, "person", []string{`"jobTitle":"Senior Partner"`, `"tags":[{"name":"Clients"}]`, `"state":"NSW"`, `"value":"1979-08-30"`}, nil},
		{0, "organisation", []string{`"name":"Brown \u0026 Partners"`}, nil},
		{1, "person", []string{`"websites":[{"address":"https://noahwilson.example","service":"URL"}]`}, []string{"tags"}},
	})
}

func TestDraftHubSpotContacts(t *testing.T) {
	draft, info, rows := crmDraft(t, "hubspot-contacts.csv")
	checkCRM(t, "hubspot-contacts.csv", rows, draft, []crmWant{
		{0, "person", []string{`"jobTitle":"VP Engineering"`, `"street":"18144 El Camino Real"`, `"zip":"94087"`,
			`{"definition":{"name":"Birthday"},"value":"1985-03-16"}`, `{"definition":{"name":"Record ID"},"value":"51"}`}, []string{"websites"}},
		// HubSpot's "Website URL" is the company's.
		{0, "organisation", []string{`"websites":[{"address":"https://cyberdyne.example","service":"URL"}]`}, []string{"addresses"}},
	})
	if !strings.Contains(draft, "phoneNumbers: [{number: Phone Number, type: Work}, {number: Mobile Phone Number, type: Mobile}]") {
		t.Errorf("phones not drafted:\n%s", draft)
	}
	if !strings.Contains(draft, "# owner: Contact owner") || !strings.Contains(draft, "--create-fields") {
		t.Errorf("the owner is not commented out, or the custom fields carry no note:\n%s", draft)
	}
	if strings.Join(info.CustomFields, ",") != "Record ID,Birthday" {
		t.Errorf("custom fields %v", info.CustomFields)
	}
}

func TestDraftSalesforceContacts(t *testing.T) {
	draft, _, rows := crmDraft(t, "salesforce-contacts.csv") // windows-1252, CRLF
	checkCRM(t, "salesforce-contacts.csv", rows, draft, []crmWant{
		{0, "person", []string{`"firstName":"François"`, `"jobTitle":"Directeur commercial"`, `"title":"Mr."`,
			`"addresses":[{"city":"Paris","country":"France","street":"12 Rue de Rivoli","type":"Postal","zip":"75001"}]`,
			`{"definition":{"name":"Birthday"},"value":"1978-03-16"}`, `"type":"Mobile"`}, nil},
		{1, "person", []string{`"type":"Fax"`, `"value":"1990-11-02"`}, nil},
		{0, "organisation", []string{`"name":"Société Générale Export"`}, []string{"addresses"}},
	})
}

func TestDraftZohoContacts(t *testing.T) {
	draft, _, rows := crmDraft(t, "zoho-contacts.csv")
	checkCRM(t, "zoho-contacts.csv", rows, draft, []crmWant{
		{0, "person", []string{`"jobTitle":"Purchase Manager"`, `"address":"arjun.m@gmail.example"`, `"tags":[{"name":"VIP"},{"name":"Trade Show"}]`,
			`{"definition":{"name":"Birthday"},"value":"1984-03-16"}`, `"type":"Postal"`, `"about":"Met at the Bengaluru expo."`}, nil},
		{1, "person", []string{`"value":"1991-09-02"`, `"city":"Augsburg"`, `"type":"Home"`}, nil},
	})
	if !strings.Contains(draft, `format: "2-Jan-2006"`) {
		t.Errorf("DD-MMM-YYYY dates not drafted as a working layout:\n%s", draft)
	}
}

func TestDraftOutlookContacts(t *testing.T) {
	draft, _, rows := crmDraft(t, "outlook-contacts.csv")
	checkCRM(t, "outlook-contacts.csv", rows, draft, []crmWant{
		{0, "person", []string{`"title":"Mr."`, `"jobTitle":"Account Manager"`, `"address":"dan.w@outlook.example"`, `"type":"Fax"`,
			`"websites":[{"address":"http://fabrikam.example","service":"URL"}]`, `"type":"Office"`, `"type":"Home"`,
			`"tags":[{"name":"Customers"},{"name":"VIP"}]`, `{"definition":{"name":"Birthday"},"value":"1982-03-16"}`}, []string{"Anniversary"}},
		{3, "person", []string{`"value":"1975-12-24"`, `{"definition":{"name":"Anniversary"},"value":"2001-06-01"}`, `"city":"Cork"`}, nil},
		{0, "organisation", []string{`"name":"Fabrikam Inc."`}, []string{"addresses"}},
	})
}

func TestDraftPipedriveDeals(t *testing.T) {
	draft, info, rows := crmDraft(t, "pipedrive-deals.csv")
	if info.Entity != "opportunity" {
		t.Fatalf("a Pipedrive deals export drafts %s, want opportunity:\n%s", info.Entity, draft)
	}
	for _, w := range []string{"Proposal Made: Proposal Made", "Demo Scheduled: Demo Scheduled", "won: Won", "lost: Lost",
		"match: [{field: Deal - ID}]", "key: Deal - ID", "# owner: Deal - Owner"} {
		if !strings.Contains(draft, w) {
			t.Errorf("draft lacks %q:\n%s", w, draft)
		}
	}
	checkCRM(t, "pipedrive-deals.csv", rows, draft, []crmWant{
		{0, "deal", []string{`"name":"Acme Ltd deal"`, `"value":{"amount":12500,"currency":"EUR"}`, `"expectedCloseOn":"2024-04-30"`,
			`"tags":[{"name":"Hot"}]`, `{"definition":{"name":"Deal - ID"},"value":"101"}`}, nil},
		{0, "person", []string{`"firstName":"Anna"`, `"lastName":"Müller"`}, nil},
		{0, "organisation", []string{`"name":"Acme Ltd"`}, nil},
		{3, "deal_of_organisation", []string{`"name":"Pilot for Nordwind"`}, nil},
	})
	if _, ok := rows[3]["person"]; ok {
		t.Error("a deal without a contact person wrote a person")
	}
}

// A Salesforce accounts export drafted as organisations: billing and
// shipping addresses, phone, fax and website on the organisation, and only
// the columns really left out listed as not recognised.
func TestDraftSalesforceAccounts(t *testing.T) {
	h := formats.NewHeader([]string{"Account ID", "Account Name", "Industry", "Billing Street", "Billing City", "Billing Zip/Postal Code",
		"Billing Country", "Shipping Street", "Shipping City", "Phone", "Fax", "Website", "Account Owner"})
	out, err := Draft(h, nil, DraftOptions{Entity: "organisation"})
	if err != nil {
		t.Fatal(err)
	}
	draft := string(out)
	for _, w := range []string{"type: Billing}", "{street: Shipping Street, city: Shipping City, type: Shipping}",
		"phoneNumbers: [{number: Phone, type: Work}, {number: Fax, type: Fax}]", "websites: [{address: Website, service: URL}]",
		"tags: Industry", "#   Account Owner\n"} {
		if !strings.Contains(draft, w) {
			t.Errorf("draft lacks %q:\n%s", w, draft)
		}
	}
	if strings.Contains(draft, "#   Billing") || strings.Contains(draft, "person:") {
		t.Errorf("mapped columns listed as not recognised, or a person drafted:\n%s", draft)
	}
	m, probs := Parse(out, "draft.yaml")
	if probs.HasErrors() {
		t.Fatal(probs)
	}
	if _, probs := Compile(m, h); probs.HasErrors() {
		t.Fatal(probs)
	}
}

// Pipedrive's organizations export drafts organisations without --entity;
// a contact export with an address but no company column puts the address
// on the person and drafts no organisation.
func TestDraftRecordFromTheColumns(t *testing.T) {
	out, info, err := DraftWithInfo(formats.NewHeader([]string{"Organization - Name", "Organization - Address", "Organization - Labels",
		"Organization - Owner", "Organization - People"}), nil, DraftOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Entity != "organisation" || strings.Contains(string(out), "person:") ||
		!strings.Contains(string(out), "addresses: [{street: Organization - Address}]") ||
		!strings.Contains(string(out), `tags: {column: Organization - Labels, split: ","}`) {
		t.Errorf("entity %s:\n%s", info.Entity, out)
	}
	out, _, err = DraftWithInfo(formats.NewHeader([]string{"First Name", "Last Name", "Email", "Street Address", "City", "Country/Region", "Website"}), nil, DraftOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "organisation:") || !strings.Contains(string(out), "      addresses: [{street: Street Address, city: City, country: Country/Region}]") ||
		!strings.Contains(string(out), "      websites: [{address: Website, service: URL}]") {
		t.Errorf("draft:\n%s", out)
	}
}
