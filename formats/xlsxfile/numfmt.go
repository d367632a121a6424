package xlsxfile

import (
	"archive/zip"
	"strings"
)

type xmlStyles struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	CellXfs []struct {
		NumFmtID int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

// readStyles gives the class each cell style's number format makes of a
// number: a date, a date with a time, or a number. A workbook without
// styles has plain numbers.
func readStyles(zr *zip.Reader, part string) ([]cellClass, error) {
	if findPart(zr, part) == nil {
		return nil, nil
	}
	var st xmlStyles
	if err := decodePart(zr, part, &st); err != nil {
		return nil, err
	}
	custom := make(map[int]string, len(st.NumFmts))
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	out := make([]cellClass, len(st.CellXfs))
	for i, xf := range st.CellXfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			out[i] = formatClass(code)
		} else {
			out[i] = builtinClass(xf.NumFmtID)
		}
	}
	return out, nil
}

// builtinClass classes the built-in number formats (ECMA-376 18.8.30, with
// the East Asian date and time formats).
func builtinClass(id int) cellClass {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 58:
		return classDate
	case id >= 18 && id <= 22, id >= 32 && id <= 35, id >= 45 && id <= 47:
		return classDateTime
	}
	return classNumber
}

// formatClass reads a custom number format code: the first section, without
// quoted text, escaped characters, colours and locales, shows a date when it
// has y, m or d, a time when it has h or s (or an elapsed [h], [m], [s]).
func formatClass(code string) cellClass {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case c == '"':
			inQuote = true
		case c == '\\', c == '_', c == '*':
			i++ // the next character is shown as is (or is padding)
		case c == ';':
			i = len(code)
		case c == '[':
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				i = len(code)
				break
			}
			inner := strings.ToLower(code[i+1 : i+end])
			if strings.Trim(inner, "hms") == "" && inner != "" {
				b.WriteByte('h') // elapsed time
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	if s == "general" {
		return classNumber
	}
	if strings.ContainsAny(s, "hs") {
		return classDateTime
	}
	if strings.ContainsAny(s, "ymd") {
		return classDate
	}
	return classNumber
}
