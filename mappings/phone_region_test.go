package mappings

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// A hand-typed list of contacts in three cities. Only the Vienna number
// carries its +code.
var handTyped = [][]string{
	{"Lena", "Huber", "+43 1 555 0105", "Austria"},
	{"Sam", "Carter", "(212) 555-0106", "USA"},
	{"Julie", "Moreau", "01 44 55 01 07", "France"},
}

func phoneOf(op Op) string {
	l, _ := op.Body["phoneNumbers"].([]any)
	if len(l) == 0 {
		return ""
	}
	return scalarText(l[0].(map[string]any)["number"])
}

func evalHandTyped(t *testing.T, src string) (phones []string, warns [][]RowError) {
	t.Helper()
	h := formats.NewHeader([]string{"First", "Last", "Phone", "Country"})
	p := mustCompile(t, src, h)
	for _, r := range handTyped {
		rec := &formats.Record{Header: h}
		for _, c := range r {
			rec.Values = append(rec.Values, formats.StringValue(c))
		}
		ops, errs := p.Eval(rec)
		if len(errs) > 0 {
			t.Fatalf("row %v rejected: %v", r, errs)
		}
		var ws []RowError
		for _, op := range ops {
			if n := phoneOf(op); n != "" {
				phones = append(phones, n)
			}
			ws = append(ws, op.Warnings...)
		}
		warns = append(warns, ws)
	}
	return phones, warns
}

const personPhone = `records:
  person:
    entity: person
    fields:
      firstName: First
      lastName: Last
      phoneNumbers: [{number: Phone}]
`

// init guessed AT from the one number with a +code: the guess is never
// applied to the others, which are kept as written with a warning.
func TestGuessedRegionNeverMovesNumbers(t *testing.T) {
	phones, warns := evalHandTyped(t, "version: 1\ndefaults:\n  phone_region: AT\n  phone_region_guessed: true\n"+personPhone)
	want := []string{"+4315550105", "(212) 555-0106", "01 44 55 01 07"}
	if strings.Join(phones, "|") != strings.Join(want, "|") {
		t.Errorf("phones %q, want %q", phones, want)
	}
	if len(warns[0]) != 0 {
		t.Errorf("the +43 number warned: %v", warns[0])
	}
	for i := 1; i < 3; i++ {
		if len(warns[i]) != 1 || !strings.Contains(warns[i][0].Message, "guess") || warns[i][0].Column != "Phone" || warns[i][0].Record != "person" {
			t.Errorf("row %d warnings %v, want one about the guessed region on column Phone", i+2, warns[i])
		}
	}
}

// A confirmed region reads the numbers that are valid in it; a number that
// is not is kept as written with a warning, not given the region's code.
func TestConfirmedRegionKeepsWhatDoesNotFit(t *testing.T) {
	phones, warns := evalHandTyped(t, "version: 1\ndefaults:\n  phone_region: AT\n"+personPhone)
	if phones[1] != "(212) 555-0106" || len(warns[1]) != 1 || !strings.Contains(warns[1][0].Message, "not a valid number in Austria (AT)") {
		t.Errorf("New York number: %q %v", phones[1], warns[1])
	}
	for _, p := range phones {
		if strings.HasPrefix(p, "+43212") {
			t.Errorf("a New York number was given the Austrian code: %q", p)
		}
	}
}

// With the address country mapped, each number is read in its row's
// country, whatever the mapping's region; the country may be on another
// record of the row (the person's phone, the organisation's address).
func TestRowCountryDecidesTheRegion(t *testing.T) {
	want := "+4315550105|+12125550106|+33144550107"
	for name, src := range map[string]string{
		"own address": "version: 1\ndefaults: {phone_region: AT, phone_region_guessed: true}\n" + personPhone +
			"      addresses: [{country: Country}]\n",
		"organisation's address": `version: 1
defaults: {phone_region: GB}
records:
  company:
    entity: organisation
    fields:
      name: {template: "{Last} Ltd"}
      addresses: [{country: Country}]
` + strings.TrimPrefix(personPhone, "records:\n"),
	} {
		t.Run(name, func(t *testing.T) {
			phones, warns := evalHandTyped(t, src)
			if got := strings.Join(phones, "|"); got != want {
				t.Errorf("phones %s, want %s", got, want)
			}
			for i, w := range warns {
				if len(w) > 0 {
					t.Errorf("row %d warned: %v", i+2, w)
				}
			}
		})
	}
}

// Without any region a number without a +code is kept and warned about,
// never rejected.
func TestNoRegionKeepsNumbers(t *testing.T) {
	phones, warns := evalHandTyped(t, "version: 1\n"+personPhone)
	if phones[0] != "+4315550105" || phones[2] != "01 44 55 01 07" || len(warns[2]) != 1 || !strings.Contains(warns[2][0].Message, "no region") {
		t.Errorf("phones %q warnings %v", phones, warns)
	}
}
