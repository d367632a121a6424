package xlsxfile

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// cellType is what a cell's t attribute says it holds. excelize's streaming
// Rows.Columns returns only text, so a text cell "01234" or "123" and a
// number cell 123 look alike there; the type is read here, from the same
// sheet XML, streamed beside excelize's cursor.
type cellType byte

const (
	typeNone   cellType = 0   // no cell at that column
	typeNumber cellType = 'n' // no t, or t="n": a number, typed by its number format
	typeString cellType = 's' // t="s", "inlineStr" or "str" (a formula's text result)
	typeBool   cellType = 'b'
	typeError  cellType = 'e'
	typeDate   cellType = 'd' // t="d": ISO 8601 text (Strict files)
)

func parseCellType(t string) cellType {
	switch t {
	case "", "n":
		return typeNumber
	case "s", "inlineStr", "str":
		return typeString
	case "b":
		return typeBool
	case "e":
		return typeError
	case "d":
		return typeDate
	}
	return typeString // an unknown type: keep its text as it is
}

// typeScanner streams one sheet's XML, keeping only each cell's type. It
// reads only start tags of rows and cells, so it costs one decompression
// and a tokenizer pass, much less than excelize's value cursor.
type typeScanner struct {
	zr      *zip.ReadCloser
	rc      io.ReadCloser
	dec     *xml.Decoder
	inData  bool
	lastRow int        // row number of the last <row> read
	pending int        // row number of a row read ahead, 0 when none
	types   []cellType // cell types of the pending row, by column index
	done    bool
}

// openTypeScanner finds the sheet's part through the workbook's
// relationships (the way excelize does) and starts streaming it.
func openTypeScanner(file, sheet string) (*typeScanner, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	part, err := sheetPart(&zr.Reader, sheet)
	if err != nil {
		zr.Close()
		return nil, err
	}
	zf := findPart(&zr.Reader, part)
	if zf == nil {
		zr.Close()
		return nil, fmt.Errorf("the workbook has no part %q for sheet %q", part, sheet)
	}
	rc, err := zf.Open()
	if err != nil {
		zr.Close()
		return nil, err
	}
	return &typeScanner{zr: zr, rc: rc, dec: xml.NewDecoder(rc)}, nil
}

func (s *typeScanner) Close() error {
	if s == nil || s.zr == nil {
		return nil
	}
	err := errors.Join(s.rc.Close(), s.zr.Close())
	s.zr = nil
	return err
}

// row returns the cell types of spreadsheet row n; rows must be asked for
// in increasing order. A row not in the XML (an empty row) gives nil.
func (s *typeScanner) row(n int) ([]cellType, error) {
	for {
		if s.pending == n {
			s.pending = 0
			return s.types, nil
		}
		if s.pending > n || s.done {
			return nil, nil
		}
		if err := s.next(); err != nil {
			return nil, err
		}
	}
}

// next reads the next <row> into pending and types.
func (s *typeScanner) next() error {
	s.pending, s.types = 0, nil // a fresh slice: rows read ahead are buffered
	col := 0
	inRow := false
	for {
		tok, err := s.dec.RawToken()
		if err == io.EOF {
			s.done = true
			return nil
		}
		if err != nil {
			return err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch {
			case el.Name.Local == "sheetData":
				s.inData = true
			case !s.inData:
			case el.Name.Local == "row" && !inRow:
				inRow, col = true, 0
				s.lastRow++
				if v := attr(el.Attr, "r"); v != "" {
					if r, err := strconv.Atoi(v); err == nil && r > 0 {
						s.lastRow = r
					}
				}
			case el.Name.Local == "c" && inRow:
				col++
				if ref := attr(el.Attr, "r"); ref != "" {
					if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
						col = c
					}
				}
				for len(s.types) < col {
					s.types = append(s.types, typeNone)
				}
				s.types[col-1] = parseCellType(attr(el.Attr, "t"))
			}
		case xml.EndElement:
			switch {
			case el.Name.Local == "row" && inRow:
				s.pending = s.lastRow
				return nil
			case el.Name.Local == "sheetData":
				s.done = true
				return nil
			}
		}
	}
}

func attr(attrs []xml.Attr, name string) string {
	for _, a := range attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// findPart looks a part up by name, allowing backslashes and another case
// as excelize does.
func findPart(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f
		}
	}
	return nil
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbookSheets struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		IDs  string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

func decodePart(zr *zip.Reader, name string, v any) error {
	zf := findPart(zr, name)
	if zf == nil {
		return fmt.Errorf("the workbook has no part %q", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// sheetPart resolves a sheet name to its worksheet part: _rels/.rels names
// the workbook, whose relationships name each sheet's part.
func sheetPart(zr *zip.Reader, sheet string) (string, error) {
	wbPath := "xl/workbook.xml"
	var root xmlRels
	if err := decodePart(zr, "_rels/.rels", &root); err == nil {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	var wb xmlWorkbookSheets
	if err := decodePart(zr, wbPath, &wb); err != nil {
		return "", err
	}
	dir := path.Dir(wbPath)
	var rels xmlRels
	if err := decodePart(zr, strings.TrimPrefix(dir+"/_rels/"+path.Base(wbPath)+".rels", "./"), &rels); err != nil {
		return "", err
	}
	for _, sh := range wb.Sheets {
		if !strings.EqualFold(sh.Name, sheet) {
			continue
		}
		id := sh.ID
		if id == "" {
			id = sh.IDs
		}
		for _, r := range rels.Rels {
			if r.ID != id {
				continue
			}
			target := strings.ReplaceAll(r.Target, "\\", "/")
			if strings.HasPrefix(target, "/") {
				return strings.TrimPrefix(path.Clean(target), "/"), nil
			}
			return strings.TrimPrefix(path.Clean(dir+"/"+target), "/"), nil
		}
	}
	return "", fmt.Errorf("no worksheet part for sheet %q", sheet)
}
