package xlsxfile

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// FuzzReader: damaged workbooks give an error, never a panic.
func FuzzReader(f *testing.F) {
	seed := build(f, "seed.xlsx", func(x *excelize.File) {
		x.SetCellValue("Sheet1", "A1", "name")
		x.SetCellValue("Sheet1", "B1", "n")
		x.SetCellValue("Sheet1", "A2", "Zoë")
		x.SetCellValue("Sheet1", "B2", 3.5)
	})
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add(data[:len(data)-20])
	f.Add(append(append([]byte{}, oleMagic...), encryptedName...))
	f.Add([]byte("PK\x03\x04"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f.xlsx")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(p, WithUnzipLimits(16<<20, 8<<20))
		if err != nil {
			return
		}
		defer r.Close()
		for range 10000 {
			if _, err := r.Read(); err == io.EOF || err != nil {
				return
			}
		}
	})
}

// FuzzSheetXML: whatever the sheet XML, the scanner ends with rows or an
// error, never a panic, and never holds a cell past Excel's limit or a row
// past its last column.
func FuzzSheetXML(f *testing.F) {
	f.Add(sheetHead + contactHeader + contactRow(2) + sheetTail)
	f.Add(sheetHead + contactHeader + `<row r="3"><c r="B3" t="inlineStr"><is><r><t>a&amp;b</t></r><rPh><t>x</t></rPh></is></c></row>`)
	f.Add(sheetHead + `<row r="4"><c r="A4"><v>Fran&ccedil;ois</v></c></row>` + sheetTail)
	f.Add(sheetHead + `<row r="2"><c r="A2"><v>1</x></c></row>` + sheetTail)
	f.Add(sheetHead + `<row><c><v><![CDATA[<b>]]></v></c><!-- x --><c t="s"><v>0</v></c></row>`)
	f.Add("\xEF\xBB\xBF<worksheet><sheetData/></worksheet>")
	sst := &sharedStrings{}
	sst.add([]byte("Full Name"))
	f.Fuzz(func(t *testing.T, data string) {
		s := &sheetScanner{x: newXMLScanner(nil, strings.NewReader(data)), sst: sst, styles: []cellClass{classNumber, classDate}}
		for range 100000 {
			br, err := s.next()
			if err != nil {
				return
			}
			if len(br.raw) > 16384 || len(br.raw) != len(br.types) || len(br.raw) != len(br.cls) {
				t.Fatalf("row %d: %d cells, %d types, %d classes", br.row, len(br.raw), len(br.types), len(br.cls))
			}
			for _, c := range br.raw {
				if n := utf8.RuneCountInString(c); n > MaxCellChars {
					t.Fatalf("row %d: a cell of %d characters", br.row, n)
				}
			}
		}
	})
}

// FuzzSharedStrings: a shared strings part gives a table whose every item
// can be read back, or an error; never a panic or an item past the limit.
func FuzzSharedStrings(f *testing.F) {
	f.Add(`<sst><si><t>Full Name</t></si><si><r><t>a</t></r><r><t xml:space="preserve"> b</t></r></si><si/></sst>`)
	f.Add(`<sst><si><t>Caf&eacute;</t></si></sst>`)
	f.Add(`<sst><si><t>_x000D__x005F_x</t></si><si><t>Caf`)
	f.Add(`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&#x1F600;&#0;</t></si></sst>`)
	f.Add(fmt.Sprintf("<sst>%s</sst>", strings.Repeat("<si><t>Kontakt &amp; Söhne</t></si>", 50)))
	f.Fuzz(func(t *testing.T, data string) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("xl/sharedStrings.xml")
		w.Write([]byte(data))
		zw.Close()
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		oldBudget, oldIndex := sstBudget, maxMemIndex
		sstBudget, maxMemIndex = 64, 4 // spill text and index on anything but a tiny table
		defer func() { sstBudget, maxMemIndex = oldBudget, oldIndex }()
		tab, err := loadSharedStrings(context.Background(), zr, "xl/sharedStrings.xml")
		if err != nil {
			return
		}
		defer tab.Close()
		for i := range tab.Len() {
			s, err := tab.get(i)
			if err != nil {
				t.Fatalf("item %d of %d: %v", i, tab.Len(), err)
			}
			if n := utf8.RuneCountInString(s); n > MaxCellChars {
				t.Fatalf("item %d: %d characters", i, n)
			}
		}
		if _, err := tab.get(tab.Len()); err == nil {
			t.Fatal("an item past the end was read")
		}
	})
}
