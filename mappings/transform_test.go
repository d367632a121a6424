package mappings

import (
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// TestValueShaping runs single fields through Eval to check each transform
// and type conversion as a user would write them.
func TestValueShaping(t *testing.T) {
	tests := []struct {
		name    string
		field   string // YAML of the field under an organisation's custom field "X"
		cell    formats.Value
		want    any
		wantErr string
	}{
		{"trim and title", "{column: C, transform: [trim, title]}", str("  jean-luc o'neil "), "Jean-Luc O'Neil", ""},
		{"unguard a guarded formula", "{column: C, transform: [unguard]}", str("'=SUM(A1)"), "=SUM(A1)", ""},
		{"unguard a guarded phone", "{column: C, transform: [unguard]}", str("'+44 20 7946 0000"), "+44 20 7946 0000", ""},
		{"unguard leaves other quotes", "{column: C, transform: [unguard]}", str("'tis"), "'tis", ""},
		{"squash and upper", "{column: C, transform: [squash, upper]}", str("a   b"), "A B", ""},
		{"replace", "{column: C, transform: [{replace: [Ltd., Limited]}]}", str("Acme Ltd."), "Acme Limited", ""},
		{"regex", `{column: C, transform: [{regex: ["^(\\d{3})(\\d+)$", "$1-$2"]}]}`, str("1234567"), "123-4567", ""},
		{"split and join", `{column: C, transform: [{split: ";"}, upper, {join: " / "}]}`, str("a; b;;c"), "A / B / C", ""},
		{"default", "{column: C, default: none}", formats.Value{}, "none", ""},
		{"lookup exact and case-insensitive", "{column: C, map: {Yes: Ja}}", str("yes"), "Ja", ""},
		{"lookup fallback", "{column: C, map: {a: b, _other: Z}}", str("q"), "Z", ""},
		{"lookup unmapped kept", "{column: C, map: {a: b}}", str("q"), "q", ""},
		{"lookup reject", "{column: C, map: {a: b}, reject_unmapped: true}", str("q"), nil, `"q" is not in the lookup table`},
		{"decimal german", "{column: C, type: decimal, locale: de}", str("1.234.567,89 €"), "1234567.89", ""},
		{"decimal french", "{column: C, type: number, locale: fr}", str("1 234,5"), "1234.5", ""},
		{"decimal english", "{column: C, type: number}", str("$1,234.50"), "1234.50", ""},
		{"decimal wrong locale", "{column: C, type: number, locale: de}", str("1,2,3"), nil, "is not a number in locale de"},
		{"integer", "{column: C, type: integer}", str("42.0"), "42", ""},
		{"integer fraction", "{column: C, type: integer}", str("4.5"), nil, "is not a whole number"},
		{"typed int cell", "{column: C, type: number}", formats.IntValue(7), "7", ""},
		{"date layout", "{column: C, type: date, format: DD/MM/YYYY}", str("03/02/2021"), "2021-02-03", ""},
		{"date go layout list", `{column: C, type: date, format: ["Jan 2, 2006", "2006/01/02"]}`, str("2021/02/03"), "2021-02-03", ""},
		{"date excel serial text", "{column: C, type: date}", str("44230"), "2021-02-03", ""},
		{"date excel serial number", "{column: C, type: date}", formats.FloatValue(44230.5), "2021-02-03", ""},
		{"date typed cell", "{column: C, type: date}", formats.DateValue(date(2020, 1, 2)), "2020-01-02", ""},
		{"date bad", "{column: C, type: date, format: DD/MM/YYYY}", str("31/31/2021"), nil, "is not a date in the format 02/01/2006"},
		{"timestamp", "{column: C, type: timestamp, format: \"DD.MM.YYYY hh:mm\"}", str("15.11.2026 14:30"), "2026-11-15T14:30:00Z", ""},
		{"boolean words", "{column: C, type: boolean}", str("Ja"), true, ""},
		{"boolean bad", "{column: C, type: boolean}", str("maybe"), nil, "is not yes/no"},
		{"email", "{column: C, transform: [email]}", str(" Anna <Anna.M@Example.COM> "), "anna.m@example.com", ""},
		{"email bad", "{column: C, transform: [email]}", str("anna at example"), nil, "is not an email address"},
		{"phone default region", "{column: C, transform: [phone]}", str("020 7946 0018"), "+442079460018", ""},
		{"phone explicit region", "{column: C, transform: [{phone: DE}]}", str("030 1234567"), "+49301234567", ""},
		{"phone international", "{column: C, transform: [phone]}", str("+1 (415) 555-0132"), "+14155550132", ""},
		{"phone that is no number is kept as written", "{column: C, transform: [phone]}", str("12"), "12", ""},
		{"url adds scheme", "{column: C, transform: [url]}", str("www.acme.example/path"), "https://www.acme.example/path", ""},
		{"url bad", "{column: C, transform: [url]}", str("not a url"), nil, "is not a web address"},
		{"country alias", "{column: C, transform: [country]}", str("Deutschland"), "Germany", ""},
		{"country code", "{column: C, transform: [country]}", str("us"), "United States", ""},
		{"country accents", "{column: C, transform: [country]}", str("COTE D'IVOIRE"), "Côte d’Ivoire", ""},
		{"country unknown", "{column: C, transform: [country]}", str("Atlantis"), nil, "is not a country Capsule knows"},
		{"expression", `{expr: "upper({C}) + '!'"}`, str("hi"), "HI!", ""},
		{"expression helper", `{expr: "number({C}, 'de') * 2"}`, str("1,5"), "3", ""},
		{"template", `{template: "<{C}>"}`, str("x"), "<x>", ""},
		{"constant", "{value: fixed}", str("ignored"), "fixed", ""},
		{"column by position", "{index: 1}", str("first"), "first", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "version: 1\ndefaults: {phone_region: GB}\nrecords:\n  o:\n    entity: organisation\n    fields:\n      name: {value: N}\n      fields:\n        X: " + tt.field + "\n"
			// A second, filled column: a row whose only cell is blank is a
			// blank row, skipped before any field is evaluated.
			h := formats.NewHeader([]string{"C", "Other"})
			p := mustCompile(t, src, h)
			ops, errs := p.Eval(&formats.Record{Header: h, Values: []formats.Value{tt.cell, str("filled")}})
			if tt.wantErr != "" {
				if len(errs) == 0 || !contains1(errs[0].Message, tt.wantErr) {
					t.Fatalf("errors = %v, want %q", errs, tt.wantErr)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			fs, _ := ops[0].Body["fields"].([]any)
			var got any
			if len(fs) > 0 {
				got = fs[0].(map[string]any)["value"]
			}
			if asText(got) != asText(tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}
