package mappings

import (
	"fmt"
	"regexp"
	"strings"
)

// This file places the columns of CRM exports that carry several values
// (emails, phones, websites, addresses), tags and dates on the record a
// user of that CRM expects: a contact export's address is the person's,
// HubSpot's "Website URL" is the company's, Google's "Labels" are tags.

// listCol is one column feeding a list, tags or a date custom field.
type listCol struct {
	col     string
	typ     string // Capsule list type ("" for none)
	service string // websites
	split   string // tags, emails: several values in one cell
	org     bool   // on the organisation rather than the person
	deal    bool   // on the opportunity
	name    string // dates: the custom field's name
	layout  string // dates: Go layout of the column's cells
	blank   string // dates: a regex of cells that mean "no date"
}

// addrGroup is one address: the columns of its parts.
type addrGroup struct {
	key   string
	org   bool
	typ   string
	parts map[string]string // street, city, state, zip, country -> column
}

// crmCols are a header's list, tag and date columns.
type crmCols struct {
	emails, phones, websites, tags, dates []listCol
	addrs                                 []*addrGroup
	cols                                  map[string]bool // every column placed here
}

var (
	emailRe = regexp.MustCompile(`^(?:(work|home|other|private|personal|business|secondary|primary|additional|alternate|alternative|second) )?` +
		`(?:e ?mail|courriel)(?: (addresses|address|adresse))?(?: ?(\d+))?(?: (address|value))?(?: (work|home|other))?$`)
	phoneRe = regexp.MustCompile(`^(?:(business|work|home|mobile|cell|other|primary|main|company main|company|assistant s|assistant|asst|car|radio|direct|private|office) )?` +
		`(phone|telephone|tel|fax|mobile|cell)(?: (?:phone|number))?(?: ?(\d+))?(?: (value|number))?(?: (work|home|mobile|other|fax))?$`)
	websiteRe  = regexp.MustCompile(`^(?:(personal|business|company|home|work) )?(website|web site|web page|webpage|homepage|url|web)(?: ?(\d+))?(?: (value|url|address))?$`)
	linkedinRe = regexp.MustCompile(`^linked ?in(?: url| profile| profile url)?$`)
	addressRe  = regexp.MustCompile(`^(?:(mailing|home|business|work|other|billing|shipping|postal|primary|company|office) )?(?:address (\d+) )?` +
		`(street address|street|address line 1|address|city|town|state region|state province|state|region|province|county|` +
		`zip postal code|zip code|zip|postal code|postcode|code|country region|country)$`)
	birthdayRe = regexp.MustCompile(`^(birthday|birthdate|birth date|date of birth|dob|geburtsdatum|geburtstag|date de naissance|fecha de nacimiento|data di nascita|geboortedatum)$`)
	tagsRe     = regexp.MustCompile(`^(tags|tag|labels|label|categories|category|group membership|groups|schlagworte|etiquettes|etiquetas)$`)
)

var addrPart = map[string]string{"street address": "street", "street": "street", "address line 1": "street", "address": "street",
	"city": "city", "town": "city", "state region": "state", "state province": "state", "state": "state", "region": "state",
	"province": "state", "county": "state", "zip postal code": "zip", "zip code": "zip", "zip": "zip", "postal code": "zip",
	"postcode": "zip", "code": "zip", "country region": "country", "country": "country"}

var addrType = map[string]string{"mailing": "Postal", "postal": "Postal", "home": "Home", "business": "Office", "work": "Office",
	"office": "Office", "billing": "Billing", "shipping": "Shipping"}

// splitPrefix cuts a record prefix ("Person - ", "Deal - ") off a folded
// column name and says which record it names: person, org or deal.
func splitPrefix(f string) (record, rest string) {
	for _, p := range exportPrefixes {
		if r, ok := strings.CutPrefix(f, p); ok {
			switch p {
			case "organization ", "organisation ", "org ":
				return "org", r
			case "deal ", "lead ":
				return "deal", r
			}
			return "person", r
		}
	}
	return "", f
}

// crmColumns finds the list, tag and date columns of the header. hasOrg
// says whether the draft writes an organisation, orgMain whether it is the
// main record.
func (d *drafter) crmColumns(hasOrg, orgMain bool) *crmCols {
	c := &crmCols{cols: map[string]bool{}}
	groups := map[string]*addrGroup{}
	for _, name := range d.header.Names() {
		if strings.TrimSpace(name) == "" {
			continue
		}
		f := foldHeader(name)
		rec, rest := splitPrefix(f)
		if rec == "" && strings.HasPrefix(f, "company ") && addressRe.MatchString(strings.TrimPrefix(f, "company ")) {
			rec, rest = "org", strings.TrimPrefix(f, "company ")
		}
		onOrg := rec == "org" || (orgMain && rec == "")
		switch {
		case rec == "deal":
			if tagsRe.MatchString(rest) {
				c.add(&c.tags, listCol{col: name, deal: true, split: d.listSeparator(name)})
			}
			continue
		case emailRe.MatchString(rest):
			m := emailRe.FindStringSubmatch(rest)
			typ := listTypeOf(m[1] + " " + m[5])
			if typ == "" && m[1] == "" && m[5] == "" && m[4] != "value" && len(c.emails) == 0 {
				typ = "Work" // a contact's main address
			}
			l := listCol{col: name, typ: typ, org: onOrg}
			if m[2] == "addresses" || m[1] == "additional" {
				l.split = d.listSeparator(name)
			}
			c.add(&c.emails, l)
		case phoneRe.MatchString(rest):
			m := phoneRe.FindStringSubmatch(rest)
			typ := listTypeOf(m[1] + " " + m[2] + " " + m[5])
			if typ == "" && m[1] == "" && m[5] == "" && m[4] == "" && (m[2] == "phone" || m[2] == "telephone" || m[2] == "tel") {
				typ = "Work"
			}
			c.add(&c.phones, listCol{col: name, typ: typ, org: onOrg})
		case websiteRe.MatchString(rest) || linkedinRe.MatchString(rest):
			l := listCol{col: name, service: "URL"}
			if linkedinRe.MatchString(rest) {
				l.service = "LINKED_IN"
			} else {
				m := websiteRe.FindStringSubmatch(rest)
				// A numbered website (Google's "Website 1 - Value"), a "Web
				// Page" (Outlook) or a personal one is the person's; a plain
				// "Website" of a contact export is their company's.
				personal := m[3] != "" || strings.Contains(m[2], "page") || m[1] == "personal" || m[1] == "home"
				l.org = hasOrg && (rec == "org" || orgMain || (!personal && rec != "person"))
				if m[1] == "personal" || m[1] == "home" {
					l.typ = "Home"
				}
			}
			if !l.org && l.service == "URL" && rec == "" && hasOrg && orgMain {
				l.org = true
			}
			c.add(&c.websites, l)
		case addressRe.MatchString(rest):
			m := addressRe.FindStringSubmatch(rest)
			part := addrPart[m[3]]
			if m[3] == "code" && m[1] == "postal" {
				m[1], part = "", "zip" // "Postal Code"
			} else if m[3] == "code" && m[1] == "" {
				continue
			}
			key := rec + "|" + m[1] + "|" + m[2]
			g := groups[key]
			if g == nil {
				g = &addrGroup{key: key, typ: addrType[m[1]], parts: map[string]string{}}
				// A contact's address is the person's; a company's, an
				// account's billing or shipping address, or any address in a
				// list of organisations is the organisation's.
				g.org = hasOrg && (onOrg || m[1] == "company" || m[1] == "billing" || m[1] == "shipping")
				if !d.wantPerson {
					g.org = true
				}
				groups[key] = g
				c.addrs = append(c.addrs, g)
			}
			if g.parts[part] == "" {
				g.parts[part] = name
				c.cols[name] = true
			}
		case birthdayRe.MatchString(rest) || rest == "anniversary":
			if orgMain || !d.wantPerson {
				continue
			}
			field := "Birthday"
			if rest == "anniversary" {
				field = "Anniversary"
			}
			layout, blank := d.columnLayout(name)
			c.add(&c.dates, listCol{col: name, name: field, layout: layout, blank: blank})
		case tagsRe.MatchString(rest):
			c.add(&c.tags, listCol{col: name, org: onOrg || (rec == "" && !d.wantPerson), split: d.listSeparator(name)})
		}
	}
	// Language aliases the patterns do not know (Straße, PLZ, Ort, Land…).
	g := groups["||"]
	for _, p := range []string{"street", "city", "state", "zip", "country"} {
		col := d.col("org", p)
		if col == "" || c.cols[col] {
			continue
		}
		if g == nil {
			g = &addrGroup{key: "||", org: (hasOrg && orgMain) || !d.wantPerson, parts: map[string]string{}}
			groups["||"] = g
			c.addrs = append(c.addrs, g)
		}
		if g.parts[p] == "" {
			g.parts[p] = col
			c.cols[col] = true
		}
	}
	for _, t := range []string{"phone", "mobile"} {
		if col := d.col("person", t); col != "" && !c.cols[col] {
			typ := "Work"
			if t == "mobile" {
				typ = "Mobile"
			}
			c.add(&c.phones, listCol{col: col, typ: typ, org: orgMain})
		}
	}
	if col := d.col("person", "email"); col != "" && !c.cols[col] {
		c.add(&c.emails, listCol{col: col, typ: "Work", org: orgMain})
	}
	if col := d.col("person", "tags"); col != "" && !c.cols[col] {
		c.add(&c.tags, listCol{col: col, org: !d.wantPerson, split: d.listSeparator(col)})
	}
	return c
}

func (c *crmCols) add(l *[]listCol, x listCol) {
	if c.cols[x.col] {
		return
	}
	c.cols[x.col] = true
	*l = append(*l, x)
}

// listTypeOf is the Capsule type that words of a column name give.
func listTypeOf(words string) string {
	switch {
	case strings.Contains(words, "fax"):
		return "Fax"
	case strings.Contains(words, "mobile"), strings.Contains(words, "cell"):
		return "Mobile"
	case strings.Contains(words, "direct"):
		return "Direct"
	case strings.Contains(words, "home"), strings.Contains(words, "private"), strings.Contains(words, "personal"):
		return "Home"
	case strings.Contains(words, "work"), strings.Contains(words, "business"), strings.Contains(words, "primary"),
		strings.Contains(words, "main"), strings.Contains(words, "office"), strings.HasPrefix(words, "company"):
		return "Work"
	}
	return ""
}

// emailItems writes the emailAddresses of one record ("" when none).
func (c *crmCols) emailItems(org bool) string {
	var items []string
	for _, l := range c.emails {
		if l.org != org {
			continue
		}
		main := yq(l.col)
		if l.split != "" {
			main = fmt.Sprintf("{column: %s, split: %s}", yq(l.col), strconvQuote(l.split))
		}
		items = append(items, item("address", main, l.typ, ""))
	}
	return listLine("emailAddresses", items)
}

func (c *crmCols) phoneItems(org bool) string {
	var items []string
	for _, l := range c.phones {
		if l.org == org {
			items = append(items, item("number", yq(l.col), l.typ, ""))
		}
	}
	return listLine("phoneNumbers", items)
}

func (c *crmCols) websiteItems(org bool) string {
	var items []string
	for _, l := range c.websites {
		if l.org == org {
			items = append(items, item("address", yq(l.col), l.typ, l.service))
		}
	}
	return listLine("websites", items)
}

func (c *crmCols) addressItems(org bool) string {
	var items []string
	for _, g := range c.addrs {
		if g.org != org {
			continue
		}
		var parts []string
		for _, p := range []string{"street", "city", "state", "zip", "country"} {
			if col := g.parts[p]; col != "" {
				parts = append(parts, p+": "+yq(col))
			}
		}
		if g.typ != "" {
			parts = append(parts, "type: "+g.typ)
		}
		items = append(items, "{"+strings.Join(parts, ", ")+"}")
	}
	return listLine("addresses", items)
}

// tagItems writes the tags of one record: "person", "org" or "deal".
func (d *drafter) tagItems(c *crmCols, record string) string {
	var items []string
	for _, l := range c.tags {
		if (record == "deal") != l.deal || (!l.deal && (record == "org") != l.org) {
			continue
		}
		items = append(items, d.tagSource(l))
	}
	if record == "org" {
		if col := d.col("org", "industry"); col != "" {
			items = append(items, yq(col))
		}
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return "      tags: " + items[0] + "\n"
	}
	return "      tags: [" + strings.Join(items, ", ") + "]\n"
}

// googleGroups are the system groups of a Google Contacts export, which are
// not tags a user gave.
var googleGroups = []string{"myContacts", "starred", "My Contacts", "Starred"}

func (d *drafter) tagSource(l listCol) string {
	if d.cellsContain(l.col, ":::") {
		// Google Contacts: "* myContacts ::: Clients"; "* " marks system
		// groups, of which My Contacts and Starred are on every contact.
		var m []string
		for _, g := range googleGroups {
			m = append(m, yq(g)+": ''")
		}
		return fmt.Sprintf("{column: %s, split: \":::\", transform: [trim, {regex: ['^\\*\\s*', '']}], map: {%s}}", yq(l.col), strings.Join(m, ", "))
	}
	return fmt.Sprintf("{column: %s, split: %s}", yq(l.col), strconvQuote(l.split))
}

// dateFields writes the date custom fields of the person.
func (c *crmCols) dateFields(b *strings.Builder) {
	for _, l := range c.dates {
		var parts []string
		parts = append(parts, "column: "+yq(l.col))
		if l.blank != "" {
			parts = append(parts, fmt.Sprintf("transform: [trim, {regex: [%s, '']}]", yqSingle(l.blank)))
		}
		parts = append(parts, "type: date")
		if l.layout != "" {
			parts = append(parts, "format: "+yq(l.layout))
		}
		fmt.Fprintf(b, "        %s: {%s}   # custom field (date)\n", yq(l.name), strings.Join(parts, ", "))
	}
}

func yqSingle(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func item(mainKey, main, typ, service string) string {
	parts := []string{mainKey + ": " + main}
	if service != "" {
		parts = append(parts, "service: "+service)
	}
	if typ != "" {
		parts = append(parts, "type: "+typ)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func listLine(field string, items []string) string {
	if len(items) == 0 {
		return ""
	}
	return "      " + field + ": [" + strings.Join(items, ", ") + "]\n"
}

// cellsContain reports whether a sample cell of col contains s.
func (d *drafter) cellsContain(col, s string) bool {
	i, ok := d.header.Index(col)
	if !ok {
		return false
	}
	for _, r := range d.sample {
		if i < len(r.Values) && strings.Contains(r.Values[i].Text(), s) {
			return true
		}
	}
	return false
}

// distinct lists the sample's distinct non-blank values of col in order of
// first appearance.
func (d *drafter) distinct(col string) []string {
	i, ok := d.header.Index(col)
	if col == "" || !ok {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range d.sample {
		if i >= len(r.Values) {
			continue
		}
		v := strings.TrimSpace(r.Values[i].Text())
		if v != "" && !seen[strings.ToLower(v)] {
			seen[strings.ToLower(v)] = true
			out = append(out, v)
		}
	}
	return out
}

var (
	monthNameDate = regexp.MustCompile(`^(\d{1,2})([ ./-])(\p{L}{3,9})\.?([ ./-])(\d{4})$`)
	nameFirstDate = regexp.MustCompile(`^(\p{L}{3,9})\.? (\d{1,2}), (\d{4})$`)
)

// dateShape is the Go layout of one date cell ("" when it is not a date
// written with a month name or as numbers d/m/y), and whether the day
// comes first for sure (a day over 12) or the month does.
func dateShape(s string) (layout string, dayFirstSure, monthFirstSure bool) {
	if m := monthNameDate.FindStringSubmatch(s); m != nil {
		name := "Jan"
		if len(m[3]) > 3 {
			name = "January"
		}
		if monthOf(m[3]) == 0 {
			return "", false, false
		}
		return "2" + m[2] + name + m[4] + "2006", false, false
	}
	if m := nameFirstDate.FindStringSubmatch(s); m != nil && monthOf(m[1]) != 0 {
		name := "Jan"
		if len(m[1]) > 3 {
			name = "January"
		}
		return name + " 2, 2006", false, false
	}
	m := dayFirst.FindStringSubmatch(s)
	if m == nil {
		return "", false, false
	}
	sep := string(s[len(m[1])])
	return "2" + sep + "1" + sep + "2006", atoi(m[1]) > 12, atoi(m[2]) > 12
}

// noDate is Outlook's cell for a date not set.
var noDate = regexp.MustCompile(`^0+/0+/0+$`)

var monthNames = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func monthOf(s string) int {
	s = strings.ToLower(s)
	for i, m := range monthNames {
		if strings.HasPrefix(s, m) && (len(s) == 3 || strings.HasPrefix(strings.ToLower(monthLong[i]), s)) {
			return i + 1
		}
	}
	return 0
}

var monthLong = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// columnLayout guesses the layout of one date column, and a pattern of its
// cells that mean "no date": Outlook writes 0/0/00, Google --03-16 for a
// birthday without a year (which Capsule cannot store as a date).
func (d *drafter) columnLayout(col string) (layout, blank string) {
	i, ok := d.header.Index(col)
	if !ok {
		return "", ""
	}
	var blanks []string
	var cells []string
	for _, r := range d.sample {
		if i >= len(r.Values) {
			continue
		}
		s := strings.TrimSpace(r.Values[i].Text())
		switch {
		case s == "":
		case noDate.MatchString(s):
			if !contains(blanks, `0+/0+/0+`) {
				blanks = append(blanks, `0+/0+/0+`)
			}
		case strings.HasPrefix(s, "--"):
			if !contains(blanks, `--.*`) {
				blanks = append(blanks, `--.*`)
			}
		default:
			cells = append(cells, s)
		}
	}
	if len(blanks) > 0 {
		blank = "^(" + strings.Join(blanks, "|") + ")$"
	}
	return guessLayout(cells, d.monthFirst), blank
}

// guessLayout is the layout most of the cells are written in ("" for ISO
// dates and when nothing tells).
func guessLayout(cells []string, monthFirst bool) string {
	votes := map[string]int{}
	df, mf := false, false
	for _, s := range cells {
		l, a, b := dateShape(s)
		if l == "" {
			continue
		}
		votes[l]++
		df, mf = df || a, mf || b
	}
	best := ""
	for l, n := range votes {
		if n > votes[best] || (n == votes[best] && l < best) {
			best = l
		}
	}
	if best == "" {
		return ""
	}
	if len(best) > 3 && best[0] == '2' && best[2] == '1' && ((mf && !df) || (monthFirst && !df)) {
		sep := best[1:2] // month first: 3/16/1980
		return "1" + sep + "2" + sep + "2006"
	}
	return best
}

// statusLike reports whether a status column holds open/won/lost.
func statusLike(values []string) bool {
	n := 0
	for _, v := range values {
		switch strings.ToLower(v) {
		case "won", "lost", "open", "deleted", "closed won", "closed lost":
			n++
		}
	}
	return n > 0 && n == len(values)
}

// closingMilestone is the Capsule milestone a stage or status name ends
// on: Won or Lost ("" for an open stage).
func closingMilestone(v string) string {
	l := strings.ToLower(v)
	switch {
	case strings.Contains(l, "won") || l == "closedwon":
		return "Won"
	case strings.Contains(l, "lost"):
		return "Lost"
	}
	return ""
}
