// Package generate makes the sample data files of samples/ from a fixed
// seed: the same bytes on every run. cmd samples/gen calls Write; the
// samples tests compare its output with the committed files.
package generate

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
)

// The day the samples were "exported": every date in them is relative to
// it, never to the clock, so regenerating gives the same bytes.
var exportDay = time.Date(2026, time.November, 20, 0, 0, 0, 0, time.UTC)

// Files are the names of the files Write makes, in the order it makes them.
func Files() []string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.file
	}
	return names
}

var steps = []struct {
	file string
	make func(*world, string) error
}{
	{"hubspot-contacts.csv", hubspotContacts},
	{"kontakte-de.csv", kontakteDE},
	{"expo-leads.xlsx", expoLeads},
	{"pipedrive-deals.csv", pipedriveDeals},
	{"broken-rows.csv", brokenRows},
	{"salesforce-opportunities.parquet", salesforceOpportunities},
}

// Write writes every sample data file into dir, replacing existing ones.
func Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w := newWorld(rand.New(rand.NewPCG(2026, 8)))
	for _, s := range steps {
		if err := s.make(w, filepath.Join(dir, s.file)); err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		// Writers create private files; samples are meant to be read by anyone.
		if err := os.Chmod(filepath.Join(dir, s.file), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// table collects rows of text cells and writes them with files.Create.
type table struct {
	header []string
	rows   [][]formats.Value
	err    error // a cell of a type add does not know; reported by write
}

func (t *table) add(cells ...any) {
	row := make([]formats.Value, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case formats.Value:
			row[i] = v
		case string:
			if v != "" {
				row[i] = formats.StringValue(v)
			}
		case int:
			row[i] = formats.IntValue(int64(v))
		default:
			if t.err == nil {
				t.err = fmt.Errorf("row %d, column %q: cell of type %T", len(t.rows)+2, t.header[i], c)
			}
		}
	}
	t.rows = append(t.rows, row)
}

// write replaces path. Formula-looking text is kept as exported (a "+44"
// phone number is not a formula to a CRM export), as real files have it.
func (t *table) write(path string, opt files.WriteOptions) error {
	if t.err != nil {
		return t.err
	}
	opt.Overwrite, opt.NoFormulaGuard = true, true
	wr, err := files.Create(path, t.header, opt)
	if err != nil {
		return err
	}
	for _, r := range t.rows {
		if err := wr.Write(r); err != nil {
			wr.Close()
			return err
		}
	}
	return wr.Close()
}

// someCompany picks a company of the region, or none for about one in ten.
func (w *world) someCompany(reg string, noneOneIn int) *company {
	if noneOneIn > 0 && w.r.IntN(noneOneIn) == 0 {
		return nil
	}
	return pick(w.r, w.companies[reg])
}

func daysBefore(r *rand.Rand, max int) time.Time {
	return exportDay.AddDate(0, 0, -1-r.IntN(max))
}

func daysAfter(r *rand.Rand, max int) time.Time {
	return exportDay.AddDate(0, 0, 1+r.IntN(max))
}

// timeOfDay is a working-hours time to add to a date.
func timeOfDay(r *rand.Rand) time.Duration {
	return time.Duration(8+r.IntN(10))*time.Hour + time.Duration(r.IntN(4)*15)*time.Minute
}
