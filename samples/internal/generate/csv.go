package generate

import (
	"fmt"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats/files"
)

// hubspotContacts writes a HubSpot "Export contacts" file: comma, UTF-8,
// HubSpot's own column names, mostly US numbers in every local spelling and
// UK numbers written internationally (HubSpot users in the US do).
func hubspotContacts(w *world, path string) error {
	r := w.r
	t := &table{header: []string{"Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
		"Job Title", "Company Name", "Website URL", "City", "State/Region", "Country/Region", "Lifecycle Stage",
		"Contact owner", "Create Date", "Marketing contact status"}}
	stages := []string{"subscriber", "lead", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "customer"}
	// The website comes from HubSpot's company record: the same for every
	// contact of a company, but written differently from company to company.
	sites := map[*company]string{}
	for i := range 150 {
		reg := "US"
		if i%5 == 4 {
			reg = "GB"
		}
		c := w.someCompany(reg, 10)
		p := w.newPerson(reg, c)
		if reg == "GB" {
			p.phone = "+44 20 7946 0" + digits(r, 3)
			if p.mobile != "" {
				p.mobile = "+44 7700 900" + digits(r, 3)
			}
		}
		var org, site, city, state, country string
		if c != nil {
			org, city, state, country = c.name, c.city, c.state, c.country
			if sites[c] == "" {
				sites[c] = pick(r, []string{"www." + c.domain, "https://" + c.domain, c.domain})
			}
			site = sites[c]
			if r.IntN(8) == 0 {
				org += " " // trailing space, as typed
			}
		}
		created := daysBefore(r, 700).Add(timeOfDay(r))
		mkt := pick(r, []string{"Marketing contact", "Marketing contact", "Non-marketing contact"})
		t.add(fmt.Sprint(51000+i*7), p.first, p.last, messyEmail(r, p.email), p.phone, p.mobile, p.jobTitle,
			org, site, city, state, country, pick(r, stages), pick(r, []string{"Sam Lee", "Jane Doe"}),
			created.Format("2006-01-02 15:04"), mkt)
	}
	return t.write(path, files.WriteOptions{})
}

// kontakteDE writes a German customer list saved by Excel as "CSV UTF-8":
// a byte order mark, semicolons, German dates and local phone numbers,
// umlauts in names and streets.
func kontakteDE(w *world, path string) error {
	r := w.r
	t := &table{header: []string{"Kundennr", "Anrede", "Vorname", "Nachname", "Firma", "Position", "E-Mail", "Telefon",
		"Mobil", "Straße", "PLZ", "Ort", "Land", "Kunde seit", "Letzter Kontakt", "Notiz"}}
	notes := []string{"Rückruf wegen Angebot vereinbart", "Interesse an Wartungsvertrag", "Preisliste per E-Mail geschickt",
		"Messekontakt, bitte nachfassen", "Vertrag läuft Ende des Jahres aus", "Wünscht Vor-Ort-Termin im Januar"}
	for i := range 80 {
		c := w.someCompany("DE", 0)
		p := w.newPerson("DE", c)
		anrede := pick(r, []string{"Herr", "Frau"})
		since, last := daysBefore(r, 2000), daysBefore(r, 90).Add(timeOfDay(r))
		var note, lastText string
		if r.IntN(2) == 0 {
			note, lastText = pick(r, notes), last.Format("02.01.2006 15:04")
		}
		t.add(fmt.Sprintf("K-%05d", 10001+i), anrede, p.first, p.last, c.name, p.jobTitle, messyEmail(r, p.email),
			p.phone, p.mobile, c.street, c.zip, c.city, c.country, since.Format("02.01.2006"), lastText, note)
	}
	return t.write(path, files.WriteOptions{Delimiter: ';', BOM: true})
}

// pipedriveDeals writes a Pipedrive "Export deals" file. Its organisations
// are the same companies as the HubSpot contacts, so importing both shows
// organisations matched by name rather than created twice.
func pipedriveDeals(w *world, path string) error {
	r := w.r
	t := &table{header: []string{"Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Organization",
		"Deal - Contact person", "Deal - Stage", "Deal - Status", "Deal - Expected close date", "Deal - Owner",
		"Deal - Lost reason", "Deal - Label", "Deal - Deal created"}}
	products := []string{"Platform licence", "Support renewal", "Onboarding package", "Data migration", "Training days", "Expansion seats"}
	stages := []string{"Lead In", "Contact Made", "Proposal Made", "Negotiations Started"}
	for i := range 90 {
		reg := pick(r, []string{"US", "US", "GB"})
		c := w.someCompany(reg, 0)
		contact := pick(r, locales[reg].first) + " " + pick(r, locales[reg].last)
		currency := map[string]string{"US": "USD", "GB": "GBP"}[reg]
		status := pick(r, []string{"open", "open", "open", "won", "lost"})
		var lost string
		if status == "lost" {
			lost = pick(r, []string{"Price", "Competitor", "No budget"})
		}
		value := fmt.Sprintf("%d", 1000+r.IntN(80)*250)
		if r.IntN(3) == 0 {
			value += ".50"
		}
		title := strings.TrimSpace(strings.TrimSuffix(c.name, " ")) + " – " + pick(r, products)
		t.add(fmt.Sprint(3100+i), title, value, currency, c.name, contact, pick(r, stages), status,
			daysAfter(r, 180).Format("2006-01-02"), pick(r, []string{"Sam Lee", "Jane Doe", "Sandbox User"}), lost,
			pick(r, []string{"Hot", "Warm", "Cold", ""}), daysBefore(r, 300).Add(timeOfDay(r)).Format("2006-01-02 15:04:05"))
	}
	return t.write(path, files.WriteOptions{})
}

// brokenRows writes a small contact list in which some rows are wrong in the
// ways real files are, to show the errors file and exit code 3. Every other
// sample imports cleanly.
func brokenRows(w *world, path string) error {
	t := &table{header: []string{"First Name", "Last Name", "Email", "Phone", "Country", "Stage", "Signed Up"}}
	rows := [][]any{
		{"Nora", "Quinn", "nora.quinn@example.org", "020 7946 0101", "United Kingdom", "Lead", "03/02/2026"},
		{"Jan", "Kowalski", "jan.kowalski@", "020 7946 0102", "UK", "Lead", "04/02/2026"},                     // email without a domain
		{"Priya", "Shah", "Priya.Shah@Example.org ", "07700 900103", "UK", "Customer", "05/02/2026"},          // fine once normalised
		{"Tom", "Baker", "tom.baker@example.org", "call after 5pm", "United Kingdom", "Lead", "06/02/2026"},   // not a phone number
		{"Ada", "Lovelace", "ada@example.org", "020 7946 0105", "United Kingdom", "Zombie", "07/02/2026"},     // stage not in the table
		{"Grace", "Hopper", "grace@example.org", "020 7946 0106", "United Kingdom", "Customer", "31/02/2026"}, // no such date
		{"", "", "", "020 7946 0107", "United Kingdom", "Lead", ""},                                           // nobody: no name, no email
		{"Alan", "Turing", "alan.turing@example.org", "020 7946 0108", "Atlantis", "Lead", "09/02/2026"},      // unknown country
		{"Mary", "Jackson", "mary.jackson@example.org", "+1 757 555 0109", "USA", "Customer", "10/02/2026"},
		{"Tim", "Berners-Lee", "timbl@example.org", "020 7946 0110", "England", "Lead", "11/02/2026"},
	}
	for _, row := range rows {
		t.add(row...)
	}
	return t.write(path, files.WriteOptions{})
}
