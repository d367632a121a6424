package sandbox

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

type country struct {
	alpha2, alpha3, name string
	cldrName             string // CLDR display name, also accepted on input
	numeric              int
}

// countryList is derived once from golang.org/x/text's ISO 3166 data; it is
// immutable after the first call, so sharing it is safe.
var countryList = sync.OnceValue(func() []country {
	var out []country
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || r.String() != code || r.Canonicalize().String() != code || !r.IsCountry() || r.IsPrivateUse() || reservedCodes[code] {
				continue
			}
			iso3, name := r.ISO3(), display.English.Regions().Name(r)
			if len(iso3) != 3 || iso3 == "ZZZ" || r.M49() <= 0 || r.M49() >= 900 || name == "" {
				continue
			}
			out = append(out, country{alpha2: code, alpha3: iso3, name: isoName(name), cldrName: name, numeric: r.M49()})
		}
	}
	slices.SortFunc(out, func(x, y country) int { return strings.Compare(x.name, y.name) })
	return out
})

// reservedCodes are CLDR regions that are not ISO 3166-1 countries.
var reservedCodes = map[string]bool{"AC": true, "CP": true, "DG": true, "EA": true, "IC": true, "TA": true, "XK": true, "EU": true, "EZ": true, "UN": true, "QO": true}

// isoName turns CLDR's short display style ("St. Kitts & Nevis") into the
// ISO 3166 style Capsule shows ("Saint Kitts and Nevis").
func isoName(cldr string) string {
	switch cldr {
	case "Congo - Brazzaville":
		return "Congo"
	case "Congo - Kinshasa":
		return "Democratic Republic of the Congo"
	case "Myanmar (Burma)":
		return "Myanmar"
	}
	n := strings.ReplaceAll(cldr, " & ", " and ")
	if rest, ok := strings.CutPrefix(n, "St. "); ok {
		n = "Saint " + rest
	}
	return n
}

// countryAliases maps common alternative names to the stored name.
var countryAliases = map[string]string{
	"usa": "United States", "us": "United States", "united states of america": "United States", "america": "United States",
	"uk": "United Kingdom", "great britain": "United Kingdom", "britain": "United Kingdom", "england": "United Kingdom",
	"scotland": "United Kingdom", "wales": "United Kingdom", "holland": "Netherlands", "the netherlands": "Netherlands",
	"south korea": "South Korea", "russia": "Russia", "czech republic": "Czechia",
}

// countryName resolves a written country (name, alias, alpha-2 or alpha-3,
// any case) to the name Capsule stores.
func countryName(s string) (string, bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	if a, found := countryAliases[k]; found {
		return a, true
	}
	for _, c := range countryList() {
		if strings.ToLower(c.name) == k || strings.ToLower(c.cldrName) == k || strings.ToLower(c.alpha2) == k || strings.ToLower(c.alpha3) == k {
			return c.name, true
		}
	}
	return "", false
}

func listCountries(c *call) response {
	out := make([]any, 0, 250)
	for _, ct := range countryList() {
		out = append(out, obj{}.add("alpha2Code", ct.alpha2).add("alpha3Code", ct.alpha3).add("numericCode", ct.numeric).add("name", ct.name))
	}
	return ok(obj{}.add("countries", out))
}

type currencyInfo struct{ code, symbol, name, plural string }

var currencies = []currencyInfo{
	{"AUD", "A$", "Australian Dollar", "Australian dollars"}, {"BRL", "R$", "Brazilian Real", "Brazilian reals"},
	{"CAD", "CA$", "Canadian Dollar", "Canadian dollars"}, {"CHF", "CHF", "Swiss Franc", "Swiss francs"},
	{"CNY", "CN¥", "Chinese Yuan", "Chinese yuan"}, {"CZK", "Kč", "Czech Koruna", "Czech korunas"},
	{"DKK", "kr", "Danish Krone", "Danish kroner"}, {"EUR", "€", "Euro", "euros"},
	{"GBP", "£", "British Pound", "British pounds"}, {"HKD", "HK$", "Hong Kong Dollar", "Hong Kong dollars"},
	{"INR", "₹", "Indian Rupee", "Indian rupees"}, {"JPY", "¥", "Japanese Yen", "Japanese yen"},
	{"MXN", "MX$", "Mexican Peso", "Mexican pesos"}, {"NOK", "kr", "Norwegian Krone", "Norwegian kroner"},
	{"NZD", "NZ$", "New Zealand Dollar", "New Zealand dollars"}, {"PLN", "zł", "Polish Zloty", "Polish zlotys"},
	{"SEK", "kr", "Swedish Krona", "Swedish kronor"}, {"SGD", "S$", "Singapore Dollar", "Singapore dollars"},
	{"USD", "$", "US Dollar", "US dollars"}, {"ZAR", "R", "South African Rand", "South African rand"},
}

func knownCurrency(code string) bool {
	for _, c := range currencies {
		if strings.EqualFold(c.code, code) {
			return true
		}
	}
	return false
}

func listCurrencies(c *call) response {
	out := make([]any, 0, len(currencies))
	for _, cu := range currencies {
		out = append(out, obj{}.add("code", cu.code).add("symbol", cu.symbol).add("name", cu.name).add("pluralName", cu.plural))
	}
	return ok(obj{}.add("currencies", out))
}
