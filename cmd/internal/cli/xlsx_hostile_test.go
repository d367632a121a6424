package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/capsule-etl/capsule-etl/capsule/sandbox"
)

// writeContactsXLSX writes the import test rows as a workbook the way a
// CRM export tool writes one (inline strings), with extra XML put before
// </sheetData> (after the rows) and a shared strings table of sstItems
// unused items. Deflated at the fastest level, it stays small on disk.
func writeContactsXLSX(t *testing.T, path string, rows [][]string, afterRows string, sstItems int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	put := func(name string, write func(w io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	str := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	put("[Content_Types].xml", str(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`))
	put("_rels/.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", str(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", str(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`))
	put("xl/sharedStrings.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		chunk := strings.Repeat(`<si><t>Kontakt &amp; Söhne GmbH</t></si>`, 1000)
		for i := 0; i < sstItems; i += 1000 {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, `</sst>`)
	})
	put("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for i, r := range append([][]string{importTestHeader}, rows...) {
			fmt.Fprintf(w, `<row r="%d">`, i+1)
			for j, v := range r {
				if v != "" {
					fmt.Fprintf(w, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+j, i+1, v)
				}
			}
			io.WriteString(w, `</row>`)
		}
		io.WriteString(w, afterRows+`</sheetData></worksheet>`)
	})
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPreviewDamagedXLSX: a defect after the first rows is exit 2 naming
// the file, sheet, row and column; before, reading stopped there quietly
// and the preview said "2 rows", exit 0.
func TestPreviewDamagedXLSX(t *testing.T) {
	rows := importRows(2)
	for name, bad := range map[string]string{
		"undefined entity": `<row r="4"><c r="A4" t="inlineStr"><is><t>Fran&ccedil;ois</t></is></c></row>`,
		"bad end tag":      `<row r="4"><c r="A4" t="inlineStr"><is><t>Bo</t></is></c><c r="B4"><v>1</x></c></row>`,
		"cut off":          "",
	} {
		col := `column "A"`
		if name == "bad end tag" {
			col = `column "B"`
		}
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "hubspot-contacts.xlsx")
			if name == "cut off" {
				// The part ends in row 4: no </sheetData>, no </worksheet>.
				writeContactsXLSX(t, p, rows, "\x00CUT", 0)
				cutPart(t, p)
			} else {
				writeContactsXLSX(t, p, rows, bad+`<row r="5"><c r="A5" t="inlineStr"><is><t>P5</t></is></c></row>`, 0)
			}
			code, out, errOut := runImportCLI(t, "preview", p)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d\n%s%s", code, ExitUsage, out, errOut)
			}
			for _, w := range []string{"hubspot-contacts.xlsx", `sheet "Export"`, "row 4", col, "damaged"} {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not name %s:\n%s", w, errOut)
				}
			}
		})
	}
}

// cutPart rewrites the workbook with its sheet part ending where the
// marker \x00CUT is, replaced by the start of a row 4 that never ends.
func cutPart(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := path + ".cut"
	out, err := os.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if i := strings.Index(string(b), "\x00CUT"); i >= 0 {
			b = append(b[:i:i], `<row r="4"><c r="A4" t="inlineStr"><is><t>Bo`...)
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestImportSIGTERMDuringXLSXRead: SIGTERM while the import reads a huge
// shared strings table stops it (exit 130, nothing sent, the spill file
// removed); the next run imports every row once.
func TestImportSIGTERMDuringXLSXRead(t *testing.T) {
	srv, url := startSandbox(t)
	rows := importRows(12)
	dir, mapping, _ := importFixture(t, rows)
	input := filepath.Join(dir, "contacts.xlsx")
	// About 300 MB of shared strings: several seconds to read.
	writeContactsXLSX(t, input, rows, "", 7_000_000)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the child spills the table there
	args := []string{"import", "--base-url", url, "--mapping", mapping, input}
	var sent time.Time
	spilling := func() bool {
		m, _ := filepath.Glob(filepath.Join(tmp, "capsule-etl-sst-*"))
		return len(m) > 0
	}
	code, stderr := runChildSignal(t, args, spilling, syscall.SIGTERM, &sent)
	if sent.IsZero() {
		t.Fatalf("the read ended (exit %d) before the table was spilled: the test proves nothing\n%s", code, stderr)
	}
	t.Logf("exited %v after SIGTERM", time.Since(sent).Round(time.Millisecond))
	if code != ExitInterrupted {
		t.Fatalf("exit %d after SIGTERM, want %d\n%s", code, ExitInterrupted, stderr)
	}
	if n := srv.Stats().Requests["POST"]; n != 0 {
		t.Errorf("%d writes sent by the interrupted run", n)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "capsule-etl-sst-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	code, stderr = runChild(t, args, nil)
	if code != ExitOK {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	checkOnce(t, url, rows)
}

// runChildSignal runs the command in a child process like runChild and
// sends sig once when ready says so, then waits for the child to exit; sent
// is when the signal went (zero if the child ended first).
func runChildSignal(t *testing.T, args []string, ready func() bool, sig syscall.Signal, sent *time.Time) (int, string) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw), "CAPSULE_TOKEN="+sandbox.DefaultToken)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			if sent.IsZero() && ready() {
				*sent = time.Now()
				cmd.Process.Signal(sig)
			}
		}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}
