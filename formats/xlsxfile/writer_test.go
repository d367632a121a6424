package xlsxfile

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/xuri/excelize/v2"
)

func TestWorkbookLayout(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out.xlsx")
	wb, err := NewWorkbook(p)
	if err != nil {
		t.Fatal(err)
	}
	people, err := wb.AddSheet("People", []string{"name", "born", "score"})
	if err != nil {
		t.Fatal(err)
	}
	people.Write([]formats.Value{formats.StringValue("=HYPERLINK(\"http://evil\")"), formats.DateValue(time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC)), formats.IntValue(7)})
	people.Write([]formats.Value{formats.StringValue("A much longer name than the header"), formats.Value{}, formats.FloatValue(1.5)})
	tags, _ := wb.AddSheet("Tags", []string{"tag"})
	tags.Write([]formats.Value{formats.StringValue("vip")})
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checks := []struct {
		name string
		ok   func() (bool, any)
	}{
		{"two sheets in order", func() (bool, any) {
			l := f.GetSheetList()
			return len(l) == 2 && l[0] == "People" && l[1] == "Tags", l
		}},
		{"formula-looking text is a plain string cell", func() (bool, any) {
			formula, _ := f.GetCellFormula("People", "A2")
			typ, _ := f.GetCellType("People", "A2")
			return formula == "" && typ != excelize.CellTypeFormula, []any{formula, typ}
		}},
		{"date cell has a date format", func() (bool, any) {
			v, _ := f.GetCellValue("People", "B2")
			return v == "2001-02-03", v
		}},
		{"number cell is a number", func() (bool, any) {
			typ, _ := f.GetCellType("People", "C2")
			return typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset, typ
		}},
		{"header is bold", func() (bool, any) {
			id, _ := f.GetCellStyle("People", "A1")
			st, _ := f.GetStyle(id)
			return st != nil && st.Font != nil && st.Font.Bold, id
		}},
		{"header row is frozen", func() (bool, any) {
			panes, _ := f.GetPanes("People")
			return panes.Freeze && panes.YSplit == 1, panes
		}},
		{"column widths fit the data", func() (bool, any) {
			w, _ := f.GetColWidth("People", "A")
			return w >= 30, w
		}},
		{"autofilter over the data", func() (bool, any) {
			tables, err := f.GetTables("People")
			return err == nil && len(tables) == 1 && tables[0].Range == "A1:C3", tables
		}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if ok, got := c.ok(); !ok {
				t.Errorf("got %v", got)
			}
		})
	}
}
