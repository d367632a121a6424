package mappings

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/capsule-etl/capsule-etl/formats"
)

// DraftOptions tune Draft.
type DraftOptions struct {
	// Entity is the main record: person (default), organisation,
	// opportunity, project, note or task. People bring their organisation;
	// opportunities and projects bring their person and organisation.
	Entity string
	// Source names the input file in the draft's opening comment.
	Source string
	// Input is how the file was read (sheet, header row, CSV encoding and
	// delimiter); what differs from the defaults is written under source:
	// so that import reads the file the same way. Key is ignored.
	Input SourceOptions
}

// target is where a recognised column goes.
type target struct {
	record string // org, person, deal
	field  string // field path inside the record
}

// headerAliases maps folded header names from common exports (HubSpot,
// Salesforce, Pipedrive, Google Contacts, Outlook) and several languages to
// Capsule fields.
var headerAliases = func() map[string]target {
	m := map[string]target{}
	add := func(t target, names ...string) {
		for _, n := range names {
			m[foldHeader(n)] = t
		}
	}
	add(target{"person", "firstName"}, "first name", "firstname", "given name", "vorname", "prénom", "prenom", "nombre", "nome", "voornaam", "fornavn", "förnamn", "contact first name")
	add(target{"person", "lastName"}, "last name", "lastname", "surname", "family name", "nachname", "familienname", "nom", "nom de famille", "apellido", "apellidos", "cognome", "achternaam", "efternamn", "contact last name")
	add(target{"person", "jobTitle"}, "job title", "jobtitle", "position", "role", "berufsbezeichnung", "funktion", "poste", "fonction", "cargo", "puesto", "ruolo")
	add(target{"person", "title"}, "salutation", "anrede", "civilité", "tratamiento")
	add(target{"person", "email"}, "email", "e-mail", "email address", "e-mail address", "primary email", "email 1 - value", "e-mail 1 - value", "work email", "emails", "e-mail-adresse", "courriel", "adresse e-mail", "correo", "correo electrónico", "posta elettronica", "mail")
	add(target{"person", "phone"}, "phone", "phone number", "business phone", "work phone", "phone 1 - value", "telephone", "telefon", "telefonnummer", "téléphone", "teléfono", "telefono", "tel")
	add(target{"person", "mobile"}, "mobile", "mobile phone", "mobile phone number", "cell", "cell phone", "mobiltelefon", "handy", "mobil", "portable", "móvil", "celular", "cellulare")
	add(target{"person", "owner"}, "owner", "contact owner", "owner name", "besitzer", "propriétaire", "propietario")
	add(target{"person", "about"}, "notes", "note", "about", "description", "notizen", "bemerkung", "bemerkungen", "remarques", "notas", "note interne")
	add(target{"person", "tags"}, "tags", "labels", "label", "categories", "schlagworte", "étiquettes", "etiquetas")
	add(target{"org", "name"}, "company", "company name", "organization", "organisation", "organization name", "organisation name", "account name", "organization - name", "organization 1 - name", "firma", "firmenname", "unternehmen", "société", "societe", "entreprise", "empresa", "azienda", "bedrijf")
	add(target{"org", "website"}, "website", "website url", "web site", "web", "url", "homepage", "webseite", "site web", "sitio web", "sito web")
	add(target{"org", "street"}, "street", "address", "street address", "business street", "mailing street", "address 1 - street", "straße", "strasse", "adresse", "rue", "calle", "dirección", "indirizzo")
	add(target{"org", "city"}, "city", "town", "business city", "mailing city", "address 1 - city", "stadt", "ort", "ville", "ciudad", "città")
	add(target{"org", "state"}, "state", "state/region", "region", "province", "county", "business state", "mailing state/province", "bundesland", "provincia")
	add(target{"org", "zip"}, "zip", "zip code", "postcode", "postal code", "business postal code", "mailing zip/postal code", "address 1 - postal code", "plz", "postleitzahl", "code postal", "código postal", "cap")
	add(target{"org", "country"}, "country", "country/region", "business country/region", "mailing country", "address 1 - country", "land", "pays", "país", "paese")
	add(target{"org", "industry"}, "industry", "branche", "secteur", "sector", "industria")
	add(target{"deal", "name"}, "deal name", "deal title", "opportunity name", "opportunity", "deal", "title", "projekt", "project name", "project")
	add(target{"deal", "milestone"}, "deal stage", "stage", "pipeline stage", "phase", "étape", "etapa", "milestone", "status")
	add(target{"deal", "amount"}, "amount", "deal value", "value", "betrag", "wert", "montant", "importe", "valor")
	add(target{"deal", "currency"}, "currency", "deal currency", "währung", "devise", "moneda")
	add(target{"deal", "expectedCloseOn"}, "close date", "expected close date", "expected close", "closing date", "abschlussdatum", "date de clôture", "fecha de cierre")
	add(target{"person", "name"}, "name", "full name", "contact name", "contact", "person name", "display name", "vollständiger name", "nom complet", "nombre completo", "nome completo", "naam")
	add(target{"person", "id"}, "record id", "contact id", "id", "external id", "legacy id", "customer id", "kundennummer", "kundennr")
	return m
}()

// foldHeader lower-cases, strips accents and collapses punctuation.
func foldHeader(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Draft writes a starting mapping for a file with this header: recognised
// columns are mapped, the rest are listed as commented custom fields. People
// are matched on email (else name), organisations on name. The draft
// validates against the header it was made from.
func Draft(header *formats.Header, sample []*formats.Record, opt DraftOptions) ([]byte, error) {
	if header == nil || header.Len() == 0 {
		return nil, fmt.Errorf("the input has no header row to draft a mapping from")
	}
	entity := opt.Entity
	if entity == "" {
		entity = "person"
	}
	if _, ok := entityNames[entity]; !ok {
		return nil, fmt.Errorf("unknown entity %q (one of person, organisation, opportunity, project, note, task)", entity)
	}
	found := map[target]string{}
	var unknown []string
	for _, name := range header.Names() {
		t, ok := lookupHeader(name)
		if !ok || found[t] != "" || strings.TrimSpace(name) == "" {
			if strings.TrimSpace(name) != "" {
				unknown = append(unknown, name)
			}
			continue
		}
		found[t] = name
	}
	if entity == "organisation" || entity == "organization" {
		// In a list of organisations a bare "Name" is theirs.
		if n := found[target{"person", "name"}]; n != "" && found[target{"org", "name"}] == "" {
			found[target{"org", "name"}] = n
			delete(found, target{"person", "name"})
		}
	}
	d := &drafter{found: found, sample: sample, header: header}
	var b strings.Builder
	src := opt.Source
	if src == "" {
		src = "the input"
	}
	fmt.Fprintf(&b, "# Draft mapping for %s, written by `capsule-etl init`.\n", src)
	b.WriteString("# Check every line, then run `capsule-etl validate --mapping THIS_FILE INPUT`.\nversion: 1\n\n")
	d.source(&b, opt.Input, found[target{"person", "id"}])
	b.WriteString("defaults:\n")
	region, why := d.phoneRegion()
	d.region = region
	note := "CHECK: the country of phone numbers written without +code"
	if why != "" {
		note = "guessed from " + why
		if why != "the country column" {
			note += "; CHECK it is the country of numbers written without +code"
		}
	}
	fmt.Fprintf(&b, "  phone_region: %s         # %s\n", region, note)
	// A guess is never applied silently: until the user confirms it by
	// deleting the marker, numbers without +code are kept as written and
	// each one is a warning in the dry run.
	fmt.Fprintf(&b, "  phone_region_guessed: true  # delete this line once %s is right: until then numbers without +code are kept as written, with a warning\n", region)
	if loc := d.locale(region); loc != "" {
		fmt.Fprintf(&b, "  locale: %s               # numbers written 1.234,5\n", loc)
	}
	if layout := d.dateLayout(); layout != "" {
		fmt.Fprintf(&b, "  date_format: %s\n", yq(layout))
	}
	b.WriteString("\nrecords:\n")
	main := catalogKey(entity)
	if entity == "organization" {
		main = "organisation"
	}
	wantOrg := d.has("org") || main == "organisation"
	wantPerson := main != "organisation" && (d.has("person") || main == "person")
	wantDeal := main == "opportunity" || main == "project"
	d.withDeal = wantDeal
	if wantOrg {
		d.org(&b, main == "organisation")
	}
	if wantPerson {
		d.person(&b, wantOrg, unknown)
	}
	if wantDeal {
		d.deal(&b, main, wantPerson, wantOrg)
	}
	if main == "note" || main == "task" {
		d.noteOrTask(&b, main, wantPerson, wantOrg)
	}
	if main == "organisation" {
		d.unknown(&b, unknown)
	}
	return []byte(b.String()), nil
}

type drafter struct {
	withDeal bool   // the draft has an opportunity or project record
	region   string // the guessed phone region
	found    map[target]string
	sample   []*formats.Record
	header   *formats.Header
}

func (d *drafter) has(record string) bool {
	for t := range d.found {
		if t.record == record && t.field != "id" {
			return true
		}
	}
	return false
}

func (d *drafter) col(record, field string) string { return d.found[target{record, field}] }

var plainYAML = regexp.MustCompile(`^\p{L}[\p{L}\p{N} _.()/-]*$`)

// yq writes a string as YAML, quoting only when needed.
func yq(s string) string {
	if plainYAML.MatchString(s) && !strings.HasSuffix(s, " ") && !contains([]string{"true", "false", "yes", "no", "null", "on", "off", "y", "n"}, strings.ToLower(s)) {
		return s
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func (d *drafter) org(b *strings.Builder, main bool) {
	name := d.col("org", "name")
	b.WriteString("  organisation:\n    entity: organisation\n")
	if name != "" && !main {
		fmt.Fprintf(b, "    when: %s\n", yq(fmt.Sprintf("{%s} != ''", name)))
	}
	b.WriteString("    match: [name]\n    fields:\n")
	if name != "" {
		fmt.Fprintf(b, "      name: %s\n", yq(name))
	} else {
		b.WriteString("      name: {value: CHANGE ME}   # no company column recognised\n")
	}
	if w := d.col("org", "website"); w != "" {
		fmt.Fprintf(b, "      websites: [{address: %s, service: URL}]\n", yq(w))
	}
	var parts []string
	for _, p := range []string{"street", "city", "state", "zip", "country"} {
		if c := d.col("org", p); c != "" {
			parts = append(parts, p+": "+yq(c))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(b, "      addresses: [{%s}]\n", strings.Join(parts, ", "))
	}
	if c := d.col("person", "about"); c != "" && main {
		fmt.Fprintf(b, "      about: %s\n", yq(c))
	}
	if c := d.col("org", "industry"); c != "" {
		fmt.Fprintf(b, "      tags: %s\n", yq(c))
	}
	b.WriteString("\n")
}

func (d *drafter) person(b *strings.Builder, withOrg bool, unknown []string) {
	b.WriteString("  person:\n    entity: person\n")
	email := d.col("person", "email")
	id := d.col("person", "id")
	switch {
	case id != "" && email != "":
		fmt.Fprintf(b, "    match: [{field: %s}, email]\n", yq(id))
	case id != "":
		fmt.Fprintf(b, "    match: [{field: %s}]\n", yq(id))
	case email != "":
		b.WriteString("    match: [email]\n")
	case d.col("person", "firstName") != "" || d.col("person", "lastName") != "" || d.col("person", "name") != "":
		b.WriteString("    match: [name]\n")
	}
	b.WriteString("    on_match: update\n    lists: merge\n    fields:\n")
	for _, f := range []string{"firstName", "lastName", "title", "jobTitle"} {
		if c := d.col("person", f); c != "" {
			fmt.Fprintf(b, "      %s: {column: %s, transform: [trim]}\n", f, yq(c))
		}
	}
	if full := d.col("person", "name"); full != "" && d.col("person", "firstName") == "" && d.col("person", "lastName") == "" {
		// Capsule has no full-name field for people: the first word is the
		// first name, the rest the last name.
		fmt.Fprintf(b, "      firstName: {column: %s, transform: [trim, {regex: ['^(\\S+).*$', '$1']}]}   # first word of %s\n", yq(full), full)
		fmt.Fprintf(b, "      lastName: {column: %s, transform: [trim, {regex: ['^\\S+\\s*', '']}]}   # the rest; CHECK names like \"van der Berg\"\n", yq(full))
	} else if d.col("person", "firstName") == "" && d.col("person", "lastName") == "" {
		b.WriteString("      # no first or last name column recognised: map one before importing\n")
	}
	if withOrg {
		b.WriteString("      organisation: {record: organisation}\n")
	}
	if email != "" {
		fmt.Fprintf(b, "      emailAddresses: [{address: %s, type: Work}]\n", yq(email))
	}
	var phones []string
	if c := d.col("person", "phone"); c != "" {
		phones = append(phones, fmt.Sprintf("{number: %s, type: Work}", yq(c)))
	}
	if c := d.col("person", "mobile"); c != "" {
		phones = append(phones, fmt.Sprintf("{number: %s, type: Mobile}", yq(c)))
	}
	if len(phones) > 0 {
		fmt.Fprintf(b, "      phoneNumbers: [%s]\n", strings.Join(phones, ", "))
	}
	if !withOrg {
		var parts []string
		for _, p := range []string{"street", "city", "state", "zip", "country"} {
			if c := d.col("org", p); c != "" {
				parts = append(parts, p+": "+yq(c))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(b, "      addresses: [{%s}]\n", strings.Join(parts, ", "))
		}
	}
	if c := d.col("person", "tags"); c != "" {
		fmt.Fprintf(b, "      tags: {column: %s, split: %s}\n", yq(c), strconvQuote(d.listSeparator(c)))
	}
	if c := d.col("person", "owner"); c != "" {
		fmt.Fprintf(b, "      owner: %s\n", yq(c))
	}
	if c := d.col("person", "about"); c != "" {
		fmt.Fprintf(b, "      about: %s\n", yq(c))
	}
	if id != "" {
		fmt.Fprintf(b, "      fields:\n        %s: %s    # custom field keeping the source id\n", yq(id), yq(id))
	}
	d.unknownInside(b, unknown, id == "")
	b.WriteString("\n")
}

// unknownInside lists unrecognised columns as commented custom fields.
func (d *drafter) unknownInside(b *strings.Builder, _ []string, header bool) {
	var rest []string
	// Every column of the header, not only the unrecognised ones: a column
	// recognised for a record this draft does not have is listed too.
	for _, u := range d.header.Names() {
		if strings.TrimSpace(u) != "" && !d.used(u) {
			rest = append(rest, u)
		}
	}
	if len(rest) == 0 {
		return
	}
	sort.Strings(rest)
	indent := "        # "
	if header {
		b.WriteString("      # fields:     # columns not recognised; uncomment to keep them as custom fields\n")
		indent = "      #   "
	} else {
		b.WriteString("        # columns not recognised; uncomment to keep them as custom fields:\n")
	}
	for _, u := range rest {
		fmt.Fprintf(b, "%s%s: %s\n", indent, yq(u), yq(u))
	}
}

func (d *drafter) unknown(b *strings.Builder, unknown []string) {
	if len(unknown) == 0 {
		return
	}
	b.WriteString("# Columns not recognised:\n")
	for _, u := range unknown {
		fmt.Fprintf(b, "#   %s\n", u)
	}
}

func (d *drafter) deal(b *strings.Builder, main string, withPerson, withOrg bool) {
	entity, rec := "opportunity", "deal"
	if main == "project" {
		entity, rec = "project", "project"
	}
	fmt.Fprintf(b, "  %s:\n    entity: %s\n", rec, entity)
	name := d.col("deal", "name")
	if name != "" {
		fmt.Fprintf(b, "    when: %s\n", yq(fmt.Sprintf("{%s} != ''", name)))
	}
	b.WriteString("    match: [name]\n    fields:\n")
	if name != "" {
		fmt.Fprintf(b, "      name: %s\n", yq(name))
	} else {
		b.WriteString("      name: {value: CHANGE ME}   # no deal name column recognised\n")
	}
	switch {
	case withPerson:
		b.WriteString("      party: {record: person}\n")
	case withOrg:
		b.WriteString("      party: {record: organisation}\n")
	}
	if entity == "opportunity" {
		if c := d.col("deal", "milestone"); c != "" {
			fmt.Fprintf(b, "      milestone: {column: %s, pipeline: Sales}   # map your stages: map: {Old Stage: Capsule Milestone}\n", yq(c))
		} else {
			b.WriteString("      milestone: {value: New, pipeline: Sales}\n")
		}
		if c := d.col("deal", "amount"); c != "" {
			cur, note := d.currency(c)
			if cc := d.col("deal", "currency"); cc != "" {
				cur, note = yq(cc), ""
			}
			fmt.Fprintf(b, "      value: {amount: %s, currency: %s}%s\n", yq(c), cur, note)
		}
	}
	if c := d.col("deal", "expectedCloseOn"); c != "" {
		fmt.Fprintf(b, "      expectedCloseOn: %s\n", yq(c))
	}
	b.WriteString("\n")
}

func (d *drafter) noteOrTask(b *strings.Builder, main string, withPerson, withOrg bool) {
	party := "person"
	if !withPerson {
		party = "organisation"
	}
	about := d.col("person", "about")
	if main == "note" {
		b.WriteString("  note:\n    entity: note\n")
		if about != "" {
			fmt.Fprintf(b, "    when: %s\n    fields:\n      content: %s\n", yq(fmt.Sprintf("{%s} != ''", about)), yq(about))
		} else {
			b.WriteString("    fields:\n      content: {value: Imported}\n")
		}
	} else {
		b.WriteString("  task:\n    entity: task\n    fields:\n      description: {value: Follow up}\n      dueOn: {value: \"2030-01-01\"}   # CHANGE ME\n")
	}
	if withPerson || withOrg {
		fmt.Fprintf(b, "      party: {record: %s}\n", party)
	}
}

var dayFirst = regexp.MustCompile(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$`)

// dateLayout guesses day/month order from the sample's date-looking cells.
func (d *drafter) dateLayout() string {
	var sep string
	seen, df, mf := false, false, false
	for _, r := range d.sample {
		for _, v := range r.Values {
			m := dayFirst.FindStringSubmatch(strings.TrimSpace(v.Text()))
			if m == nil {
				continue
			}
			seen = true
			sep = string(v.Text()[len(m[1])])
			if len(m[1]) <= 2 && atoi(m[1]) > 12 {
				df = true
			}
			if atoi(m[2]) > 12 {
				mf = true
			}
		}
	}
	if !seen {
		return ""
	}
	if mf && !df {
		return "01" + sep + "02" + sep + "2006"
	}
	return "02" + sep + "01" + sep + "2006"
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// used reports whether the draft maps column name: recognised, the column
// chosen for its target (a second phone column is not), and of a record the
// draft has (a deal amount in a person draft is not), so that no column
// disappears from the draft without a word.
func (d *drafter) used(name string) bool {
	t, ok := lookupHeader(name)
	if !ok || d.found[t] != name {
		return false
	}
	switch {
	case t.record == "deal":
		return d.withDeal
	case t == target{"person", "name"}:
		return d.col("person", "firstName") == "" && d.col("person", "lastName") == ""
	}
	return true
}
