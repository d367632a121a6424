package mappings

import (
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// Month and weekday names in the spreadsheet style become Go's names, so
// DD-MMM-YYYY reads 16-Mar-2024.
func TestSpreadsheetLayoutMonthNames(t *testing.T) {
	tests := []struct{ in, want, cell, date string }{
		{"DD-MMM-YYYY", "02-Jan-2006", "16-Mar-2024", "2024-03-16"},
		{"D MMMM YYYY", "2 January 2006", "5 September 2023", "2023-09-05"},
		{"dddd, DD MMM YYYY", "Monday, 02 Jan 2006", "Saturday, 16 Mar 2024", "2024-03-16"},
		{"MMM D, YYYY", "Jan 2, 2006", "Mar 16, 2024", "2024-03-16"},
		{"DD/MM/YYYY", "02/01/2006", "16/03/2024", "2024-03-16"},
		{"02-Jan-2006", "02-Jan-2006", "16-MAR-2024", "2024-03-16"},
	}
	for _, tt := range tests {
		got := spreadsheetLayout(tt.in)
		if got != tt.want {
			t.Errorf("spreadsheetLayout(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		d, err := parseTime(formats.StringValue(tt.cell), tt.cell, []string{got})
		if err != nil || d.Format("2006-01-02") != tt.date {
			t.Errorf("%q with %q: %v, %v; want %s", tt.cell, tt.in, d, err, tt.date)
		}
	}
}

// validate refuses a layout that reads one element twice, which would make
// every row's date fail (or read the wrong month) while the mapping "is valid".
func TestValidateCatchesBrokenDateLayouts(t *testing.T) {
	tests := []struct {
		layout string
		bad    string // "" when the layout is fine
	}{
		{"DD-MMM-YYYY", ""},
		{"02-Jan-2006", ""},
		{"2006-01-02T15:04:05Z07:00", ""},
		{"02.01.2006 15:04:05.000", ""},
		{"DD.MM.YYYY hh:mm", ""},
		{"1/2/2006", ""},
		{"02-011-2006", "reads the month 2 times"},
		{"DD/DD/YYYY", "reads the day 2 times"},
		{"YYYY-DD", "has a day but no month"},
		{"DD/MM", "has no year"},
	}
	for _, tt := range tests {
		for _, where := range []string{"defaults:\n  date_format: %q\n", ""} {
			src := "version: 1\n"
			field := "      fields: {Since: {column: Since, type: date}}\n"
			if where != "" {
				src += strings.ReplaceAll(where, "%q", `"`+tt.layout+`"`)
			} else {
				field = "      fields: {Since: {column: Since, type: date, format: \"" + tt.layout + "\"}}\n"
			}
			src += "records:\n  p:\n    entity: person\n    fields:\n      lastName: Name\n" + strings.Replace(field, "      fields", "      fields", 1)
			_, probs := Parse([]byte(src), "m.yaml")
			switch {
			case tt.bad == "" && probs.HasErrors():
				t.Errorf("%q refused: %v", tt.layout, probs)
			case tt.bad != "" && !strings.Contains(probs.Error(), tt.bad):
				t.Errorf("%q: problems %v, want %q", tt.layout, probs, tt.bad)
			}
		}
	}
}
