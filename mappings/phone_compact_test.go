package mappings

import (
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestCompactPhoneSameNumber: parsing a number without its spaces and
// hyphens gives what parsing it as written gives, for numbers written the
// ways exports write them and for random strings of digits, +, spaces and
// hyphens, in several regions and with none.
func TestCompactPhoneSameNumber(t *testing.T) {
	written := []string{
		"+44 20 7946 0042", "+44-20-7946-0042", "0044 20 7946 0042", "020 7946 0018", "07700 900123",
		"+49 30 901820", "030 901820", "+1 415-555-0132", "415 555 0132", "1-800-555-0199",
		"+39 06 6982 0000", "06 6982 0000", "+33 1 42 68 53 00", "01 42 68 53 00", "+353 1 234 5678",
		"+61 2 9374 4000", "+81 3-3224-9999", "+7 495 123-45-67", "+44  20  7946  0042 ", " - 123 - ",
		"+", "+ 1", "1 2 3", "12 3", "--", "+44 (0)20 7946 0042", "+44 20 7946 0042 ext 12",
	}
	r := rand.New(rand.NewPCG(1, 2))
	alpha := "0123456789 -"
	for range 3000 {
		b := []byte{}
		if r.IntN(2) == 0 {
			b = append(b, '+')
		}
		for range 2 + r.IntN(16) {
			b = append(b, alpha[r.IntN(len(alpha))])
		}
		written = append(written, string(b))
	}
	for _, v := range written {
		for _, region := range []string{"ZZ", "GB", "DE", "US", "IT", "NU"} {
			want, wantErr := parseE164(v, region)
			got, gotErr := parseE164(compactPhone(v), region)
			if got != want || (wantErr == nil) != (gotErr == nil) {
				t.Errorf("%q in %s: as written %q (%v), compacted %q gives %q (%v)", v, region, want, wantErr, compactPhone(v), got, gotErr)
			}
		}
	}
}

func parseE164(v, region string) (string, error) {
	n, err := phonenumbers.Parse(v, region)
	if err != nil {
		return "", err
	}
	return phonenumbers.Format(n, phonenumbers.E164) + "|" + phonenumbers.GetRegionCodeForNumber(n) +
		"|" + boolStr(phonenumbers.IsPossibleNumber(n)) + boolStr(phonenumbers.IsValidNumber(n)) +
		boolStr(phonenumbers.IsValidNumberForRegion(n, region)), nil
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func TestCompactPhoneKeepsOtherText(t *testing.T) {
	for v, want := range map[string]string{
		"+44 20 7946 0042":     "+442079460042",
		"020-7946-0018":        "02079460018",
		"+44 20 7946 0042 x12": "+44 20 7946 0042 x12",
		"(020) 7946 0018":      "(020) 7946 0018",
		"1 2":                  "1 2",
		"44 +20":               "44 +20",
	} {
		if got := compactPhone(v); got != want {
			t.Errorf("compactPhone(%q) = %q, want %q", v, got, want)
		}
	}
}

func BenchmarkPhoneAsWritten(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if out, warn := phoneAsWritten("+44 20 7946 0042", "GB", "phone_region GB", false); out != "+442079460042" || warn != "" {
			b.Fatal(out, warn)
		}
	}
}
