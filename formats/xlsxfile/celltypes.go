package xlsxfile

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
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

type xmlWorkbook struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name string `xml:"name,attr"`
		ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		IDs  string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

// maxMetaBytes bounds the small parts decoded whole (workbook, relationships, styles).
const maxMetaBytes = 64 << 20

func decodePart(zr *zip.Reader, name string, v any) error {
	zf := findPart(zr, name)
	if zf == nil {
		return fmt.Errorf("the workbook has no part %q", name)
	}
	if zf.UncompressedSize64 > maxMetaBytes {
		return fmt.Errorf("the part %q is %d bytes unzipped, more than the %d a workbook's %s needs", name, zf.UncompressedSize64, maxMetaBytes, path.Base(name))
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(io.LimitReader(rc, maxMetaBytes)).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// workbook is what the reader needs from the workbook part: its sheets in
// order with their worksheet parts, the date system and the shared strings
// and styles parts.
type workbook struct {
	sheets   []string
	parts    []string // worksheet part of each sheet, "" when it has none
	date1904 bool
	sst      string
	styles   string
}

// readWorkbook resolves the parts the way excelize does: _rels/.rels names
// the workbook, whose relationships name each sheet's part.
func readWorkbook(zr *zip.Reader) (*workbook, error) {
	wbPath := "xl/workbook.xml"
	var root xmlRels
	if err := decodePart(zr, "_rels/.rels", &root); err == nil {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(strings.ReplaceAll(r.Target, "\\", "/"), "/")
			}
		}
	}
	var wb xmlWorkbook
	if err := decodePart(zr, wbPath, &wb); err != nil {
		return nil, err
	}
	dir := path.Dir(wbPath)
	var rels xmlRels
	if err := decodePart(zr, strings.TrimPrefix(dir+"/_rels/"+path.Base(wbPath)+".rels", "./"), &rels); err != nil {
		return nil, err
	}
	resolve := func(target string) string {
		target = strings.ReplaceAll(target, "\\", "/")
		if strings.HasPrefix(target, "/") {
			return strings.TrimPrefix(path.Clean(target), "/")
		}
		return strings.TrimPrefix(path.Clean(dir+"/"+target), "/")
	}
	out := &workbook{date1904: wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true"),
		sst: resolve("sharedStrings.xml"), styles: resolve("styles.xml")}
	for _, r := range rels.Rels {
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			out.sst = resolve(r.Target)
		case strings.HasSuffix(r.Type, "/styles"):
			out.styles = resolve(r.Target)
		}
	}
	for _, sh := range wb.Sheets {
		id := sh.ID
		if id == "" {
			id = sh.IDs
		}
		part := ""
		for _, r := range rels.Rels {
			if r.ID == id {
				part = resolve(r.Target)
				break
			}
		}
		out.sheets = append(out.sheets, sh.Name)
		out.parts = append(out.parts, part)
	}
	return out, nil
}
