package xlsxfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/xuri/excelize/v2"
)

// build writes a workbook made by fill into dir and returns its path.
func build(t testing.TB, name string, fill func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	fill(f)
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func set(t *testing.T, f *excelize.File, sheet string, cells map[string]any) {
	t.Helper()
	for c, v := range cells {
		if err := f.SetCellValue(sheet, c, v); err != nil {
			t.Fatal(err)
		}
	}
}

func readAll(t *testing.T, r *Reader) ([][]formats.Value, []int) {
	t.Helper()
	var rows [][]formats.Value
	var nums []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nums
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, append([]formats.Value(nil), rec.Values...))
		nums = append(nums, rec.Pos.Row)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestReadTyped(t *testing.T) {
	tests := []struct {
		name      string
		fill      func(t *testing.T, f *excelize.File)
		opts      []Option
		header    string
		headerRow int
		want      [][]formats.Value
		rows      []int
	}{
		{
			name: "typed cells on row 1",
			fill: func(t *testing.T, f *excelize.File) {
				set(t, f, "Sheet1", map[string]any{"A1": "name", "B1": "n", "C1": "x", "D1": "ok", "E1": "zip",
					"A2": "Zoë", "B2": 42, "C2": 2.5, "D2": true, "E2": "007"})
			},
			header: "name|n|x|ok|zip", headerRow: 1,
			want: [][]formats.Value{{formats.StringValue("Zoë"), formats.IntValue(42), formats.FloatValue(2.5), formats.BoolValue(true), formats.StringValue("007")}},
			rows: []int{2},
		},
		{
			name: "title rows above the header are skipped",
			fill: func(t *testing.T, f *excelize.File) {
				set(t, f, "Sheet1", map[string]any{"A1": "Contacts export", "A2": "May 2024",
					"A4": "name", "B4": "city", "C4": "n", "A5": "Al", "B5": "Bonn", "C5": 1, "A7": "Bo", "B7": "Ulm", "C7": 2})
			},
			header: "name|city|n", headerRow: 4,
			want: [][]formats.Value{{formats.StringValue("Al"), formats.StringValue("Bonn"), formats.IntValue(1)}, {formats.StringValue("Bo"), formats.StringValue("Ulm"), formats.IntValue(2)}},
			rows: []int{5, 7},
		},
		{
			name: "header row override",
			fill: func(t *testing.T, f *excelize.File) {
				set(t, f, "Sheet1", map[string]any{"A1": "a", "B1": "b", "A2": "c", "B2": "d", "A3": 1, "B3": 2})
			},
			opts:   []Option{WithHeaderRow(2)},
			header: "c|d", headerRow: 2,
			want: [][]formats.Value{{formats.IntValue(1), formats.IntValue(2)}},
			rows: []int{3},
		},
		{
			name: "dates in the 1900 system",
			fill: func(t *testing.T, f *excelize.File) {
				set(t, f, "Sheet1", map[string]any{"A1": "d", "B1": "ts", "A2": day(2024, 2, 29), "B2": time.Date(2024, 3, 1, 13, 30, 0, 0, time.UTC)})
			},
			header: "d|ts", headerRow: 1,
			want: [][]formats.Value{{formats.DateValue(day(2024, 2, 29)), formats.TimestampValue(time.Date(2024, 3, 1, 13, 30, 0, 0, time.UTC))}},
			rows: []int{2},
		},
		{
			name: "dates in the 1904 system",
			fill: func(t *testing.T, f *excelize.File) {
				yes := true
				if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
					t.Fatal(err)
				}
				st, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
				set(t, f, "Sheet1", map[string]any{"A1": "d", "A2": 0, "A3": 1461})
				f.SetCellStyle("Sheet1", "A2", "A3", st)
			},
			header: "d", headerRow: 1,
			want: [][]formats.Value{{formats.DateValue(day(1904, 1, 1))}, {formats.DateValue(day(1908, 1, 1))}},
			rows: []int{2, 3},
		},
		{
			// excelize marks every formula it writes t="str" (a text
			// result), so its cached 5 is text; Excel-written numeric
			// formulas have no t and read as numbers (TestReadCellTypesXML).
			name: "formula cached values",
			fill: func(t *testing.T, f *excelize.File) {
				set(t, f, "Sheet1", map[string]any{"A1": "a", "B1": "sum", "A2": 2, "B2": 5})
				if err := f.SetCellFormula("Sheet1", "B2", "A2+3"); err != nil {
					t.Fatal(err)
				}
			},
			header: "a|sum", headerRow: 1,
			want: [][]formats.Value{{formats.IntValue(2), formats.StringValue("5")}},
			rows: []int{2},
		},
		{
			name: "cover sheet passed over when no sheet is asked for",
			fill: func(t *testing.T, f *excelize.File) {
				f.SetSheetName("Sheet1", "Übersicht")
				f.NewSheet("Kontakte")
				set(t, f, "Übersicht", map[string]any{"A1": "Kontakte Q3, nur intern"})
				set(t, f, "Kontakte", map[string]any{"A1": "Liste", "A3": "Vorname", "B3": "Geburtsdatum", "A4": "Jürgen", "B4": day(1980, 4, 3)})
				style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
				f.SetCellStyle("Kontakte", "B4", "B4", style)
			},
			header: "Vorname|Geburtsdatum", headerRow: 3,
			want: [][]formats.Value{{formats.StringValue("Jürgen"), formats.DateValue(day(1980, 4, 3))}},
			rows: []int{4},
		},
		{
			name: "no sheet with data: the first",
			fill: func(t *testing.T, f *excelize.File) {
				f.NewSheet("Other")
				set(t, f, "Sheet1", map[string]any{"A1": "first"})
				set(t, f, "Other", map[string]any{"A1": "second"})
			},
			header: "first", headerRow: 1,
		},
		{
			name: "second sheet by name and by position",
			fill: func(t *testing.T, f *excelize.File) {
				f.NewSheet("Deals")
				set(t, f, "Sheet1", map[string]any{"A1": "x", "A2": "wrong"})
				set(t, f, "Deals", map[string]any{"A1": "deal", "A2": "Big one"})
			},
			opts:   []Option{WithSheet("2")},
			header: "deal", headerRow: 1,
			want: [][]formats.Value{{formats.StringValue("Big one")}},
			rows: []int{2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, "in.xlsx", func(f *excelize.File) { tt.fill(t, f) })
			r, err := Open(p, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := strings.Join(r.Header().Names(), "|"); got != tt.header {
				t.Errorf("header = %q, want %q", got, tt.header)
			}
			if r.Info().HeaderRow != tt.headerRow {
				t.Errorf("header row = %d, want %d", r.Info().HeaderRow, tt.headerRow)
			}
			got, rows := readAll(t, r)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d rows %v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if rows[i] != tt.rows[i] {
					t.Errorf("row %d numbered %d, want %d", i, rows[i], tt.rows[i])
				}
				for j := range got[i] {
					if !got[i][j].Equal(tt.want[i][j]) {
						t.Errorf("row %d col %d = %v (%s), want %v (%s)", i, j, got[i][j], got[i][j].Kind(), tt.want[i][j], tt.want[i][j].Kind())
					}
				}
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	raw := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	ole := append(append([]byte{}, oleMagic...), make([]byte, 504)...)
	tests := []struct {
		name    string
		path    string
		opts    []Option
		wantErr error
		wantIn  string
	}{
		{"old xls", raw("old.xlsx", ole), nil, ErrOldXLS, "save it as .xlsx"},
		{"encrypted", raw("secret.xlsx", append(append([]byte{}, ole...), encryptedName...)), nil, ErrEncrypted, "remove the password"},
		{"csv renamed", raw("fake.xlsx", []byte("a,b\n1,2\n")), nil, ErrNotXLSX, "fake.xlsx"},
		{"truncated zip", raw("cut.xlsx", []byte("PK\x03\x04garbage")), nil, ErrNotXLSX, "cut.xlsx"},
		{"missing sheet names existing ones", build(t, "two.xlsx", func(f *excelize.File) { f.NewSheet("Deals") }), []Option{WithSheet("People")}, ErrSheetMissing, `"Sheet1", "Deals"`},
		{"unzip limit", build(t, "big.xlsx", func(f *excelize.File) { set(t, f, "Sheet1", map[string]any{"A1": "x"}) }), []Option{WithUnzipLimits(1000, 1000)}, formats.ErrTooLarge, "limit is 1000"},
		{"duplicate header", build(t, "dup.xlsx", func(f *excelize.File) { set(t, f, "Sheet1", map[string]any{"A1": "x", "B1": "X"}) }), nil, formats.ErrDuplicateHeader, `row 1, column "B"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(tt.path, tt.opts...)
			if err == nil {
				r.Close()
			}
			var pe *formats.ParseError
			if !errors.Is(err, tt.wantErr) || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantIn)
			}
		})
	}
}
