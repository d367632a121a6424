package csvfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"golang.org/x/text/encoding/unicode"
)

func utf16(t *testing.T, s string, big bool, bom bool) []byte {
	t.Helper()
	e, pol := unicode.LittleEndian, unicode.IgnoreBOM
	if big {
		e = unicode.BigEndian
	}
	if bom {
		pol = unicode.UseBOM
	}
	b, err := unicode.UTF16(e, pol).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readAll(t *testing.T, r *Reader) ([][]string, error) {
	t.Helper()
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		row := make([]string, len(rec.Values))
		for i, v := range rec.Values {
			row[i] = v.Text()
		}
		rows = append(rows, row)
	}
}

func TestReaderOddities(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		opts      []Option
		header    []string
		rows      [][]string
		enc       string
		delim     string
		wantErr   error
		wantInErr string
	}{
		{name: "plain comma", data: []byte("a,b\n1,2\n"), header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, enc: UTF8, delim: ","},
		{name: "utf-8 BOM stripped", data: []byte("\xEF\xBB\xBFname,city\nZoë,Köln\n"), header: []string{"name", "city"}, rows: [][]string{{"Zoë", "Köln"}}, enc: UTF8BOM, delim: ","},
		{name: "utf-16le with BOM", data: utf16(t, "name;city\r\nZoë;€\r\n", false, true), header: []string{"name", "city"}, rows: [][]string{{"Zoë", "€"}}, enc: UTF16LE, delim: ";"},
		{name: "utf-16be with BOM", data: utf16(t, "name\tcity\nZoë\tKöln\n", true, true), header: []string{"name", "city"}, rows: [][]string{{"Zoë", "Köln"}}, enc: UTF16BE, delim: "\t"},
		{name: "utf-16le without BOM", data: utf16(t, "name,city\nAl,Bonn\n", false, false), header: []string{"name", "city"}, rows: [][]string{{"Al", "Bonn"}}, enc: UTF16LE, delim: ","},
		{name: "windows-1252 café and euro", data: []byte("name;price\ncaf\xe9;\x80 5\n"), header: []string{"name", "price"}, rows: [][]string{{"café", "€ 5"}}, enc: Windows1252, delim: ";"},
		{name: "encoding override", data: []byte("name\ncaf\xc3\xa9\n"), opts: []Option{WithEncoding("windows-1252")}, header: []string{"name"}, rows: [][]string{{"cafÃ©"}}, enc: Windows1252, delim: ","},
		{name: "semicolons with decimal commas", data: []byte("a;b;c\n1,5;2,5;x\n3,1;4;y\n"), header: []string{"a", "b", "c"}, rows: [][]string{{"1,5", "2,5", "x"}, {"3,1", "4", "y"}}, delim: ";", enc: UTF8},
		{name: "pipes", data: []byte("a|b\n1|2\n"), header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, delim: "|", enc: UTF8},
		{name: "delimiter override", data: []byte("a,b;c\n1,2;3\n"), opts: []Option{WithDelimiter(";")}, header: []string{"a,b", "c"}, rows: [][]string{{"1,2", "3"}}, delim: ";", enc: UTF8},
		{name: "quoted newline and escaped quote", data: []byte("id,note\n1,\"line one\nline \"\"two\"\"\"\n2,x\n"), header: []string{"id", "note"}, rows: [][]string{{"1", "line one\nline \"two\""}, {"2", "x"}}, delim: ",", enc: UTF8},
		{name: "short row refused", data: []byte("a,b,c\n1,2,3\n4,5\n"), wantErr: formats.ErrRaggedRow, wantInErr: "row 3, column \"C\""},
		{name: "short row padded", data: []byte("a,b,c\n4,5\n"), opts: []Option{WithPadShortRows(true)}, header: []string{"a", "b", "c"}, rows: [][]string{{"4", "5", ""}}, delim: ",", enc: UTF8},
		{name: "long row with value refused", data: []byte("a,b\n1,2,3\n"), wantErr: formats.ErrRaggedRow, wantInErr: "row 2, column \"C\""},
		{name: "long row with blank extras accepted", data: []byte("a,b\n1,2,,\n"), header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, delim: ",", enc: UTF8},
		{name: "blank header refused", data: []byte("a,,c\n1,2,3\n"), wantErr: formats.ErrBlankHeader, wantInErr: "row 1, column \"B\""},
		{name: "duplicate header refused", data: []byte("Email,name,email \n1,2,3\n"), wantErr: formats.ErrDuplicateHeader, wantInErr: "columns A and C"},
		{name: "trailing blank headers dropped", data: []byte("a,b,,\n1,2,,\n"), header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, delim: ",", enc: UTF8},
		{name: "header row override skips title", data: []byte("Export of 2024\n\na,b\n1,2\n"), opts: []Option{WithHeaderRow(2)}, header: []string{"a", "b"}, rows: [][]string{{"1", "2"}}, delim: ",", enc: UTF8},
		{name: "title rows above the header detected", data: []byte("Kundenliste Export 2026;;;;\n;;;;\nVorname;Nachname ; E-Mail;;\nJ\xfcrgen;Gro\xdf;j@x.de;;\n"), header: []string{"Vorname", "Nachname", "E-Mail"}, rows: [][]string{{"Jürgen", "Groß", "j@x.de"}}, delim: ";", enc: Windows1252},
		{name: "delimiter found below a bare title line", data: []byte("Customer list May 2024\n\nname;city\nAl;Bonn\nBo;Köln\n"), header: []string{"name", "city"}, rows: [][]string{{"Al", "Bonn"}, {"Bo", "Köln"}}, delim: ";", enc: UTF8},
		{name: "header names trimmed", data: []byte(" name , city\nAl,Bonn\n"), header: []string{"name", "city"}, rows: [][]string{{"Al", "Bonn"}}, delim: ",", enc: UTF8},
		{name: "one-column file", data: []byte("email\na@x.com\n"), header: []string{"email"}, rows: [][]string{{"a@x.com"}}, delim: ",", enc: UTF8},
		{name: "unclosed quote names its line", data: []byte("a,b\n1,\"ok\"\n2,\"open\n3,x\n"), wantErr: csvQuote, wantInErr: "row starting on line 3 is not closed"},
		{name: "error while detecting the header comes in its turn", data: []byte("a,b\n1,2\n3,x\"y\n"), wantErr: csvBareQuote, wantInErr: "row 3"},
		{name: "bad quote below blank lines counts them", data: []byte("Name;Notes\n\"Ann\";x\n\n\n\"Bob\" ;x\n"), wantErr: csvQuote, wantInErr: "in.csv, row 5:"},
		{name: "binary data", data: []byte("\x01\x02name\x00\x03,\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f garbage\xff\xfe"), wantErr: ErrNotText, wantInErr: "binary data"},
		{name: "xlsx named .csv", data: []byte("PK\x03\x04\x14\x00rest of a zip"), wantErr: ErrSpreadsheet, wantInErr: "give it its real extension"},
		{name: "oversize record from missing quote", data: []byte("a,b\n1,\"" + strings.Repeat("x,y\n", 10000)), opts: []Option{WithMaxRecordBytes(1000)}, wantErr: formats.ErrRecordTooLarge, wantInErr: "row 2"},
		{name: "bare quote names row", data: []byte("a,b\n1,2\n3,x\"y\n"), wantErr: csvBareQuote, wantInErr: "row 3"},
		{name: "empty file", data: nil, header: []string{}, enc: UTF8, delim: ","},
		{name: "header only", data: []byte("a,b\n"), header: []string{"a", "b"}, enc: UTF8, delim: ","},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.data), append([]Option{WithName("in.csv")}, tt.opts...)...)
			var rows [][]string
			if err == nil {
				rows, err = readAll(t, r)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				var pe *formats.ParseError
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.wantInErr) || !strings.HasPrefix(err.Error(), "in.csv") {
					t.Fatalf("err %q: want a ParseError naming in.csv and containing %q", err, tt.wantInErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Header().Names(); strings.Join(got, "|") != strings.Join(tt.header, "|") {
				t.Errorf("header = %q, want %q", got, tt.header)
			}
			if got, want := rowsText(rows), rowsText(tt.rows); got != want {
				t.Errorf("rows = %s, want %s", got, want)
			}
			if tt.enc != "" && r.Info().Encoding != tt.enc {
				t.Errorf("encoding = %q, want %q", r.Info().Encoding, tt.enc)
			}
			if tt.delim != "" && r.Info().Delimiter != tt.delim {
				t.Errorf("delimiter = %q, want %q", r.Info().Delimiter, tt.delim)
			}
		})
	}
}

var (
	csvBareQuote = errBareQuote()
	csvQuote     = errQuote()
)

func rowsText(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("[" + strings.Join(r, "|") + "]")
	}
	return b.String()
}

func TestRowNumbersCountRecordsNotLines(t *testing.T) {
	r, err := NewReader(strings.NewReader("a,b\n1,\"x\ny\"\n2,z\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		got = append(got, rec.Pos.Row)
	}
	if len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("rows = %v, want [2 3]", got)
	}
}

func TestGzip(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		data    []byte
		max     int64
		wantErr error
		rows    int
	}{
		{"small file reads", []byte("a,b\n1,2\n3,4\n"), 0, nil, 2},
		{"bomb is capped", append([]byte("a,b\n"), bytes.Repeat([]byte("1,2\n"), 1<<18)...), 64 << 10, formats.ErrTooLarge, 0},
		{"not gzip", nil, 0, nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p string
			if tt.rows == -1 {
				p = filepath.Join(dir, "bad.csv.gz")
				os.WriteFile(p, []byte("a,b\n"), 0o644)
			} else {
				p = write(strings.ReplaceAll(tt.name, " ", "_")+".csv.gz", tt.data)
			}
			var opts []Option
			if tt.max > 0 {
				opts = append(opts, WithMaxDecompressedBytes(tt.max))
			}
			r, err := Open(p, opts...)
			var rows [][]string
			if err == nil {
				defer r.Close()
				rows, err = readAll(t, r)
			}
			switch {
			case tt.rows == -1:
				if err == nil || !strings.Contains(err.Error(), "gzip") {
					t.Fatalf("err = %v, want gzip error", err)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case len(rows) != tt.rows:
				t.Fatalf("rows = %d, want %d", len(rows), tt.rows)
			}
		})
	}
}

func TestBlankLinesCountAsRows(t *testing.T) {
	r, err := NewReader(strings.NewReader("a,b\n\n1,\"x\ny\"\n\n\n2,z\n"), WithName("in.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		got = append(got, rec.Pos.Row)
	}
	// Header row 1, blank row 2, the two-line record is row 3, blanks 4-5, then row 6.
	if len(got) != 2 || got[0] != 3 || got[1] != 6 {
		t.Fatalf("rows = %v, want [3 6]", got)
	}
}

func TestDetectedHeaderRowAndRowNumbers(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		headerRow int
		rows      []int
	}{
		{name: "header first", data: "a,b\n1,2\n3,4\n", headerRow: 1, rows: []int{2, 3}},
		{name: "title and blank line above", data: "Report 2024\n\na,b\n1,2\n\n3,4\n", headerRow: 3, rows: []int{4, 6}},
		{name: "title with trailing delimiters", data: "Report;;\n;;\na;b;c\n1;2;3\n", headerRow: 3, rows: []int{4}},
		{name: "more rows than the look-ahead", data: "T\na,b\n" + strings.Repeat("1,2\n", 30), headerRow: 2, rows: func() []int {
			var r []int
			for i := 3; i <= 32; i++ {
				r = append(r, i)
			}
			return r
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Info().HeaderRow; got != tt.headerRow {
				t.Errorf("header row = %d, want %d", got, tt.headerRow)
			}
			var got []int
			for {
				rec, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, rec.Pos.Row)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.rows) {
				t.Errorf("rows = %v, want %v", got, tt.rows)
			}
		})
	}
}

func TestHeaderRowPastTheEnd(t *testing.T) {
	_, err := NewReader(strings.NewReader("a,b\n1,2\n"), WithName("in.csv"), WithHeaderRow(5))
	var pe *formats.ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "in.csv, row 5: header row 5 is past the end of the file (2 rows)") {
		t.Errorf("err = %v, want a ParseError saying row 5 is past the end of 2 rows", err)
	}
	if r, err := NewReader(strings.NewReader(""), WithHeaderRow(3)); err != nil || r.Header().Len() != 0 {
		t.Errorf("empty file with a header row: %v", err)
	}
}
