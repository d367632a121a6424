package csvfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names accepted by WithEncoding and reported in Info.
const (
	UTF8        = "utf-8"
	UTF8BOM     = "utf-8-bom"
	UTF16LE     = "utf-16le"
	UTF16BE     = "utf-16be"
	Windows1252 = "windows-1252"
)

// detectEncoding looks at the first bytes of a file and returns the encoding
// name and how many BOM bytes to skip. Without a BOM, UTF-16 shows as NUL bytes
// on one side of most character pairs; text that is not valid UTF-8 is taken
// as Windows-1252, which is what Excel on Windows writes in western locales.
func detectEncoding(p []byte, full bool) (string, int) {
	switch {
	case bytes.HasPrefix(p, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM, 3
	case bytes.HasPrefix(p, []byte{0xFF, 0xFE}):
		return UTF16LE, 2
	case bytes.HasPrefix(p, []byte{0xFE, 0xFF}):
		return UTF16BE, 2
	}
	sample := p[:min(len(p), 4096)]
	var even, odd int
	for i, c := range sample {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	if half := len(sample) / 2; half > 0 {
		if odd > half*3/4 && even == 0 {
			return UTF16LE, 0
		}
		if even > half*3/4 && odd == 0 {
			return UTF16BE, 0
		}
	}
	check := p
	if !full {
		// The peek may cut a multi-byte character in two: ignore a partial tail.
		for i := 0; i < 3 && len(check) > 0 && !utf8.Valid(check); i++ {
			check = check[:len(check)-1]
		}
	}
	if utf8.Valid(check) {
		return UTF8, 0
	}
	return Windows1252, 0
}

func decoderFor(name string) (*encoding.Decoder, error) {
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case UTF8, "utf8", UTF8BOM:
		return nil, nil
	case UTF16LE, "utf16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder(), nil
	case UTF16BE, "utf16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder(), nil
	case Windows1252, "cp1252", "windows1252":
		return charmap.Windows1252.NewDecoder(), nil
	case "latin1", "iso-8859-1":
		return charmap.ISO8859_1.NewDecoder(), nil
	}
	return nil, fmt.Errorf("unknown encoding %q (use utf-8, utf-16le, utf-16be or windows-1252)", name)
}

// candidates are the delimiters detection chooses among, in order of preference on ties.
var candidates = []rune{',', ';', '\t', '|'}

// detectDelimiter parses the first lines with each candidate and keeps the one
// whose most common field count (if >1: a one-column file with a stray ;
// in a cell is still one column) occurs most often, preferring more fields. The most common count, not the first line's, so that a title line
// above the header ("Kundenliste 2026") does not hide the delimiter. A file
// with one column falls back to a comma.
func detectDelimiter(sample []byte, full bool) rune {
	if !full {
		if i := bytes.LastIndexByte(sample, '\n'); i > 0 {
			sample = sample[:i+1]
		}
	}
	best, bestScore := ',', 0
	for _, c := range candidates {
		r := csv.NewReader(bytes.NewReader(sample))
		r.Comma = c
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		counts := map[int]int{}
		for n := 0; n < 50; n++ {
			rec, err := r.Read()
			if err != nil {
				break
			}
			counts[len(rec)]++
		}
		width, freq := 0, 0
		for w, f := range counts {
			if f > freq || f == freq && w > width {
				width, freq = w, f
			}
		}
		if width < 2 {
			continue
		}
		if score := freq*1000 + width; score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

func delimiterRune(s string) (rune, error) {
	switch s {
	case ",", ";", "|":
		return rune(s[0]), nil
	case "\t", `\t`, "tab", "TAB":
		return '\t', nil
	}
	if r, n := utf8.DecodeRuneInString(s); n == len(s) && r != '"' && r != '\n' && r != '\r' && r != utf8.RuneError {
		return r, nil
	}
	return 0, fmt.Errorf("invalid delimiter %q (use , ; | or tab)", s)
}
