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
	// Entity is the main record: person, organisation, opportunity,
	// project, note or task; "" is opportunity for a deals export (most
	// columns "Deal - …", or a deal name with a stage or amount), else
	// person. People bring their organisation; opportunities and projects
	// bring their person and organisation.
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
	add(target{"person", "jobTitle"}, "job title", "jobtitle", "organization 1 title", "organization title", "position", "role", "berufsbezeichnung", "funktion", "poste", "fonction", "cargo", "puesto", "ruolo")
	add(target{"person", "title"}, "salutation", "name prefix", "prefix", "anrede", "civilité", "tratamiento")
	add(target{"person", "email"}, "email", "e-mail", "email address", "e-mail address", "primary email", "email 1 - value", "e-mail 1 - value", "work email", "emails", "e-mail-adresse", "courriel", "adresse e-mail", "correo", "correo electrónico", "posta elettronica", "mail")
	add(target{"person", "phone"}, "phone", "phone number", "business phone", "work phone", "phone 1 - value", "telephone", "telefon", "telefonnummer", "téléphone", "teléfono", "telefono", "tel")
	add(target{"person", "mobile"}, "mobile", "mobile phone", "mobile phone number", "cell", "cell phone", "mobiltelefon", "handy", "mobil", "portable", "móvil", "celular", "cellulare")
	add(target{"person", "owner"}, "owner", "contact owner", "owner name", "besitzer", "propriétaire", "propietario")
	add(target{"person", "about"}, "notes", "note", "about", "description", "notizen", "bemerkung", "bemerkungen", "remarques", "notas", "note interne")
	add(target{"person", "tags"}, "tags", "labels", "label", "categories", "schlagworte", "étiquettes", "etiquetas")
	add(target{"org", "name"}, "company", "company name", "organization", "organisation", "organization name", "organisation name", "account name", "associated company", "associated company name", "organization - name", "organization 1 - name", "firma", "firmenname", "unternehmen", "société", "societe", "entreprise", "empresa", "azienda", "bedrijf")
	add(target{"org", "website"}, "website", "website url", "web site", "web", "url", "homepage", "webseite", "site web", "sitio web", "sito web")
	add(target{"org", "street"}, "street", "address", "street address", "business street", "mailing street", "address 1 - street", "straße", "strasse", "adresse", "rue", "calle", "dirección", "indirizzo")
	add(target{"org", "city"}, "city", "town", "business city", "mailing city", "address 1 - city", "stadt", "ort", "ville", "ciudad", "città")
	add(target{"org", "state"}, "state", "state/region", "region", "province", "county", "business state", "mailing state/province", "bundesland", "provincia")
	add(target{"org", "zip"}, "zip", "zip code", "postcode", "postal code", "business postal code", "mailing zip/postal code", "address 1 - postal code", "plz", "postleitzahl", "code postal", "código postal", "cap")
	add(target{"org", "country"}, "country", "country/region", "business country/region", "mailing country", "address 1 - country", "land", "pays", "país", "paese")
	add(target{"org", "industry"}, "industry", "branche", "secteur", "sector", "industria")
	add(target{"deal", "name"}, "deal name", "deal title", "opportunity name", "opportunity", "deal", "title", "projekt", "project name", "project")
	add(target{"deal", "milestone"}, "deal stage", "stage", "pipeline stage", "phase", "étape", "etapa", "milestone")
	add(target{"deal", "status"}, "status", "deal status")
	add(target{"deal", "id"}, "deal id", "opportunity id")
	add(target{"deal", "amount"}, "amount", "deal value", "value", "betrag", "wert", "montant", "importe", "valor")
	add(target{"deal", "currency"}, "currency", "deal currency", "währung", "devise", "moneda")
	add(target{"deal", "expectedCloseOn"}, "close date", "expected close date", "expected close", "closing date", "abschlussdatum", "date de clôture", "fecha de cierre")
	add(target{"person", "name"}, "name", "full name", "contact name", "contact", "person name", "contact person", "associated contact", "display name", "vollständiger name", "nom complet", "nombre completo", "nome completo", "naam")
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
	out, _, err := DraftWithInfo(header, sample, opt)
	return out, err
}

// DraftWithInfo is Draft that also says what the draft holds.
func DraftWithInfo(header *formats.Header, sample []*formats.Record, opt DraftOptions) ([]byte, DraftInfo, error) {
	if header == nil || header.Len() == 0 {
		return nil, DraftInfo{}, fmt.Errorf("the input has no header row to draft a mapping from")
	}
	entity := opt.Entity
	if entity == "" {
		entity = "person"
		switch {
		case dealExport(header):
			entity = "opportunity"
		case prefixed(header, "organization ", "organisation ") > 0.5:
			entity = "organisation" // Pipedrive's organizations export
		}
	}
	if _, ok := entityNames[entity]; !ok {
		return nil, DraftInfo{}, fmt.Errorf("unknown entity %q (one of person, organisation, opportunity, project, note, task)", entity)
	}
	main := catalogKey(entity)
	found, unknown, colTarget := resolveHeader(header.Names(), main)
	if entity == "organisation" || entity == "organization" {
		// In a list of organisations a bare "Name" is theirs.
		if n := found[target{"person", "name"}]; n != "" && found[target{"org", "name"}] == "" {
			found[target{"org", "name"}] = n
			colTarget[n] = target{"org", "name"}
			delete(found, target{"person", "name"})
		}
	}
	d := &drafter{found: found, sample: sample, header: header, colTarget: colTarget}
	var b strings.Builder
	src := opt.Source
	if src == "" {
		src = "the input"
	}
	fmt.Fprintf(&b, "# Draft mapping for %s, written by `capsule-etl init`.\n", src)
	b.WriteString("# Check every line, then run `capsule-etl validate --mapping THIS_FILE INPUT`.\nversion: 1\n\n")
	mainID := found[target{"person", "id"}]
	if main == "opportunity" || main == "project" {
		mainID = found[target{"deal", "id"}]
	}
	d.source(&b, opt.Input, mainID)
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
	if entity == "organization" {
		main = "organisation"
	}
	// An organisation needs its name: address or website columns alone
	// are the person's.
	wantOrg := d.col("org", "name") != "" || main == "organisation"
	wantPerson := main == "person" || (main != "organisation" && main != "organization" && d.has("person"))
	if main != "person" && d.col("person", "firstName") == "" && d.col("person", "lastName") == "" &&
		d.col("person", "name") == "" && d.col("person", "email") == "" {
		wantPerson = false // a deals export naming no contact: no person to write
	}
	wantDeal := main == "opportunity" || main == "project"
	d.withDeal, d.wantPerson, d.main = wantDeal, wantPerson, main
	d.crm = d.crmColumns(wantOrg, main == "organisation")
	if wantOrg {
		d.org(&b, main == "organisation")
	}
	if wantPerson {
		d.person(&b, wantOrg, main == "person")
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
	return []byte(b.String()), DraftInfo{Entity: main, CustomFields: d.customFields}, nil
}

// DraftInfo says what a draft holds that the user must know before
// importing it.
type DraftInfo struct {
	Entity       string   // the main record: person, organisation, opportunity…
	CustomFields []string // custom fields the draft writes: they must exist, or import runs with --create-fields
}

// dealExport reports a deals export: most columns named "Deal - …"
// (Pipedrive), or a deal name column with a stage or an amount.
func dealExport(h *formats.Header) bool {
	deal, all := 0, 0
	hasName, hasMore := false, false
	for _, n := range h.Names() {
		if strings.TrimSpace(n) == "" {
			continue
		}
		all++
		f := foldHeader(n)
		if strings.HasPrefix(f, "deal ") {
			deal++
		}
		switch f {
		case "deal name", "deal title", "opportunity name", "deal deal name":
			hasName = true
		case "deal stage", "stage", "amount", "deal value", "deal amount":
			hasMore = true
		}
	}
	return (all > 0 && deal*2 > all) || (hasName && hasMore)
}

// prefixed is the share of named columns whose folded name starts with one
// of prefixes.
func prefixed(h *formats.Header, prefixes ...string) float64 {
	n, all := 0, 0
	for _, name := range h.Names() {
		if strings.TrimSpace(name) == "" {
			continue
		}
		all++
		for _, p := range prefixes {
			if strings.HasPrefix(foldHeader(name), p) {
				n++
				break
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(n) / float64(all)
}

// lookupCol is lookupHeader that also says which record a prefix names
// ("Deal - ID" is the deal's id, not a person's).
func lookupCol(name string) (target, string, bool) {
	t, ok := lookupHeader(name)
	rec, _ := splitPrefix(foldHeader(name))
	if _, direct := headerAliases[foldHeader(name)]; direct {
		rec = ""
	}
	return t, rec, ok
}

// resolveHeader finds where each recognised column goes (the first column
// for each place) and lists the others.
func resolveHeader(names []string, main string) (map[target]string, []string, map[string]target) {
	found := map[target]string{}
	colTarget := map[string]target{}
	var unknown, titles []string
	jobTitle := false
	for _, name := range names {
		if f := foldHeader(name); f == "job title" || f == "jobtitle" {
			jobTitle = true
		}
	}
	for _, name := range names {
		if strings.TrimSpace(name) == "" {
			continue
		}
		t, rec, ok := lookupCol(name)
		if ok && foldHeader(name) == "title" {
			titles = append(titles, name)
			continue
		}
		switch {
		case ok && t.field == "id" && rec == "deal":
			t = target{"deal", "id"}
		case ok && rec == "deal" && t.record == "person" && (t.field == "owner" || t.field == "tags" || t.field == "about"):
			t = target{"deal", t.field} // "Deal - Owner", "Deal - Label"
		case ok && t.field == "id" && rec == "org":
			ok = false // an organisation's id in a deals or people export
		case ok && t == target{"person", "id"} && rec == "" && (main == "opportunity" || main == "project"):
			t = target{"deal", "id"} // "Record ID" of a deals export
		}
		if !ok || found[t] != "" {
			unknown = append(unknown, name)
			continue
		}
		found[t] = name
		colTarget[name] = t
	}
	// A bare "Title" is a salutation beside a "Job Title" (Outlook), the
	// deal's name in a deals export without one, else the job title
	// (Salesforce, Zoho).
	for _, name := range titles {
		t := target{"person", "jobTitle"}
		switch {
		case jobTitle:
			t = target{"person", "title"}
		case main == "opportunity" || main == "project":
			if found[target{"deal", "name"}] != "" {
				unknown = append(unknown, name) // beside "Deal - Title": not a person's
				continue
			}
			t = target{"deal", "name"}
		}
		if found[t] != "" {
			unknown = append(unknown, name)
			continue
		}
		found[t] = name
		colTarget[name] = t
	}
	return found, unknown, colTarget
}

type drafter struct {
	withDeal   bool   // the draft has an opportunity or project record
	monthFirst bool   // the file's numeric dates are month/day/year
	wantPerson bool   // the draft has a person record
	main       string // the main record's catalog key
	crm        *crmCols
	colTarget  map[string]target
	// customFields are the custom fields the draft writes.
	customFields []string
	region       string // the guessed phone region
	found        map[target]string
	sample       []*formats.Record
	header       *formats.Header
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
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // && and <> stay readable
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
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
	b.WriteString(d.crm.emailItems(true))
	b.WriteString(d.crm.phoneItems(true))
	b.WriteString(d.crm.websiteItems(true))
	b.WriteString(d.crm.addressItems(true))
	if c := d.col("person", "about"); c != "" && main {
		fmt.Fprintf(b, "      about: %s\n", yq(c))
	}
	b.WriteString(d.tagItems(d.crm, "org"))
	if main {
		d.owner(b, d.col("person", "owner"))
	}
	b.WriteString("\n")
}

// owner writes an owner column commented out: the old CRM's users are
// rarely users of the Capsule account, and a name no user has rejects the row.
func (d *drafter) owner(b *strings.Builder, col string) {
	if col != "" {
		fmt.Fprintf(b, "      # owner: %s   # uncomment only if these are users of this Capsule account (name, username or e-mail)\n", yq(col))
	}
}

func (d *drafter) person(b *strings.Builder, withOrg, main bool) {
	b.WriteString("  person:\n    entity: person\n")
	email := d.col("person", "email")
	id := ""
	if main {
		id = d.col("person", "id")
	}
	if !main {
		// In a deals export a row may have no contact person.
		for _, c := range []string{d.col("person", "name"), d.col("person", "lastName"), d.col("person", "firstName"), email} {
			if c != "" {
				fmt.Fprintf(b, "    when: %s\n", yq(fmt.Sprintf("{%s} != ''", c)))
				break
			}
		}
	}
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
	b.WriteString(d.crm.emailItems(false))
	b.WriteString(d.crm.phoneItems(false))
	b.WriteString(d.crm.websiteItems(false))
	b.WriteString(d.crm.addressItems(false))
	b.WriteString(d.tagItems(d.crm, "person"))
	d.owner(b, d.col("person", "owner"))
	if c := d.col("person", "about"); c != "" {
		fmt.Fprintf(b, "      about: %s\n", yq(c))
	}
	var custom strings.Builder
	if id != "" {
		fmt.Fprintf(&custom, "        %s: %s    # the source id, so that a rerun finds the same person\n", yq(id), yq(id))
		d.customFields = append(d.customFields, id)
	}
	d.crm.dateFields(&custom)
	for _, l := range d.crm.dates {
		d.customFields = append(d.customFields, l.name)
	}
	d.customSection(b, custom.String(), main)
	b.WriteString("\n")
}

// customSection writes a record's custom fields, and when it is the main
// record the columns nothing maps, commented out.
func (d *drafter) customSection(b *strings.Builder, custom string, main bool) {
	if custom != "" {
		b.WriteString("      fields:   # custom fields: create them in Capsule (Settings > Custom Fields) or import with --create-fields\n")
		b.WriteString(custom)
	}
	if main {
		d.unknownInside(b, nil, custom == "")
	}
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
	var rest []string
	for _, u := range d.header.Names() {
		if strings.TrimSpace(u) != "" && !d.used(u) {
			rest = append(rest, u)
		}
	}
	if len(rest) == 0 {
		return
	}
	b.WriteString("# Columns not recognised:\n")
	for _, u := range rest {
		fmt.Fprintf(b, "#   %s\n", u)
	}
}

func (d *drafter) deal(b *strings.Builder, main string, withPerson, withOrg bool) {
	entity, rec := "opportunity", "deal"
	if main == "project" {
		entity, rec = "project", "project"
	}
	name := d.col("deal", "name")
	id := d.col("deal", "id")
	// One deal record per party: the contact person when the row has one,
	// else the organisation (Pipedrive deals need one or the other).
	type variant struct{ rec, when, party string }
	var variants []variant
	person := d.col("person", "name")
	if person == "" {
		person = d.col("person", "lastName")
	}
	switch {
	case withPerson && withOrg && person != "":
		variants = []variant{{rec, fmt.Sprintf("{%s} != ''", person), "person"},
			{rec + "_of_organisation", fmt.Sprintf("{%s} == ''", person), "organisation"}}
	case withPerson:
		variants = []variant{{rec, "", "person"}}
	case withOrg:
		variants = []variant{{rec, "", "organisation"}}
	default:
		variants = []variant{{rec, "", ""}}
	}
	var body strings.Builder
	d.dealFields(&body, entity, name)
	var custom strings.Builder
	if id != "" {
		fmt.Fprintf(&custom, "        %s: %s    # the source id, so that a rerun finds the same %s\n", yq(id), yq(id), entity)
		d.customFields = append(d.customFields, id)
	}
	for i, v := range variants {
		fmt.Fprintf(b, "  %s:\n    entity: %s\n", v.rec, entity)
		var when []string
		if name != "" {
			when = append(when, fmt.Sprintf("{%s} != ''", name))
		}
		if v.when != "" {
			when = append(when, v.when)
		}
		if len(when) > 0 {
			fmt.Fprintf(b, "    when: %s\n", yq(strings.Join(when, " && ")))
		}
		if id != "" {
			fmt.Fprintf(b, "    match: [{field: %s}]\n", yq(id))
		} else {
			b.WriteString("    match: [name]\n")
		}
		b.WriteString("    fields:\n")
		if v.party != "" {
			fmt.Fprintf(b, "      party: {record: %s}\n", v.party)
		} else {
			b.WriteString("      party: {value: CHANGE ME}   # no contact or company column recognised: the name of an existing person or organisation\n")
		}
		b.WriteString(body.String())
		d.customSection(b, custom.String(), i == 0)
		b.WriteString("\n")
	}
}

// dealFields writes an opportunity's or project's fields, party aside.
func (d *drafter) dealFields(b *strings.Builder, entity, name string) {
	if name != "" {
		fmt.Fprintf(b, "      name: %s\n", yq(name))
	} else {
		b.WriteString("      name: {value: CHANGE ME}   # no deal name column recognised\n")
	}
	if entity == "opportunity" {
		d.milestone(b)
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
	if c := d.col("deal", "about"); c != "" {
		fmt.Fprintf(b, "      description: %s\n", yq(c))
	}
	b.WriteString(d.tagItems(d.crm, "deal"))
	d.owner(b, d.col("deal", "owner"))
}

// milestone writes the milestone: the stage column through a lookup table
// listing the file's stages, and won/lost from a status column.
func (d *drafter) milestone(b *strings.Builder) {
	stage, status := d.col("deal", "milestone"), d.col("deal", "status")
	statuses := d.distinct(status)
	if status != "" && !statusLike(statuses) {
		if stage == "" {
			stage = status // a status column of stages
		}
		status = ""
	}
	pipeline := "Sales"
	note := "CHECK: the Capsule pipeline"
	if p := d.distinct(d.pipelineCol()); len(p) > 0 {
		note += " (the file's: " + strings.Join(p, ", ") + ")"
	}
	var src string
	var values []string
	switch {
	case stage != "" && status != "":
		src = fmt.Sprintf("expr: %s", yq(fmt.Sprintf("lower({%s}) in ['won', 'lost'] ? {%s} : {%s}", status, status, stage)))
		values = append(d.distinct(stage), "won", "lost")
	case stage != "":
		src = "column: " + yq(stage)
		values = d.distinct(stage)
	case status != "":
		src = "column: " + yq(status)
		values = statuses
	default:
		fmt.Fprintf(b, "      milestone: {value: New, pipeline: %s}   # %s and milestone\n", pipeline, note)
		return
	}
	fmt.Fprintf(b, "      milestone:\n        %s\n        pipeline: %s   # %s\n", src, pipeline, note)
	if len(values) == 0 {
		b.WriteString("        # map: {Old Stage: Capsule Milestone}   # map your stages to this pipeline's milestones\n")
		return
	}
	b.WriteString("        map:   # CHECK: the Capsule milestone for each stage in the file (Won and Lost close the opportunity)\n")
	seen := map[string]bool{}
	for _, v := range values {
		if seen[strings.ToLower(v)] {
			continue
		}
		seen[strings.ToLower(v)] = true
		to := closingMilestone(v)
		if to == "" || strings.EqualFold(v, "open") {
			to = v
			if strings.EqualFold(v, "open") {
				to = "New"
			}
		}
		fmt.Fprintf(b, "          %s: %s\n", yq(v), yq(to))
	}
}

// pipelineCol is a pipeline column, if the file has one.
func (d *drafter) pipelineCol() string {
	for _, n := range d.header.Names() {
		if _, rest := splitPrefix(foldHeader(n)); rest == "pipeline" {
			return n
		}
	}
	return ""
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
	seen, df, mf, short := false, false, false, false
	for _, r := range d.sample {
		for _, v := range r.Values {
			t := strings.TrimSpace(v.Text())
			m := dayFirst.FindStringSubmatch(t)
			if m == nil {
				continue
			}
			seen = true
			sep = string(t[len(m[1])])
			if len(m[1]) <= 2 && atoi(m[1]) > 12 {
				df = true
			}
			if atoi(m[2]) > 12 {
				mf = true
			}
			if len(m[1]) == 1 || len(m[2]) == 1 {
				short = true // 3/16/1982: a padded layout would not read it
			}
		}
	}
	d.monthFirst = mf && !df
	if !seen {
		// Month names (16-Mar-2024, Mar 16, 2024).
		var cells []string
		for _, r := range d.sample {
			for _, v := range r.Values {
				cells = append(cells, strings.TrimSpace(v.Text()))
			}
		}
		return guessLayout(cells, false)
	}
	day, month := "02", "01"
	if short {
		day, month = "2", "1"
	}
	if mf && !df {
		return month + sep + day + sep + "2006"
	}
	return day + sep + month + sep + "2006"
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
	if d.crm != nil && d.crm.cols[name] {
		return true
	}
	t, ok := d.colTarget[name]
	if !ok || d.found[t] != name {
		return false
	}
	switch {
	case t.record == "deal":
		return d.withDeal
	case t == target{"person", "name"}:
		return d.col("person", "firstName") == "" && d.col("person", "lastName") == ""
	case t == target{"person", "id"}:
		return d.main == "person"
	case t.record == "org" && t.field != "name" && t.field != "industry",
		t.record == "person" && (t.field == "email" || t.field == "phone" || t.field == "mobile" || t.field == "tags"):
		return false // placed by crmColumns, or not at all
	case t.record == "person":
		return d.wantPerson || t.field == "about" || t.field == "owner"
	}
	return true
}
