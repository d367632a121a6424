package mappings

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// countries.tsv holds the ISO 3166 countries as "Name<TAB>ISO2<TAB>ISO3"
// (English names in the form Capsule's /countries list uses), then aliases
// as "Alias<TAB>ISO2": other languages and common short forms.
//
//go:embed countries.tsv
var countriesTSV string

type countryTable struct {
	byKey  map[string]string // folded name, alias or code -> Capsule name
	byName map[string]string // Capsule name -> ISO2, for export
}

// countries is built once; it is read-only afterwards.
var countries = sync.OnceValue(func() *countryTable {
	t := &countryTable{byKey: map[string]string{}, byName: map[string]string{}}
	iso := map[string]string{}
	for _, line := range strings.Split(countriesTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) == 3 {
			if _, dup := iso[f[1]]; dup {
				continue
			}
			iso[f[1]] = f[0]
			t.byName[f[0]] = f[1]
			for _, k := range f {
				t.byKey[foldCountry(k)] = f[0]
			}
		} else if len(f) == 2 {
			if name, ok := iso[f[1]]; ok {
				t.byKey[foldCountry(f[0])] = name
			}
		}
	}
	return t
})

// foldCountry lower-cases, strips accents and punctuation so "Côte d'Ivoire",
// "cote divoire" and "CÔTE D’IVOIRE" meet.
func foldCountry(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func (t *countryTable) normalise(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	if name, ok := t.byKey[foldCountry(v)]; ok {
		return name, nil
	}
	return "", fmt.Errorf("%q is not a country Capsule knows; use its English name or ISO code, or map it with `map:`", v)
}
