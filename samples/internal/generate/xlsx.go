package generate

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// expoLeads writes a workbook like the one an events team hands over after
// a trade show: title lines above the header, real date cells in the UK
// style, UK numbers in local format, and a second sheet of companies.
func expoLeads(w *world, path string) error {
	r := w.r
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Leads"); err != nil {
		return err
	}
	if _, err := f.NewSheet("Companies"); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	ukDate := "dd/mm/yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &ukDate})
	if err != nil {
		return err
	}

	// Sheet "Leads": the header is on row 4.
	set := func(sheet, cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	set("Leads", "A1", "London CX Summit 2026 – lead list")
	set("Leads", "A2", "Exported "+exportDay.Format("02/01/2006")+" by the events team. Please do not edit the header row.")
	header := []any{"First name", "Surname", "Company", "Job title", "Email", "Phone", "Mobile", "Met on", "Follow up by", "Interest", "Notes"}
	if err == nil {
		err = f.SetSheetRow("Leads", "A4", &header)
	}
	notes := []string{"Asked for a demo of the reporting module", "Currently on a competitor, contract ends in March",
		"Wants pricing for 50 seats", "Met at the panel on customer journeys", "", "", ""}
	showDays := []time.Time{time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)}
	const leads = 70
	for i := range leads {
		c := w.someCompany("GB", 0)
		p := w.newPerson("GB", c)
		met := pick(r, showDays)
		follow := met.AddDate(0, 0, 7+r.IntN(21))
		row := []any{p.first, p.last, c.name, p.jobTitle, messyEmail(r, p.email), p.phone, p.mobile, met, follow,
			pick(r, []string{"Hot", "Warm", "Warm", "Cold"}), pick(r, notes)}
		if err == nil {
			err = f.SetSheetRow("Leads", fmt.Sprintf("A%d", 5+i), &row)
		}
	}
	if err == nil {
		err = f.SetCellStyle("Leads", "H5", fmt.Sprintf("I%d", 4+leads), date)
	}

	// Sheet "Companies": the header is on row 3.
	set("Companies", "A1", "Exhibitor and visitor companies")
	cheader := []any{"Company", "Website", "Industry", "Employees", "Street", "City", "Postcode", "Country"}
	if err == nil {
		err = f.SetSheetRow("Companies", "A3", &cheader)
	}
	for i, c := range w.companies["GB"] {
		row := []any{c.name, "https://www." + c.domain, c.industry, c.staff, c.street, c.city, c.zip, c.country}
		if err == nil {
			err = f.SetSheetRow("Companies", fmt.Sprintf("A%d", 4+i), &row)
		}
	}
	for _, st := range []struct {
		sheet, from, to string
		style           int
	}{{"Leads", "A1", "A1", title}, {"Leads", "A4", "K4", bold}, {"Companies", "A1", "A1", title}, {"Companies", "A3", "H3", bold}} {
		if err == nil {
			err = f.SetCellStyle(st.sheet, st.from, st.to, st.style)
		}
	}
	if err == nil {
		err = f.SetColWidth("Leads", "A", "K", 18)
	}
	if err != nil {
		return err
	}
	return f.SaveAs(path)
}
