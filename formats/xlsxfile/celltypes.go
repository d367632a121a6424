package xlsxfile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
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
// looks at the start tags of rows and cells and skips everything else
// without decoding it: an encoding/xml pass cost as much as excelize's own
// cursor, this one a fraction of it.
type typeScanner struct {
	zr      *zip.ReadCloser
	rc      io.ReadCloser
	br      *bufio.Reader
	tag     []byte // scratch for a tag longer than the read buffer
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
	return &typeScanner{zr: zr, rc: rc, br: bufio.NewReaderSize(rc, 64<<10)}, nil
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
		tag, err := s.nextTag()
		if err == io.EOF {
			s.done = true
			return nil
		}
		if err != nil {
			return err
		}
		if len(tag) == 0 {
			continue // "<>" is not XML; excelize's cursor reports it
		}
		end := tag[0] == '/'
		if end {
			tag = tag[1:]
		}
		b, attrs := splitTag(tag)
		name := string(b) // short-lived: compared only, which Go does without copying
		switch {
		case end && name == "row" && inRow:
			s.pending = s.lastRow
			return nil
		case end && name == "sheetData":
			s.done = true
			return nil
		case end:
		case name == "sheetData":
			s.inData = true
		case !s.inData:
		case name == "row" && !inRow:
			inRow, col = true, 0
			s.lastRow++
			if r := digits(attrValue(attrs, "r")); r > 0 {
				s.lastRow = r
			}
			if selfClosing(attrs) {
				s.pending = s.lastRow
				return nil
			}
		case name == "c" && inRow:
			col++
			if c := refColumn(attrValue(attrs, "r")); c > 0 {
				col = c
			}
			for len(s.types) < col {
				s.types = append(s.types, typeNone)
			}
			s.types[col-1] = parseCellType(string(attrValue(attrs, "t")))
		}
	}
}

// nextTag skips text and returns the next element tag's bytes between < and
// > (an end tag starting with /); comments, CDATA, declarations and
// processing instructions are skipped. The bytes are valid until the next call.
func (s *typeScanner) nextTag() ([]byte, error) {
	for {
		if err := s.skipPast("<"); err != nil {
			return nil, err
		}
		b, err := s.br.Peek(1)
		if err != nil {
			return nil, err
		}
		switch b[0] {
		case '?':
			if err := s.skipPast("?>"); err != nil {
				return nil, err
			}
			continue
		case '!':
			head, _ := s.br.Peek(8)
			switch {
			case bytes.HasPrefix(head, []byte("!--")):
				err = s.skipPast("-->")
			case bytes.HasPrefix(head, []byte("![CDATA[")):
				err = s.skipPast("]]>")
			default:
				err = s.skipPast(">")
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		return s.readTag()
	}
}

// skipPast reads up to and including the terminator.
func (s *typeScanner) skipPast(term string) error {
	if len(term) == 1 {
		for {
			_, err := s.br.ReadSlice(term[0])
			if err != bufio.ErrBufferFull {
				return err
			}
		}
	}
	// Comments, CDATA and processing instructions are rare in sheets: a
	// byte at a time, comparing the last bytes read with the terminator.
	var win [3]byte
	n := 0
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			return err
		}
		copy(win[:], win[1:])
		win[len(win)-1] = c
		n++
		if n >= len(term) && string(win[len(win)-len(term):]) == term {
			return nil
		}
	}
}

// readTag reads the rest of a tag up to its closing >, outside quotes.
func (s *typeScanner) readTag() ([]byte, error) {
	s.tag = s.tag[:0]
	for {
		chunk, err := s.br.ReadSlice('>')
		if err == bufio.ErrBufferFull {
			s.tag = append(s.tag, chunk...)
			continue
		}
		if err != nil {
			return nil, err
		}
		var tag []byte
		if len(s.tag) == 0 {
			tag = chunk
		} else {
			s.tag = append(s.tag, chunk...)
			tag = s.tag
		}
		if quotesBalanced(tag) {
			return tag[:len(tag)-1], nil
		}
		if len(s.tag) == 0 {
			s.tag = append(s.tag, chunk...) // a > inside a quoted value: read on
		}
	}
}

func quotesBalanced(b []byte) bool {
	var q byte
	for _, c := range b {
		switch {
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '"' || c == '\''):
			q = c
		}
	}
	return q == 0
}

// splitTag returns a tag's local name (without a namespace prefix) and the
// bytes of its attributes.
func splitTag(tag []byte) ([]byte, []byte) {
	i := bytes.IndexAny(tag, " \t\r\n/")
	if i < 0 {
		i = len(tag)
	}
	name := tag[:i]
	if j := bytes.IndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	return name, tag[i:]
}

// digits reads a positive decimal number, 0 when b is not one.
func digits(b []byte) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' || n > excelize.TotalRows {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// refColumn reads the column number of a cell reference ("AB12" is 28), 0
// when it has none. Column numbers past Excel's last are refused.
func refColumn(ref []byte) int {
	n := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a') + 1
		case c == '$':
			continue
		default:
			if n > excelize.MaxColumns {
				return 0
			}
			return n
		}
		if n > excelize.MaxColumns {
			return 0
		}
	}
	return n
}

func selfClosing(attrs []byte) bool {
	attrs = bytes.TrimRight(attrs, " \t\r\n")
	return len(attrs) > 0 && attrs[len(attrs)-1] == '/'
}

// attrValue returns the value of the attribute with the given local name.
// Cell and row attributes (r, t) never hold entities, so values are not
// unescaped.
func attrValue(attrs []byte, name string) []byte {
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimRight(attrs[:eq], " \t\r\n")
		if j := bytes.IndexByte(key, ':'); j >= 0 {
			key = key[j+1:]
		}
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return nil
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil
		}
		if string(key) == name {
			return rest[1 : 1+end]
		}
		attrs = rest[end+2:]
	}
	return nil
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
