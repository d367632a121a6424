package generate

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A person's and a company's details, drawn once and then written in the
// shape of each export. Phone numbers use ranges reserved for fiction or
// documentation where the country has one (UK 020 7946 0xxx, 07700 900xxx;
// US 555-01xx) so no real subscriber is ever dialled from a demo.
type person struct {
	first, last string
	email       string // canonical, lower case
	phone       string // local format of the country
	mobile      string
	jobTitle    string
}

type company struct {
	name     string
	domain   string
	country  string // the name a user would type: "United Kingdom", "USA", "Deutschland"...
	region   string // ISO code of the phone numbering plan
	city     string
	state    string
	street   string
	zip      string
	industry string
	staff    int
}

type locale struct {
	region  string
	first   []string
	last    []string
	cities  [][3]string // city, state or region, postcode
	streets []string
	country []string // spellings seen in real files
	suffix  []string // company legal forms
	phone   func(r *rand.Rand) string
	mobile  func(r *rand.Rand) string
	titles  []string
}

var industries = []string{"Software", "Manufacturing", "Retail", "Logistics", "Healthcare", "Finance", "Education", "Energy", "Media", "Construction"}

var companyStems = []string{"Northwind", "Bluefin", "Cobalt", "Harbour", "Juniper", "Keystone", "Lumen", "Meridian",
	"Oakridge", "Pinnacle", "Quartz", "Redwood", "Silverline", "Tidewater", "Umbra", "Vantage", "Willow", "Zephyr",
	"Alder", "Brightwater", "Cedar", "Driftwood", "Ember", "Fjord", "Granite", "Hollow", "Ironbark", "Kestrel",
	"Larkspur", "Mosaic", "Nimbus", "Orchard", "Peregrine", "Riverstone", "Saffron", "Thornbury", "Upland", "Verdant"}

var companyKinds = []string{"Analytics", "Foods", "Logistics", "Systems", "Health", "Partners", "Labs", "Energy", "Media", "Works", "Retail", "Capital"}

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

var locales = map[string]locale{
	"US": {
		region: "US",
		first:  []string{"Maria", "James", "Olivia", "Ethan", "Sophia", "Liam", "Ava", "Noah", "Mia", "Lucas", "Harper", "Mason", "Ella", "Logan", "Grace", "Caleb", "Chloe", "Owen", "Zoe", "Isaac"},
		last:   []string{"Garcia", "Smith", "Johnson", "Brown", "Davis", "Miller", "Wilson", "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Lopez", "Clark", "Lewis", "Young"},
		cities: [][3]string{{"San Francisco", "CA", "94105"}, {"Austin", "TX", "78701"}, {"Boston", "MA", "02110"}, {"Chicago", "IL", "60601"},
			{"Seattle", "WA", "98101"}, {"Denver", "CO", "80202"}, {"New York", "NY", "10001"}, {"Atlanta", "GA", "30303"}},
		streets: []string{"Market Street", "Main Street", "Congress Avenue", "Pike Street", "Peachtree Street", "Broadway"},
		country: []string{"United States", "United States", "United States", "USA", "US"},
		suffix:  []string{"Inc.", "LLC", "Corp."},
		// The same US number as people type it: (415) 555-0132, 415-555-0132, 415.555.0132, +1 415 555 0132.
		phone: func(r *rand.Rand) string {
			area := []string{"415", "512", "617", "312", "206", "303", "212", "404"}[r.IntN(8)]
			line := "01" + digits(r, 2)
			switch r.IntN(4) {
			case 0:
				return fmt.Sprintf("(%s) 555-%s", area, line)
			case 1:
				return fmt.Sprintf("%s-555-%s", area, line)
			case 2:
				return fmt.Sprintf("%s.555.%s", area, line)
			}
			return fmt.Sprintf("+1 %s 555 %s", area, line)
		},
		mobile: func(r *rand.Rand) string { return fmt.Sprintf("(%d) 555-01%s", 201+r.IntN(700), digits(r, 2)) },
		titles: []string{"VP Operations", "Head of Marketing", "CTO", "Account Executive", "Office Manager", "Data Analyst", "Procurement Lead", "CEO", "Product Manager", ""},
	},
	"GB": {
		region:  "GB",
		first:   []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Poppy", "Jack", "Freya", "Charlie", "Ruby", "Alfie", "Evie", "Thomas", "Millie", "Arthur", "Rosie"},
		last:    []string{"Jones", "Williams", "Taylor", "Davies", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Edwards", "Green", "Hall", "Wood", "Clarke", "Patel"},
		cities:  [][3]string{{"London", "", "EC1A 1BB"}, {"Manchester", "", "M1 1AE"}, {"Leeds", "", "LS1 4AP"}, {"Bristol", "", "BS1 4DJ"}, {"Edinburgh", "", "EH1 1YZ"}, {"Cardiff", "", "CF10 1EP"}},
		streets: []string{"High Street", "Station Road", "Church Lane", "Victoria Road", "King Street", "Mill Lane"},
		country: []string{"United Kingdom", "United Kingdom", "UK", "England", "GB"},
		suffix:  []string{"Ltd", "Ltd", "plc", "LLP"},
		phone: func(r *rand.Rand) string {
			if r.IntN(3) == 0 {
				return "+44 20 7946 0" + digits(r, 3)
			}
			return "020 7946 0" + digits(r, 3)
		},
		mobile: func(r *rand.Rand) string { return "07700 900" + digits(r, 3) },
		titles: []string{"Managing Director", "Head of Customer Experience", "Operations Manager", "Finance Director", "IT Manager", "Buyer", "Marketing Executive", ""},
	},
	"DE": {
		region:  "DE",
		first:   []string{"Jürgen", "Anna", "Lukas", "Lena", "Felix", "Sophie", "Jonas", "Marie", "Maximilian", "Hannah", "Paul", "Leonie", "Tobias", "Katrin", "Stefan", "Sabine"},
		last:    []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"},
		cities:  [][3]string{{"Berlin", "", "10115"}, {"München", "", "80331"}, {"Hamburg", "", "20095"}, {"Köln", "", "50667"}, {"Frankfurt am Main", "", "60311"}, {"Stuttgart", "", "70173"}},
		streets: []string{"Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße", "Goethestraße", "Lindenallee"},
		country: []string{"Deutschland", "Deutschland", "Germany", "DE"},
		suffix:  []string{"GmbH", "GmbH", "AG", "KG"},
		phone: func(r *rand.Rand) string {
			area := []string{"030", "089", "040", "0221", "069", "0711"}[r.IntN(6)]
			switch r.IntN(3) {
			case 0:
				return fmt.Sprintf("+49 (0)%s %s", area[1:], digits(r, 7))
			case 1:
				return fmt.Sprintf("%s/%s", area, digits(r, 7))
			}
			return fmt.Sprintf("%s %s", area, digits(r, 7))
		},
		mobile: func(r *rand.Rand) string {
			return fmt.Sprintf("%s %s", []string{"0151", "0160", "0171", "0176"}[r.IntN(4)], digits(r, 8))
		},
		titles: []string{"Geschäftsführer", "Einkaufsleiterin", "Vertriebsleiter", "IT-Leiter", "Projektmanagerin", "Assistenz der Geschäftsführung", ""},
	},
	"FR": {
		region:  "FR",
		first:   []string{"Camille", "Louis", "Léa", "Hugo", "Chloé", "Jules", "Manon", "Gabriel", "Inès", "Arthur", "Juliette", "Raphaël", "Élodie", "Théo"},
		last:    []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Girard"},
		cities:  [][3]string{{"Paris", "", "75002"}, {"Lyon", "", "69002"}, {"Marseille", "", "13001"}, {"Toulouse", "", "31000"}, {"Nantes", "", "44000"}, {"Lille", "", "59000"}},
		streets: []string{"rue de la République", "avenue Victor Hugo", "boulevard Haussmann", "rue Nationale", "place Bellecour"},
		country: []string{"France", "France", "FR"},
		suffix:  []string{"SA", "SAS", "SARL"},
		phone: func(r *rand.Rand) string {
			d := fmt.Sprintf("0%d %s %s %s %s", 1+r.IntN(5), digits(r, 2), digits(r, 2), digits(r, 2), digits(r, 2))
			if r.IntN(3) == 0 {
				return "+33 " + d[1:]
			}
			return d
		},
		mobile: func(r *rand.Rand) string {
			return fmt.Sprintf("0%d %s %s %s %s", 6+r.IntN(2), digits(r, 2), digits(r, 2), digits(r, 2), digits(r, 2))
		},
		titles: []string{"Directrice commerciale", "Responsable achats", "Directeur général", "Chef de projet", "Responsable marketing", ""},
	},
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// world draws the companies and people every sample shares, so the same
// organisation appears in several files (as in a real migration) and the
// importer's matching has something to do.
type world struct {
	r         *rand.Rand
	companies map[string][]*company // by region
	usedNames map[string]bool
	usedMail  map[string]bool
}

func newWorld(r *rand.Rand) *world {
	w := &world{r: r, companies: map[string][]*company{}, usedNames: map[string]bool{}, usedMail: map[string]bool{}}
	stems := append([]string(nil), companyStems...)
	r.Shuffle(len(stems), func(i, j int) { stems[i], stems[j] = stems[j], stems[i] })
	i := 0
	for _, reg := range []string{"US", "GB", "DE", "FR"} {
		n := map[string]int{"US": 12, "GB": 10, "DE": 8, "FR": 6}[reg]
		for range n {
			w.companies[reg] = append(w.companies[reg], w.newCompany(reg, stems[i%len(stems)], i/len(stems)))
			i++
		}
	}
	return w
}

func (w *world) newCompany(reg, stem string, round int) *company {
	l := locales[reg]
	r := w.r
	kind := pick(r, companyKinds)
	name := stem + " " + kind
	if round > 0 || w.usedNames[name] {
		name = stem + " " + kind + " " + pick(r, []string{"Group", "International", "Holdings"})
	}
	w.usedNames[name] = true
	city := pick(r, l.cities)
	tld := map[string]string{"US": "example.com", "GB": "example.co.uk", "DE": "example.de", "FR": "example.fr"}[reg]
	return &company{
		name:     name + " " + pick(r, l.suffix),
		domain:   strings.ToLower(stem+"-"+kind) + "." + tld,
		country:  pick(r, l.country),
		region:   reg,
		city:     city[0],
		state:    city[1],
		zip:      city[2],
		street:   streetAddress(reg, 1+r.IntN(120), pick(r, l.streets)),
		industry: pick(r, industries),
		staff:    []int{8, 25, 60, 140, 320, 900, 2400}[r.IntN(7)],
	}
}

// newPerson makes a person working at c (or, without c, with a free-mail
// address), unique by email across every sample.
func (w *world) newPerson(reg string, c *company) person {
	l := locales[reg]
	r := w.r
	for {
		p := person{first: pick(r, l.first), last: pick(r, l.last), jobTitle: pick(r, l.titles)}
		local := asciiFold(strings.ToLower(p.first + "." + p.last))
		domain := "mail.example.net"
		if c != nil {
			domain = c.domain
		}
		p.email = local + "@" + domain
		if w.usedMail[p.email] {
			continue
		}
		w.usedMail[p.email] = true
		p.phone = l.phone(r)
		if r.IntN(2) == 0 {
			p.mobile = l.mobile(r)
		}
		return p
	}
}

// asciiFold spells a name for an email address the way people do.
func asciiFold(s string) string {
	rep := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "é", "e", "è", "e", "ë", "e", "ï", "i", "ç", "c", "'", "")
	return rep.Replace(s)
}

// messyEmail writes an address as people leave them in spreadsheets: some in
// capitals, some with spaces around.
func messyEmail(r *rand.Rand, e string) string {
	switch r.IntN(6) {
	case 0:
		return strings.ToUpper(e[:1]) + e[1:]
	case 1:
		return " " + e
	case 2:
		at := strings.IndexByte(e, '@')
		return strings.ToUpper(e[:1]) + e[1:at+1] + strings.ToUpper(e[at+1:at+2]) + e[at+2:] + " "
	}
	return e
}

// streetAddress puts the house number where the country writes it.
func streetAddress(reg string, n int, street string) string {
	if reg == "DE" {
		return fmt.Sprintf("%s %d", street, n)
	}
	return fmt.Sprintf("%d %s", n, street)
}
