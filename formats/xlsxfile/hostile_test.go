package xlsxfile

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

// part writes one zip entry's content.
type part func(w io.Writer) error

func text(s string) part {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func parts(ps ...part) part {
	return func(w io.Writer) error {
		for _, p := range ps {
			if err := p(w); err != nil {
				return err
			}
		}
		return nil
	}
}

// repeat writes s n times, streamed: a huge part costs the test little
// memory and, deflated, little disk.
func repeat(s string, n int) part {
	return func(w io.Writer) error {
		chunk := []byte(strings.Repeat(s, max(1, (64<<10)/len(s))))
		per := len(chunk) / len(s)
		for n > 0 {
			k := min(n, per)
			if _, err := w.Write(chunk[:k*len(s)]); err != nil {
				return err
			}
			n -= k
		}
		return nil
	}
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C6"/><sheetData>`
	sheetTail = `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
)

// hostileXLSX writes a workbook with one sheet "Contacts" (an export of
// contacts as a CRM writes it, with shared strings and a date style) whose
// sheet and shared strings parts are given.
func hostileXLSX(t testing.TB, sheet, sst part) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "contacts-export.xlsx")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	all := []struct {
		name string
		body part
	}{
		{"[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`)},
		{"_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)},
		{"xl/styles.xml", text(`<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`)},
		{"xl/sharedStrings.xml", sst},
		{"xl/worksheets/sheet1.xml", sheet},
	}
	for _, e := range all {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.body(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// contactsSST: the header names and two people, as shared strings.
var contactsSST = text(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">` +
	`<si><t>Full Name</t></si><si><t>Email Address</t></si><si><t>Created Date</t></si><si><t>Zoë Müller</t></si><si><r><rPr><b/></rPr><t>zoe@example.de</t></r><rPh sb="0" eb="1"><t>ゾエ</t></rPh></si></sst>`)

// contactRow is data row n (2-based) of the contacts sheet.
func contactRow(n int) string {
	return fmt.Sprintf(`<row r="%d" spans="1:3"><c r="A%d" t="inlineStr"><is><t>Person %d</t></is></c><c r="B%d" t="inlineStr"><is><t>p%d@example.com</t></is></c><c r="C%d" s="1"><v>45%03d</v></c></row>`, n, n, n, n, n, n, n)
}

const contactHeader = `<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`

// readAllErr reads to the end and returns the rows read and the error that
// stopped reading (nil at a proper end).
func readAllErr(t *testing.T, path string, opts ...Option) (int, error) {
	t.Helper()
	r, err := Open(path, opts...)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

func wantDamaged(t *testing.T, err error, rows, wantRows int, where ...string) {
	t.Helper()
	var pe *formats.ParseError
	if !errors.Is(err, ErrDamaged) || !errors.Is(err, ErrNotXLSX) || !errors.As(err, &pe) {
		t.Fatalf("err = %v (after %d rows), want a ParseError wrapping ErrDamaged", err, rows)
	}
	for _, w := range where {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("err = %v, want it to name %s", err, w)
		}
	}
	if rows != wantRows {
		t.Errorf("%d rows read before the error, want %d", rows, wantRows)
	}
}

// TestBrokenSheetIsAnError: a defect in row 4 of 6 stops reading with an
// error naming the sheet, row (and column), never a quiet "2 rows".
func TestBrokenSheetIsAnError(t *testing.T) {
	row4 := map[string]string{
		"undefined entity": `<row r="4"><c r="A4" t="inlineStr"><is><t>Fran&ccedil;ois</t></is></c></row>`,
		"bad end tag":      `<row r="4"><c r="A4" t="inlineStr"><is><t>Bo</t></is></c><c r="B4"><v>1</x></c></row>`,
		"unclosed tag":     `<row r="4"><c r="A4" t="inlineStr"><is><t>Bo</t></is></c><c r="B4"<v>1</v></c></row>`,
		"stray ampersand":  `<row r="4"><c r="A4" t="inlineStr"><is><t>Smith & Sons</t></is></c></row>`,
		"end tag of row":   `<row r="4"><c r="A4" t="inlineStr"><is><t>Bo</t></is></c></sheetData>`,
		"huge attribute":   `<row r="4"><c r="A4" x14ac:dyDescent="` + strings.Repeat("0", 3<<20) + `"><v>1</v></c></row>`,
		"nested too deep":  `<row r="4"><c r="A4">` + strings.Repeat("<x>", 100) + `</c></row>`,
		"invalid UTF-8":    "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>M\xfcller</t></is></c></row>",
	}
	for name, bad := range row4 {
		t.Run(name, func(t *testing.T) {
			p := hostileXLSX(t, text(sheetHead+contactHeader+contactRow(2)+contactRow(3)+bad+contactRow(5)+contactRow(6)+sheetTail), contactsSST)
			n, err := readAllErr(t, p)
			wantDamaged(t, err, n, 2, `sheet "Contacts"`, "row 4", "contacts-export.xlsx")
		})
	}
}

// TestCutOffSheetIsAnError: a sheet part that ends mid-row (a truncated
// export) or before </sheetData> is an error with the row reached.
func TestCutOffSheetIsAnError(t *testing.T) {
	full := sheetHead + contactHeader + contactRow(2) + contactRow(3) + contactRow(4) + contactRow(5) + contactRow(6) + sheetTail
	for _, cut := range []string{contactRow(5)[:40], contactRow(5)[:len(contactRow(5))-10], contactRow(5)} {
		t.Run(fmt.Sprint(len(cut)), func(t *testing.T) {
			at := strings.Index(full, contactRow(5)) + len(cut)
			n, err := readAllErr(t, hostileXLSX(t, text(full[:at]), contactsSST))
			wantRows := 3
			if cut == contactRow(5) {
				wantRows = 4 // row 5 is whole; the end is missing after it
			}
			wantDamaged(t, err, n, wantRows, `sheet "Contacts"`, "cut off")
			if cut != contactRow(5) && !strings.Contains(err.Error(), "row 5") {
				t.Errorf("err = %v, want row 5", err)
			}
		})
	}
	t.Run("whole", func(t *testing.T) {
		n, err := readAllErr(t, hostileXLSX(t, text(full), contactsSST))
		if err != nil || n != 5 {
			t.Fatalf("read %d rows, err %v; want 5 rows", n, err)
		}
	})
}

// TestTruncatedFileIsAnError: the zip itself cut short (a download that
// stopped) is refused or stops with an error, never read as complete.
func TestTruncatedFileIsAnError(t *testing.T) {
	rows := []string{sheetHead, contactHeader}
	for i := 2; i < 3000; i++ {
		rows = append(rows, contactRow(i))
	}
	p := hostileXLSX(t, text(strings.Join(rows, "")+sheetTail), contactsSST)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []int{len(data) - 10, len(data) / 2, len(data) - 200} {
		q := filepath.Join(t.TempDir(), "cut.xlsx")
		if err := os.WriteFile(q, data[:keep], 0o644); err != nil {
			t.Fatal(err)
		}
		n, err := readAllErr(t, q)
		if err == nil {
			t.Errorf("cut at %d of %d bytes: %d rows read and no error", keep, len(data), n)
		}
	}
}

// TestHugeCellIsAnError: a cell past Excel's 32,767 characters is an error
// naming sheet, row and column, found without holding the cell.
func TestHugeCellIsAnError(t *testing.T) {
	cells := map[string]part{
		"inline string": parts(text(`<row r="3"><c r="B3" t="inlineStr"><is><t>`), repeat("x", 40<<20), text(`</t></is></c></row>`)),
		"value":         parts(text(`<row r="3"><c r="B3" t="str"><f>A3</f><v>`), repeat("ab", 20<<20), text(`</v></c></row>`)),
		"rich text":     parts(text(`<row r="3"><c r="B3" t="inlineStr"><is><r><t>`), repeat("y", 20000), text(`</t></r><r><t>`), repeat("z", 20000), text(`</t></r></is></c></row>`)),
		"entities":      parts(text(`<row r="3"><c r="B3" t="inlineStr"><is><t>`), repeat("&amp;", 40000), text(`</t></is></c></row>`)),
	}
	for name, cell := range cells {
		t.Run(name, func(t *testing.T) {
			p := hostileXLSX(t, parts(text(sheetHead+contactHeader+contactRow(2)), cell, text(contactRow(4)+sheetTail)), contactsSST)
			n, err := readAllErr(t, p)
			wantDamaged(t, err, n, 1, `sheet "Contacts"`, "row 3", `column "B"`, "32767 characters")
		})
	}
	t.Run("at the limit", func(t *testing.T) {
		p := hostileXLSX(t, parts(text(sheetHead+contactHeader+`<row r="2"><c r="A2" t="inlineStr"><is><t>`), repeat("é", MaxCellChars), text(`</t></is></c></row>`+sheetTail)), contactsSST)
		r, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		rec, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.Values[0].String(); got != strings.Repeat("é", MaxCellChars) {
			t.Errorf("got %d characters, want %d", len([]rune(got)), MaxCellChars)
		}
	})
}

// TestBlankRunsCostNothing: hundreds of megabytes of blanks between rows,
// in a row or in a cell's XML are skipped, and the rows after them read.
func TestBlankRunsCostNothing(t *testing.T) {
	runs := map[string]part{
		"between rows":        parts(text(contactRow(2)), repeat("\n      ", 30<<20), text(contactRow(3))),
		"between cells":       parts(text(`<row r="2"><c r="A2" t="inlineStr"><is><t>Al</t></is></c>`), repeat(" ", 200<<20), text(`<c r="B2"><v>7</v></c></row>`+contactRow(3))),
		"empty rows":          parts(text(contactRow(2)), repeat(`<row/>`, 1000000), text(contactRow(1000100))),
		"empty styled cells":  parts(text(`<row r="2">`), repeat(`<c s="1"/>`, 16000), text(`</row>`+contactRow(3)+contactRow(4))),
		"comments":            parts(text(contactRow(2)+`<!--`), repeat("-- ", 10<<20), text(`-->`+contactRow(3))),
		"after the last cell": parts(text(contactRow(2)+contactRow(3)), repeat("\t", 100<<20)),
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			p := hostileXLSX(t, parts(text(sheetHead+contactHeader), run, text(sheetTail)), contactsSST)
			n, err := readAllErr(t, p)
			if err != nil || n != 2 {
				t.Fatalf("read %d rows, err %v; want 2 rows", n, err)
			}
		})
	}
}

// TestSharedStrings: a table beyond the memory budget is spilled to a
// temporary file and read back exactly; a broken one is an error naming
// the item; Close removes the spill.
func TestSharedStrings(t *testing.T) {
	const n = 200000
	sst := parts(text(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+
		`<si><t>Full Name</t></si><si><t>Email Address</t></si><si><t>Created Date</t></si>`),
		func(w io.Writer) error {
			for i := 3; i < n; i++ {
				if _, err := fmt.Fprintf(w, `<si><t xml:space="preserve">Kontakt %d &amp; Söhne _x000D_ </t></si>`, i); err != nil {
					return err
				}
			}
			return nil
		}, text(`</sst>`))
	sheet := sheetHead + contactHeader + `<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>199999</v></c></row>` +
		`<row r="3"><c r="A3" t="s"><v>100000</v></c></row>` + sheetTail
	for _, limits := range [][2]int{{SharedStringsMemory, maxMemIndex}, {1 << 20, maxMemIndex}, {1 << 20, 1000}} {
		budget := limits[0]
		t.Run(fmt.Sprint(limits), func(t *testing.T) {
			oldBudget, oldIndex := sstBudget, maxMemIndex
			sstBudget, maxMemIndex = limits[0], limits[1]
			defer func() { sstBudget, maxMemIndex = oldBudget, oldIndex }()
			r, err := Open(hostileXLSX(t, text(sheet), sst))
			if err != nil {
				t.Fatal(err)
			}
			spilled := r.sst.data != nil
			if spilled != (budget < SharedStringsMemory) {
				t.Errorf("spilled = %v with a budget of %d", spilled, budget)
			}
			got, _ := readAll(t, r)
			want := [][]string{{"Kontakt 3 & Söhne \r ", "Kontakt 199999 & Söhne \r "}, {"Kontakt 100000 & Söhne \r ", ""}}
			for i := range want {
				for j := range want[i] {
					if s := got[i][j].String(); s != want[i][j] {
						t.Errorf("row %d col %d = %q, want %q", i+2, j, s, want[i][j])
					}
				}
			}
			if indexed := r.sst.index != nil; indexed != (limits[1] < n) {
				t.Errorf("index spilled = %v with %d strings and room for %d", indexed, n, limits[1])
			}
			var tmp []string
			for _, f := range r.sst.files() {
				tmp = append(tmp, f.Name())
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			for _, f := range tmp {
				if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("temporary file %s left behind (%v)", f, err)
				}
			}
		})
	}
	bad := map[string]part{
		"undefined entity": text(`<sst><si><t>Full Name</t></si><si><t>Caf&eacute;</t></si></sst>`),
		"cut off":          text(`<sst><si><t>Full Name</t></si><si><t>Caf`),
		"huge item":        parts(text(`<sst><si><t>Full Name</t></si><si><t>`), repeat("z", 50<<20), text(`</t></si></sst>`)),
	}
	for name, sst := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := readAllErr(t, hostileXLSX(t, text(sheet), sst))
			if !errors.Is(err, ErrNotXLSX) || !strings.Contains(err.Error(), "shared strings") || !strings.Contains(err.Error(), "item 2") {
				t.Fatalf("err = %v, want ErrNotXLSX naming the shared strings item 2", err)
			}
		})
	}
	t.Run("index out of range", func(t *testing.T) {
		p := hostileXLSX(t, text(sheetHead+contactHeader+`<row r="2"><c r="A2" t="s"><v>7</v></c></row>`+sheetTail), contactsSST)
		n, err := readAllErr(t, p)
		wantDamaged(t, err, n, 0, "row 2", `column "A"`, "shared string 7")
	})
}

// TestReadStopsOnCancel: a cancelled context stops a read inside a huge
// blank run or shared strings table with the context's error.
func TestReadStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := hostileXLSX(t, parts(text(sheetHead+contactHeader+contactRow(2)), repeat(" ", 100<<20), text(contactRow(3)+sheetTail)), contactsSST)
	r, err := Open(p, WithContext(ctx), WithHeaderRow(1))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cancel()
	if _, err := r.Read(); err != nil {
		t.Fatalf("row 2 was read before the cancel: %v", err)
	}
	if _, err := r.Read(); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	big := parts(text(`<sst><si><t>Full Name</t></si>`), repeat(`<si><t>x</t></si>`, 10<<20), text(`</sst>`))
	if _, err := Open(hostileXLSX(t, text(sheetHead+contactHeader+sheetTail), big), WithContext(ctx)); !errors.Is(err, context.Canceled) {
		t.Fatalf("open err = %v, want context.Canceled", err)
	}
}
