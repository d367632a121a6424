package mappings

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/capsule-etl/capsule-etl/formats"
)

type transformInfo struct {
	minArgs, maxArgs int
	usage            string
}

// transformSpecs lists every transform a mapping may name.
var transformSpecs = map[string]transformInfo{
	"trim":    {0, 0, "trim"},
	"lower":   {0, 0, "lower"},
	"upper":   {0, 0, "upper"},
	"title":   {0, 0, "title"},
	"squash":  {0, 0, "squash (collapses runs of spaces)"},
	"digits":  {0, 0, "digits (keeps only 0-9)"},
	"unguard": {0, 0, "unguard (removes the ' a CSV export put before =, +, -, @)"},
	"email":   {0, 0, "email"},
	"phone":   {0, 1, "phone, or {phone: GB} for the default region"},
	"url":     {0, 0, "url"},
	"country": {0, 0, "country"},
	"replace": {2, 2, `{replace: [old, new]}`},
	"regex":   {2, 2, `{regex: ["(\\d+)-(\\d+)", "$1$2"]}`},
	"split":   {1, 1, `{split: ","}`},
	"join":    {1, 1, `{join: ", "}`},
	"default": {1, 1, `{default: Unknown}`},
}

// step is a compiled transform applied to one text value.
type step struct {
	name   string
	apply  func(string) (string, error)
	split  string // for split steps
	join   string // for join steps
	isList int    // 1 split, 2 join
	// phone steps: the region numbers without a country code are read in
	// (a row's country comes first), whether the mapping's field set it
	// (regionSet) and whether it is init's guess (guessed).
	phone     bool
	region    string
	regionSet bool
	guessed   bool
}

var errBlank = errors.New("blank")

func compileStep(t TransformSpec, region string, countries *countryTable) step {
	s := step{name: t.Name}
	switch t.Name {
	case "trim":
		s.apply = func(v string) (string, error) { return strings.TrimSpace(v), nil }
	case "unguard":
		// capsule-etl's CSV writer puts a ' before text a spreadsheet would
		// run as a formula; reading such a file back takes it off again.
		s.apply = func(v string) (string, error) { return formats.Unguard(v), nil }
	case "lower":
		s.apply = func(v string) (string, error) { return strings.ToLower(v), nil }
	case "upper":
		s.apply = func(v string) (string, error) { return strings.ToUpper(v), nil }
	case "title":
		s.apply = func(v string) (string, error) { return titleCase(v), nil }
	case "squash":
		s.apply = func(v string) (string, error) { return strings.Join(strings.Fields(v), " "), nil }
	case "digits":
		s.apply = func(v string) (string, error) {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, v), nil
		}
	case "email":
		s.apply = normEmail
	case "phone":
		r := region
		if len(t.Args) == 1 {
			r = strings.ToUpper(t.Args[0])
			s.regionSet = true
		}
		s.phone, s.region = true, r
		s.apply = func(v string) (string, error) { return normPhone(v, r) }
	case "url":
		s.apply = normURL
	case "country":
		s.apply = countries.normalise
	case "replace":
		old, repl := t.Args[0], t.Args[1]
		s.apply = func(v string) (string, error) { return strings.ReplaceAll(v, old, repl), nil }
	case "regex":
		re := regexp.MustCompile(t.Args[0]) // checked by the parser
		repl := t.Args[1]
		s.apply = func(v string) (string, error) { return re.ReplaceAllString(v, repl), nil }
	case "split":
		s.isList, s.split = 1, t.Args[0]
	case "join":
		s.isList, s.join = 2, t.Args[0]
	case "default":
		d := t.Args[0]
		s.apply = func(v string) (string, error) {
			if strings.TrimSpace(v) == "" {
				return d, nil
			}
			return v, nil
		}
	}
	return s
}

func titleCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := true
	for _, r := range s {
		if start {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		start = unicode.IsSpace(r) || r == '-' || r == '\''
	}
	return b.String()
}

// normEmail lower-cases and validates an address; "Name <a@b.c>" gives a@b.c.
func normEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil {
		return "", fmt.Errorf("%q is not an email address", v)
	}
	addr := strings.ToLower(a.Address)
	at := strings.LastIndexByte(addr, '@')
	if at < 1 || !strings.Contains(addr[at+1:], ".") {
		return "", fmt.Errorf("%q is not an email address (no domain)", v)
	}
	return addr, nil
}

// normPhone formats a number as E.164, reading numbers without a country
// code in region.
func normPhone(v, region string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if region == "" {
		region = "ZZ"
	}
	n, err := phonenumbers.Parse(v, region)
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		if region == "ZZ" {
			return "", fmt.Errorf("%q is not a phone number with a country code; set defaults.phone_region", v)
		}
		return "", fmt.Errorf("%q is not a phone number (region %s)", v, region)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// phoneAsWritten formats a number as E.164 when that cannot move it to
// another country, and otherwise returns it as written (trimmed) with a
// warning: Capsule stores free-form numbers, and a wrong country is worse
// than a number left unformatted.
//   - With a +code (or 00 and a code) the code is kept.
//   - Without one the number is read in region (from says where the region
//     comes from) only when it is a valid number there; not when region is a
//     guess nobody confirmed.
func phoneAsWritten(v, region, from string, guessed bool) (string, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", ""
	}
	intl := v
	if strings.HasPrefix(v, "00") {
		intl = "+" + v[2:]
	}
	if strings.HasPrefix(intl, "+") {
		n, err := phonenumbers.Parse(compactPhone(intl), "ZZ")
		if err == nil && phonenumbers.IsPossibleNumber(n) && (intl == v || phonenumbers.IsValidNumber(n)) {
			return phonenumbers.Format(n, phonenumbers.E164), ""
		}
		if intl == v {
			return v, fmt.Sprintf("phone %q is not a number with a valid country code; kept as written", v)
		}
	}
	switch {
	case region == "":
		return v, fmt.Sprintf("phone %q has no country code and the mapping gives no region; kept as written "+
			"(set defaults.phone_region, map the address country, or write the number with its +code)", v)
	case guessed:
		return v, fmt.Sprintf("phone %q has no country code and phone_region %s is init's guess; kept as written "+
			"(check the region, then delete `phone_region_guessed` from the mapping)", v, region)
	}
	n, err := phonenumbers.Parse(compactPhone(v), region)
	if err == nil && (phonenumbers.IsValidNumberForRegion(n, region) || nationalForm(v, n, region)) {
		return phonenumbers.Format(n, phonenumbers.E164), ""
	}
	return v, fmt.Sprintf("phone %q is not a valid number in %s, %s; kept as written (if it is from another country, write it with its +code)",
		v, regionName(region), from)
}

// compactPhone drops the spaces and hyphens of a number written with
// nothing else but digits and a leading +: phonenumbers.Parse reads the
// same digits either way (no extension or letters can hide in such a
// string), but its extension pattern runs in time that grows with the
// string's length, and the separators make up a fifth of a typical number.
// Anything else is returned as is.
func compactPhone(s string) string {
	seps, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-':
			seps++
		case c == '+' && i == 0:
		default:
			return s
		}
	}
	// Below three digits phonenumbers tells "12" from "1-2"; no number
	// Capsule would take is that short, so those stay as written.
	if seps == 0 || digits < 3 {
		return s
	}
	b := make([]byte, 0, len(s)-seps)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '-' {
			b = append(b, c)
		}
	}
	return string(b)
}

// nationalForm reports a number written the way region writes its own
// numbers (its national prefix first, "0" in most of Europe) and of a
// length it allows, though not in a range known to be allocated, such as
// the UK's 07700 900xxx numbers kept for drama and documentation.
func nationalForm(v string, n *phonenumbers.PhoneNumber, region string) bool {
	prefix := phonenumbers.GetNddPrefixForRegion(region, true)
	if prefix == "" || !phonenumbers.IsPossibleNumber(n) {
		return false
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v)
	return strings.HasPrefix(digits, prefix) && phonenumbers.GetRegionCodeForNumber(n) == ""
}

// regionName is "Austria (AT)" for a region code Capsule has a name for.
func regionName(r string) string {
	t := countries()
	for name, code := range t.byName {
		if code == r {
			return name + " (" + r + ")"
		}
	}
	return r
}

// normURL makes sure a website has a scheme and a host.
func normURL(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || !strings.Contains(u.Host, ".") || strings.ContainsAny(u.Host, " ") {
		return "", fmt.Errorf("%q is not a web address", strings.TrimPrefix(v, "https://"))
	}
	return v, nil
}

func validRegion(r string) bool {
	return phonenumbers.GetSupportedRegions()[r]
}

// locales: how numbers are written. The key is the language part of a locale.
var locales = map[string]struct{ decimal, group rune }{
	"en": {'.', ','}, "ja": {'.', ','}, "zh": {'.', ','},
	"de": {',', '.'}, "es": {',', '.'}, "it": {',', '.'}, "nl": {',', '.'}, "pt": {',', '.'}, "da": {',', '.'},
	"fr": {',', ' '}, "sv": {',', ' '}, "nb": {',', ' '}, "fi": {',', ' '}, "pl": {',', ' '}, "cs": {',', ' '},
	"ch": {'.', '\''},
}

func localeNames() []string { return sortedKeys(locales) }

// parseNumber reads a number written in a locale into canonical decimal
// text ("-1234.5"). Currency signs and spaces around it are ignored.
func parseNumber(s, locale string) (string, error) {
	loc, ok := locales[locale]
	if !ok {
		loc = locales["en"]
	}
	orig := s
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Sc, r) || unicode.IsLetter(r)
	})
	if s == "" {
		return "", errBlank
	}
	var b strings.Builder
	seenDot, digits := false, 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case (r == '-' || r == '+') && i == 0:
			if r == '-' {
				b.WriteByte('-')
			}
		case r == loc.decimal && !seenDot:
			b.WriteByte('.')
			seenDot = true
		case r == loc.group || (loc.group == ' ' && (r == '\u00a0' || r == '\u202f')) || (loc.group == '.' && r == '\''):
			// grouping separator: dropped
		default:
			return "", fmt.Errorf("%q is not a number in locale %s (decimal %q, thousands %q)", orig, localeOr(locale), loc.decimal, loc.group)
		}
	}
	if digits == 0 {
		return "", fmt.Errorf("%q is not a number", orig)
	}
	out := b.String()
	if strings.HasSuffix(out, ".") {
		out = strings.TrimSuffix(out, ".")
	}
	return out, nil
}

func localeOr(l string) string {
	if l == "" {
		return "en"
	}
	return l
}

// firstRuneUpper reports whether s starts with an upper-case letter.
func firstRuneUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}
