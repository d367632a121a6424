package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
)

func writePreviewFixtures(t *testing.T) (csvPath, xlsxPath, raggedPath string) {
	t.Helper()
	dir := t.TempDir()
	csvPath = filepath.Join(dir, "people.csv")
	os.WriteFile(csvPath, []byte("name;age;joined\nZoë;42;2024-01-02\nAl;7;2023-12-31\n"), 0o644)
	raggedPath = filepath.Join(dir, "ragged.csv")
	os.WriteFile(raggedPath, []byte("a,b,c\n1,2,3\n4,5\n"), 0o644)
	xlsxPath = filepath.Join(dir, "book.xlsx")
	wb, err := files.CreateWorkbook(xlsxPath, files.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	people, _ := wb.AddSheet("People", []string{"name", "born"})
	people.Write([]formats.Value{formats.StringValue("Zoë"), formats.DateValue(time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC))})
	deals, _ := wb.AddSheet("Deals", []string{"deal", "value"})
	deals.Write([]formats.Value{formats.StringValue("Big"), formats.FloatValue(1500.5)})
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	return csvPath, xlsxPath, raggedPath
}

func writeMessyFixtures(t *testing.T) (badQuote, titled string) {
	t.Helper()
	dir := t.TempDir()
	badQuote = filepath.Join(dir, "quote.csv")
	os.WriteFile(badQuote, []byte("Name,Email,Notes\nAnn,ann@x.example,ok\nBob,bob@x.example,\"open\nCarl,c@x.example,x\n"), 0o644)
	titled = filepath.Join(dir, "titled.csv")
	os.WriteFile(titled, []byte("Kundenliste 2026\n\nName ; Stadt\nAl;Bonn\n"), 0o644)
	return badQuote, titled
}

func TestPreview(t *testing.T) {
	csvPath, xlsxPath, ragged := writePreviewFixtures(t)
	badQuote, titled := writeMessyFixtures(t)
	workbookAsCSV := filepath.Join(t.TempDir(), "export.csv")
	if b, err := os.ReadFile(xlsxPath); err != nil || os.WriteFile(workbookAsCSV, b, 0o644) != nil {
		t.Fatal("copying the workbook")
	}
	asWritten := filepath.Join(t.TempDir(), "phones.csv")
	os.WriteFile(asWritten, []byte("Name,Phone,Amount\nAl,+49301234567,1.50\n"), 0o644)
	oldXLS := filepath.Join(t.TempDir(), "old.xls")
	os.WriteFile(oldXLS, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest of an OLE file"), 0o644)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  []string
	}{
		{"csv table", []string{"preview", csvPath}, ExitOK,
			[]string{"Format:      csv", `Delimiter:   ";"`, "age         int", "joined      date", "Zoë", "2023-12-31"}, nil},
		{"row limit", []string{"preview", csvPath, "--rows", "1"}, ExitOK, []string{"First 1 rows:"}, nil},
		{"xlsx second sheet by name", []string{"preview", xlsxPath, "--sheet", "Deals"}, ExitOK,
			[]string{`Sheets:      "People", "Deals" (reading "Deals")`, "value       float", "1500.5"}, nil},
		{"xlsx dates", []string{"preview", xlsxPath}, ExitOK, []string{"born        date", "1990-05-17"}, nil},
		{"missing sheet names the sheets", []string{"preview", xlsxPath, "--sheet", "Nope"}, ExitUsage, nil,
			[]string{`sheet not found: "Nope"; the workbook has "People", "Deals"`, "hint:"}},
		{"ragged row", []string{"preview", ragged}, ExitUsage, nil, []string{"ragged.csv, row 3", "hint:"}},
		{"unclosed quote shows the rows above it", []string{"preview", badQuote}, ExitUsage, []string{"Ann ann@x.example ok"},
			[]string{"reading stopped after 1 rows", "quote.csv, row 3", "row starting on line 3 is not closed", "hint: fix the quotes"}},
		{"title rows skipped", []string{"preview", titled}, ExitOK, []string{"Header row: 3", "Name string", "Stadt string", "4 Al Bonn"}, nil},
		{"workbook saved as .csv", []string{"preview", workbookAsCSV}, ExitUsage, nil, []string{"export.csv: this is an Excel workbook or a zip file, not CSV text"}},
		{"old .xls says how to convert, no generic hint", []string{"preview", oldXLS}, ExitUsage, nil, []string{"save it as .xlsx"}},
		{"cells shown as written", []string{"preview", asWritten}, ExitOK, []string{"Phone string", "2 Al +49301234567 1.50"}, nil},
		{"--sheet on a CSV", []string{"preview", csvPath, "--sheet", "People"}, ExitUsage, nil, []string{"--sheet applies to .xlsx workbooks; " + csvPath + " is read as csv"}},
		{"--delimiter on a workbook", []string{"preview", xlsxPath, "--delimiter", ";"}, ExitUsage, nil, []string{"--delimiter applies to CSV text"}},
		{"--header-row past the end of a CSV", []string{"preview", csvPath, "--header-row", "9"}, ExitUsage, nil, []string{"header row 9 is past the end of the file (3 rows)"}},
		{"missing file", []string{"preview", "nope.csv"}, ExitUsage, nil, []string{"nope.csv", "check the path"}},
		{"unknown extension", []string{"preview", "x.doc"}, ExitUsage, nil, []string{"unknown file format"}},
		{"no file", []string{"preview"}, ExitUsage, nil, []string{"exactly one FILE"}},
		{"bad encoding", []string{"preview", csvPath, "--encoding", "ebcdic"}, ExitUsage, nil, []string{"unknown encoding"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			flat := squash(out) // column alignment depends on widths: compare words
			for _, w := range tt.wantOut {
				if !strings.Contains(flat, squash(w)) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if strings.Contains(errOut, "for CSV try --encoding") || strings.Contains(errOut, "--encoding") && strings.Contains(errOut, "--sheet") {
				t.Errorf("generic hint where the message says what to do:\n%s", errOut)
			}
		})
	}
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestPreviewJSON(t *testing.T) {
	_, xlsxPath, _ := writePreviewFixtures(t)
	code, out, errOut := runCLI(t, "preview", xlsxPath, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Format  string
		Sheets  []string
		Columns []struct{ Name, Type string }
		Rows    [][]any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Format != "xlsx" || len(got.Sheets) != 2 || len(got.Columns) != 2 || got.Columns[1].Type != "date" {
		t.Fatalf("unexpected preview: %+v", got)
	}
	if len(got.Rows) != 1 || got.Rows[0][0] != "Zoë" || got.Rows[0][1] != "1990-05-17" {
		t.Fatalf("rows = %v, want [[Zoë 1990-05-17]]", got.Rows)
	}
}

// TestPreviewJSONXLSXText: XLSX text cells that look like numbers ("123",
// "1e5", an id) are shown as the strings they are; number cells as numbers.
func TestPreviewJSONXLSXText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.xlsx")
	w, err := files.Create(path, []string{"phone", "zip", "code", "n"}, files.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]formats.Value{formats.StringValue("+49307654321"), formats.StringValue("01234"), formats.StringValue("1e5"), formats.IntValue(12)})
	w.Write([]formats.Value{formats.StringValue("4930"), formats.StringValue("12345"), formats.StringValue("7"), formats.IntValue(13)})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "preview", path, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Columns []struct{ Name, Type string }
		Rows    [][]any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := [][]any{{"+49307654321", "01234", "1e5", 12.0}, {"4930", "12345", "7", 13.0}}
	for i, row := range want {
		for j, v := range row {
			if i >= len(got.Rows) || j >= len(got.Rows[i]) || got.Rows[i][j] != v {
				t.Fatalf("rows = %#v, want %#v", got.Rows, want)
			}
		}
	}
	for i, typ := range []string{"string", "string", "string", "int"} {
		if got.Columns[i].Type != typ {
			t.Errorf("column %q type = %s, want %s", got.Columns[i].Name, got.Columns[i].Type, typ)
		}
	}
}
