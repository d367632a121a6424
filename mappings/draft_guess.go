package mappings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// exportPrefixes start column names in exports that flatten several
// records into one sheet (Pipedrive: "Person - Email", "Deal - Value").
var exportPrefixes = []string{"person ", "contact ", "organization ", "organisation ", "org ", "deal ", "lead "}

// lookupHeader finds where a column goes: by its folded name, else by the
// name without a record prefix ("Person - Email" as "Email").
func lookupHeader(name string) (target, bool) {
	f := foldHeader(name)
	if t, ok := headerAliases[f]; ok {
		return t, true
	}
	for _, p := range exportPrefixes {
		if rest, ok := strings.CutPrefix(f, p); ok {
			if t, ok := headerAliases[rest]; ok {
				return t, true
			}
		}
	}
	return target{}, false
}

// headerLanguage maps folded column names that belong to one language to
// the country whose phone numbers a file with such columns most likely
// holds. Words shared by languages (nome, telefono, land, ort in Swedish)
// are left out or given to the more common exporter.
var headerLanguage = func() map[string]string {
	m := map[string]string{}
	add := func(region string, names ...string) {
		for _, n := range names {
			m[foldHeader(n)] = region
		}
	}
	add("DE", "vorname", "nachname", "familienname", "telefon", "telefonnummer", "mobiltelefon", "handy", "firma", "firmenname",
		"unternehmen", "straße", "strasse", "plz", "postleitzahl", "ort", "stadt", "anrede", "berufsbezeichnung", "notizen",
		"bemerkung", "bemerkungen", "geburtsdatum", "geburtstag", "umsatz", "kundennummer", "e-mail-adresse", "bundesland",
		"schlagworte", "betrag", "währung", "hausnummer", "ansprechpartner")
	add("FR", "prénom", "nom", "nom de famille", "courriel", "adresse e-mail", "téléphone", "portable", "société", "entreprise",
		"ville", "code postal", "pays", "rue", "civilité", "fonction", "remarques", "étiquettes", "montant", "devise", "date de naissance")
	add("ES", "nombre", "apellido", "apellidos", "correo", "correo electrónico", "móvil", "empresa", "ciudad", "código postal",
		"país", "calle", "dirección", "puesto", "notas", "etiquetas", "importe", "moneda", "fecha de nacimiento")
	add("IT", "cognome", "azienda", "città", "cellulare", "indirizzo", "cap", "paese", "ruolo", "posta elettronica", "data di nascita")
	add("NL", "voornaam", "achternaam", "bedrijf", "woonplaats", "telefoonnummer", "straat", "plaats", "geboortedatum")
	add("SE", "förnamn", "efternamn", "företag", "postnummer", "mobilnummer")
	add("DK", "efternavn", "virksomhed", "postnr")
	add("NO", "etternavn", "bedrift")
	add("PL", "imię", "nazwisko", "miasto", "firma nazwa", "kod pocztowy")
	return m
}()

// languageNames names the language behind a headerLanguage region.
var languageNames = map[string]string{"DE": "German", "FR": "French", "ES": "Spanish", "IT": "Italian", "NL": "Dutch",
	"SE": "Swedish", "DK": "Danish", "NO": "Norwegian", "PL": "Polish"}

// phoneRegion guesses the region of phone numbers written without +code and
// says from what ("" when it could not): the sample's most common country,
// else the language of the column names, else the country code of most
// e-mail domains, else the most common +code of the numbers that have one.
func (d *drafter) phoneRegion() (string, string) {
	if r := d.regionFromCountries(); r != "" {
		return r, "the country column"
	}
	votes := map[string]int{}
	for _, n := range d.header.Names() {
		if r, ok := headerLanguage[foldHeader(n)]; ok {
			votes[r]++
		}
	}
	if r := winner(votes); r != "" {
		return r, "the " + languageNames[r] + " column names"
	}
	if r := winner(d.cellVotes(d.col("person", "email"), emailRegion)); r != "" {
		return r, "the e-mail domains"
	}
	phones := map[string]int{}
	for _, c := range []string{d.col("person", "phone"), d.col("person", "mobile")} {
		for r, n := range d.cellVotes(c, phoneRegionOf) {
			phones[r] += n
		}
	}
	if r := winner(phones); r != "" {
		return r, "the +codes of the phone numbers"
	}
	return "GB", ""
}

// regionFromCountries is the most common country of the country column.
func (d *drafter) regionFromCountries() string {
	ct := countries()
	return winner(d.cellVotes(d.col("org", "country"), func(s string) string {
		name, err := ct.normalise(s)
		if err != nil || name == "" || !validRegion(ct.byName[name]) {
			return ""
		}
		return ct.byName[name]
	}))
}

// cellVotes counts what region (a region, a currency) gives the sample's
// cells of a column; "" is not counted.
func (d *drafter) cellVotes(col string, region func(string) string) map[string]int {
	votes := map[string]int{}
	i, ok := d.header.Index(col)
	if col == "" || !ok {
		return votes
	}
	for _, r := range d.sample {
		if i >= len(r.Values) {
			continue
		}
		if code := region(strings.TrimSpace(r.Values[i].Text())); code != "" {
			votes[code]++
		}
	}
	return votes
}

// winner is the region with the most votes, "" when none or on a tie.
func winner(votes map[string]int) string {
	best, bestN, tie := "", 0, false
	for r, n := range votes {
		switch {
		case n > bestN:
			best, bestN, tie = r, n, false
		case n == bestN:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// genericTLDs are country domains used worldwide, which say nothing of where
// the person is.
var genericTLDs = map[string]bool{"io": true, "co": true, "me": true, "tv": true, "ai": true, "fm": true, "am": true,
	"ly": true, "gg": true, "to": true, "ws": true, "cc": true, "nu": true, "sh": true, "so": true, "app": true}

func emailRegion(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	dot := strings.LastIndexByte(addr, '.')
	if at < 0 || dot < at {
		return ""
	}
	tld := strings.ToLower(addr[dot+1:])
	if len(tld) != 2 || genericTLDs[tld] {
		return ""
	}
	if tld == "uk" {
		return "GB"
	}
	if r := strings.ToUpper(tld); validRegion(r) {
		return r
	}
	return ""
}

func phoneRegionOf(s string) string {
	if !strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "00") {
		return ""
	}
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	n, err := phonenumbers.Parse(s, "")
	if err != nil {
		return ""
	}
	if r := phonenumbers.GetRegionCodeForNumber(n); validRegion(r) {
		return r
	}
	return ""
}

// commaLocales are the regions whose spreadsheets write 1.234,5, and the
// locale the mapping names for them.
var commaLocales = map[string]string{"DE": "de", "AT": "de", "FR": "fr", "ES": "es", "IT": "it", "NL": "nl", "PT": "pt",
	"BR": "pt", "DK": "da", "SE": "sv", "NO": "nb", "FI": "fi", "PL": "pl", "CZ": "cs", "BE": "nl"}

// locale is the number locale to draft: the region's, when the sample has
// a number written with a decimal comma.
func (d *drafter) locale(region string) string {
	loc := commaLocales[region]
	if loc == "" {
		return ""
	}
	for _, r := range d.sample {
		for _, v := range r.Values {
			if decimalComma(strings.TrimSpace(v.Text())) {
				return loc
			}
		}
	}
	return ""
}

// decimalComma reports text like "1.234,56 €" or "99,5": digits with one
// comma followed by one or two digits (three would be a thousands group).
func decimalComma(s string) bool {
	s = strings.TrimSpace(strings.Trim(s, "€$£ "))
	i := strings.LastIndexByte(s, ',')
	if i < 1 || strings.Count(s, ",") != 1 || len(s)-i-1 < 1 || len(s)-i-1 > 2 {
		return false
	}
	for _, c := range strings.ReplaceAll(s[:i], ".", "") + s[i+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// listSeparator is the separator of a list column (tags): ";" when the
// sample's cells use it and no comma (Outlook's Categories), else ",".
func (d *drafter) listSeparator(col string) string {
	i, ok := d.header.Index(col)
	if !ok {
		return ","
	}
	semi, comma := 0, 0
	for _, r := range d.sample {
		if i < len(r.Values) {
			semi += strings.Count(r.Values[i].Text(), ";")
			comma += strings.Count(r.Values[i].Text(), ",")
		}
	}
	if semi > 0 && comma == 0 {
		return ";"
	}
	return ","
}

// source writes the source section: how the file was read when it was not
// the default, and the key column.
func (d *drafter) source(b *strings.Builder, in SourceOptions, key string) {
	var lines []string
	if in.Sheet != "" {
		lines = append(lines, "  sheet: "+yq(in.Sheet))
	}
	if in.HeaderRow > 1 {
		lines = append(lines, fmt.Sprintf("  header_row: %d           # rows above are titles", in.HeaderRow))
	}
	if in.Encoding != "" || in.Delimiter != "" {
		lines = append(lines, "  csv:")
		if in.Encoding != "" {
			lines = append(lines, "    encoding: "+yq(in.Encoding))
		}
		if in.Delimiter != "" {
			lines = append(lines, "    delimiter: "+strconvQuote(in.Delimiter))
		}
	}
	if key != "" {
		lines = append(lines, fmt.Sprintf("  key: %s          # identifies a row across runs", yq(key)))
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("source:\n" + strings.Join(lines, "\n") + "\n\n")
}

// strconvQuote writes s as a double-quoted YAML string (a tab as "\t").
func strconvQuote(s string) string { return strconv.Quote(s) }

// regionCurrency is the currency of the regions whose guess init makes.
var regionCurrency = map[string]string{"GB": "GBP", "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "IE": "EUR",
	"DE": "EUR", "AT": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "NL": "EUR", "BE": "EUR", "PT": "EUR", "FI": "EUR",
	"CH": "CHF", "SE": "SEK", "DK": "DKK", "NO": "NOK", "PL": "PLN", "CZ": "CZK", "JP": "JPY", "IN": "INR", "ZA": "ZAR", "BR": "BRL"}

// currency drafts the currency of an amount column without a currency
// column: the symbol its cells carry (€ $ £), else the phone region's
// currency, with a comment saying which to check.
func (d *drafter) currency(amountCol string) (string, string) {
	votes := d.cellVotes(amountCol, func(s string) string {
		switch {
		case strings.Contains(s, "€"):
			return "EUR"
		case strings.Contains(s, "£"):
			return "GBP"
		case strings.Contains(s, "$"):
			return "USD"
		}
		return ""
	})
	if c := winner(votes); c != "" {
		return "{value: " + c + "}", "   # from the currency sign in " + amountCol
	}
	if c := regionCurrency[d.region]; c != "" {
		return "{value: " + c + "}", "   # CHECK: the currency of " + d.region
	}
	return "{value: GBP}", "   # CHECK: the currency of the amounts"
}
