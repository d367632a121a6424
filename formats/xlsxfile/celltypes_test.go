package xlsxfile

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/xuri/excelize/v2"
)

// readOne opens path and returns its header and first data row.
func readOne(t *testing.T, path string) ([]string, []formats.Value) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	return r.Header().Names(), append([]formats.Value(nil), rec.Values...)
}

// textCases are text cells that look like numbers, booleans or dates: a
// text cell is read back exactly as stored, never as a number.
var textCases = []struct {
	name string
	text string
}{
	{"phone in E.164", "+49307654321"},
	{"zip with leading zero", "01234"},
	{"id with leading zeros", "007"},
	{"exponent", "1e5"},
	{"digits only", "123"},
	{"negative digits", "-42"},
	{"decimal", "2.50"},
	{"word true", "TRUE"},
	{"iso date", "2024-02-29"},
	{"padded digits", " 42 "},
}

// TestReadTextCellsStayText covers the bug where text cells holding digits
// read back as Int (and "1e5" as 100000): our own writer's inline strings
// and excelize's shared strings.
func TestReadTextCellsStayText(t *testing.T) {
	for _, tc := range textCases {
		t.Run("writer/"+tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "out.xlsx")
			w, err := Create(p, "", []string{"text", "n"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write([]formats.Value{formats.StringValue(tc.text), formats.IntValue(12)}); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			_, got := readOne(t, p)
			if want := formats.StringValue(tc.text); !got[0].Equal(want) {
				t.Errorf("text cell = %v (%s), want %q (string)", got[0], got[0].Kind(), tc.text)
			}
			if !got[1].Equal(formats.IntValue(12)) {
				t.Errorf("number cell = %v (%s), want 12 (int)", got[1], got[1].Kind())
			}
		})
		t.Run("excelize/"+tc.name, func(t *testing.T) {
			p := build(t, "in.xlsx", func(f *excelize.File) {
				set(t, f, "Sheet1", map[string]any{"A1": "text", "B1": "n", "A2": tc.text, "B2": 12})
			})
			_, got := readOne(t, p)
			if want := formats.StringValue(tc.text); !got[0].Equal(want) {
				t.Errorf("text cell = %v (%s), want %q (string)", got[0], got[0].Kind(), tc.text)
			}
		})
	}
}

// TestReadNumberCellsByFormat: number cells are typed by number format; a
// number formatted as text ("@") is still the number it holds.
func TestReadNumberCellsByFormat(t *testing.T) {
	tests := []struct {
		name  string
		value any
		fmtID int
		want  formats.Value
	}{
		{"whole number", 12, 0, formats.IntValue(12)},
		{"fraction", 2.5, 0, formats.FloatValue(2.5)},
		{"number formatted as text @ stays a number", 12, 49, formats.IntValue(12)},
		{"date format", 45351, 14, formats.DateValue(day(2024, 2, 29))},
		{"bool", true, 0, formats.BoolValue(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, "in.xlsx", func(f *excelize.File) {
				set(t, f, "Sheet1", map[string]any{"A1": "v", "B1": "w", "A2": tt.value, "B2": "x"})
				if tt.fmtID != 0 {
					st, err := f.NewStyle(&excelize.Style{NumFmt: tt.fmtID})
					if err != nil {
						t.Fatal(err)
					}
					f.SetCellStyle("Sheet1", "A2", "A2", st)
				}
			})
			_, got := readOne(t, p)
			if !got[0].Equal(tt.want) {
				t.Errorf("got %v (%s), want %v (%s)", got[0], got[0].Kind(), tt.want, tt.want.Kind())
			}
		})
	}
}

// writeXLSX zips a minimal workbook around sheet XML, for cell types
// excelize does not write itself (numeric formula results, errors, t="d").
func writeXLSX(t *testing.T, sheetData string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hand.xlsx")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml":       `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>head</t></si><si><t>00042</t></si></sst>`,
		"xl/worksheets/data.xml":     `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`,
	}
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return p
}

// TestReadCellTypesXML types cells from their XML type attribute.
func TestReadCellTypesXML(t *testing.T) {
	const header = `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>`
	tests := []struct {
		name    string
		cell    string // the A2 cell
		want    formats.Value
		wantErr string
	}{
		{"shared string of digits", `<c r="A2" t="s"><v>1</v></c>`, formats.StringValue("00042"), ""},
		{"inline string phone", `<c r="A2" t="inlineStr"><is><t>+49307654321</t></is></c>`, formats.StringValue("+49307654321"), ""},
		{"inline rich text of digits", `<c r="A2" t="inlineStr"><is><r><t>+49 30</t></r><r><t xml:space="preserve"> 76</t></r></is></c>`, formats.StringValue("+49 30 76"), ""},
		{"formula text result", `<c r="A2" t="str"><f>"0"&amp;B2</f><v>0123</v></c>`, formats.StringValue("0123"), ""},
		{"formula number result", `<c r="A2"><f>B2*2</f><v>4</v></c>`, formats.IntValue(4), ""},
		{"t=n number", `<c r="A2" t="n"><v>1.5E-3</v></c>`, formats.FloatValue(0.0015), ""},
		{"no t number", `<c r="A2"><v>49307654321</v></c>`, formats.IntValue(49307654321), ""},
		{"bool", `<c r="A2" t="b"><v>0</v></c>`, formats.BoolValue(false), ""},
		{"iso date t=d", `<c r="A2" t="d"><v>2024-02-29</v></c>`, formats.DateValue(day(2024, 2, 29)), ""},
		{"error cell", `<c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c>`, formats.Value{}, `row 2, column "head": the cell holds the Excel error #DIV/0!`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeXLSX(t, header+`<row r="2">`+tt.cell+`<c r="B2"><v>2</v></c></row>`)
			r, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			rec, err := r.Read()
			if tt.wantErr != "" {
				var pe *formats.ParseError
				if !errors.Is(err, ErrCellError) || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrCellError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.Values[0]; !got.Equal(tt.want) {
				t.Errorf("got %v (%s), want %v (%s)", got, got.Kind(), tt.want, tt.want.Kind())
			}
			if got := rec.Values[1]; !got.Equal(formats.IntValue(2)) {
				t.Errorf("B2 = %v (%s), want 2 (int)", got, got.Kind())
			}
		})
	}
}

// TestTypeScannerXMLShapes: the type cursor must stay aligned with
// excelize's rows whatever shape the sheet XML takes.
func TestTypeScannerXMLShapes(t *testing.T) {
	const h = `<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>`
	tests := []struct {
		name string
		data string
		want [][]formats.Value
	}{
		{"rows and cells without r", `<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row><row><c t="inlineStr"><is><t>12</t></is></c><c><v>12</v></c></row>`,
			[][]formats.Value{{formats.StringValue("12"), formats.IntValue(12)}}},
		{"gap rows and a self-closing row", h + `<row r="2"/><row r="5"><c r="B5" t="inlineStr"><is><t>7</t></is></c></row><row r="6"><c r="A6"><v>7</v></c></row>`,
			[][]formats.Value{{{}, formats.StringValue("7")}, {formats.IntValue(7), {}}}},
		{"comments, CDATA and a > in a quoted value", h + `<!-- <row r="2"><c r="A2"><v>1</v></c></row> --><row r="2" x14ac:dyDescent="a>b"><c r="A2" t="inlineStr"><is><t><![CDATA[<c r="A2">99</c>]]></t></is></c><c r="B2"><v>3</v></c></row>`,
			[][]formats.Value{{formats.StringValue(`<c r="A2">99</c>`), formats.IntValue(3)}}},
		{"spaces and single quotes in tags", h + `<row  r = '2' ><c r='A2'  t = 'inlineStr' ><is><t>0042</t></is></c ><c r='B2'><v>5</v></c></row >`,
			[][]formats.Value{{formats.StringValue("0042"), formats.IntValue(5)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(writeXLSX(t, tt.data))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, _ := readAll(t, r)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d rows %v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				for j := range got[i] {
					if !got[i][j].Equal(tt.want[i][j]) {
						t.Errorf("row %d col %d = %v (%s), want %v (%s)", i, j, got[i][j], got[i][j].Kind(), tt.want[i][j], tt.want[i][j].Kind())
					}
				}
			}
		})
	}
}

// TestTypeScannerMalformed: broken sheet XML is an error, never a panic
// and never a quiet end of the rows.
func TestTypeScannerMalformed(t *testing.T) {
	for _, data := range []string{`<row r="2"><c r="A2" <>`, `<row r="2"><c r="A2" t="s`, `<row r="2"><>`, `<row r="2"><c r="XFE2"><v>1</v></c></row>`,
		`<row r="2"><c r="A2"><v>1</v></c></row>`, `<row r="2"><c r="A2"><v>&nbsp;</v></c></row></sheetData>`, `<row r="2"><c r="A2"><v>1</x></c></row></sheetData>`} {
		t.Run(data, func(t *testing.T) {
			s := &sheetScanner{x: newXMLScanner(nil, strings.NewReader(`<worksheet><sheetData>`+data))}
			for {
				br, err := s.next()
				if err == io.EOF {
					t.Fatal("the rows ended without an error")
				}
				if err != nil {
					return
				}
				if len(br.raw) > 16384 {
					t.Fatalf("row 2 = %d cells, want an error or at most 16384", len(br.raw))
				}
			}
		})
	}
}
