package cli

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"path/filepath"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
	"github.com/capsule-etl/capsule-etl/samples"
)

// demoEntities are exported and checked; the samples make no projects.
var demoEntities = []string{"parties", "opportunities", "entries", "tasks"}

// demoFormats are the export formats, by extension.
var demoFormats = []string{".csv", ".xlsx", ".parquet"}

// demoWorkbook is the XLSX export: one workbook, a sheet per entity.
const demoWorkbook = "capsule.xlsx"

// exportPath is the file holding entity in the format of ext, and the
// sheet to read (XLSX).
func (d *demo) exportPath(entity, ext string) (path, sheet string) {
	if ext == ".xlsx" {
		return filepath.Join(d.dir, "export", demoWorkbook), entity
	}
	return filepath.Join(d.dir, "export", entity+ext), ""
}

func (d *demo) export() error {
	for _, ext := range demoFormats {
		if ext == ".xlsx" {
			path, _ := d.exportPath("", ext)
			if _, err := d.run(ExitOK, nil, "export", "--entity", strings.Join(demoEntities, ","), "--output", path); err != nil {
				return err
			}
			continue
		}
		for _, e := range demoEntities {
			path, _ := d.exportPath(e, ext)
			if _, err := d.run(ExitOK, nil, "export", "--entity", e, "--output", path); err != nil {
				return err
			}
		}
	}
	return nil
}

// exported is an export file read back: one map of column -> text per row.
type exported struct {
	path string
	rows []map[string]string
}

func readExport(path, sheet string) (*exported, error) {
	r, err := files.Open(path, files.Options{Sheet: sheet})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	x := &exported{path: path}
	if sheet != "" {
		x.path += " sheet " + sheet
	}
	names := r.Header().Names()
	for rec, err := range formats.Records(r) {
		if err != nil {
			return nil, err
		}
		row := make(map[string]string, len(names))
		for i, n := range names {
			if i < len(rec.Values) {
				row[n] = unguard(rec.Values[i].Text())
			}
		}
		x.rows = append(x.rows, row)
	}
	return x, nil
}

// unguard takes off the quote a CSV export puts before text a spreadsheet
// would run as a formula ("'+442079460018"), as the importer does.
func unguard(s string) string { return formats.Unguard(s) }

// find returns the first row whose column col equals value, ignoring case.
func (x *exported) find(col, value string) map[string]string {
	for _, r := range x.rows {
		if strings.EqualFold(r[col], value) {
			return r
		}
	}
	return nil
}

// check reads every export file back and compares it with the sandbox and
// with what the sample mappings make of the first rows of the samples.
func (d *demo) check() error {
	stats := d.srv.Server.Stats()
	var failures []string
	fail := func(format string, a ...any) { failures = append(failures, fmt.Sprintf(format, a...)) }
	files := map[string]map[string]*exported{} // entity -> ext -> file
	for _, e := range demoEntities {
		files[e] = map[string]*exported{}
		for _, ext := range demoFormats {
			x, err := readExport(d.exportPath(e, ext))
			if err != nil {
				return fmt.Errorf("reading the export back: %w", err)
			}
			files[e][ext] = x
			if len(x.rows) != stats.Records[e] {
				fail("%s has %d rows, the sandbox holds %d %s", x.path, len(x.rows), stats.Records[e], e)
			}
		}
		fmt.Fprintf(d.out, "  %-14s %4d in the sandbox; %d, %d and %d rows in the CSV, XLSX and Parquet exports\n", e, stats.Records[e],
			len(files[e][".csv"].rows), len(files[e][".xlsx"].rows), len(files[e][".parquet"].rows))
	}
	people, err := d.expectedPeople("hubspot-contacts", 5)
	if err != nil {
		return err
	}
	for _, ext := range demoFormats {
		x := files["parties"][ext]
		for _, p := range people {
			row := x.find("Email 1", p.Email)
			if row == nil {
				fail("%s: no party with email %s (from %s)", x.path, p.Email, p.Source)
				continue
			}
			for _, c := range []struct{ col, want string }{
				{"First Name", p.FirstName}, {"Last Name", p.LastName}, {"Phone 1", p.Phone}, {"Organisation", p.Organisation},
			} {
				if row[c.col] != c.want {
					fail("%s: %s of %s is %q, %s says %q", x.path, c.col, p.Email, row[c.col], p.Source, c.want)
				}
			}
		}
	}
	deals, err := d.expectedDeals("pipedrive-deals", 5)
	if err != nil {
		return err
	}
	for _, ext := range demoFormats {
		x := files["opportunities"][ext]
		for _, o := range deals {
			row := x.find("Name", o.Name)
			if row == nil {
				fail("%s: no opportunity named %q (from %s)", x.path, o.Name, o.Source)
				continue
			}
			if !sameNumber(row["Value"], o.Amount) || row["Currency"] != o.Currency {
				fail("%s: value of %q is %s %s, %s says %s %s", x.path, o.Name, row["Value"], row["Currency"], o.Source, o.Amount, o.Currency)
			}
		}
	}
	if len(failures) > 0 {
		for _, f := range failures {
			fmt.Fprintf(d.out, "  MISMATCH %s\n", f)
		}
		return fmt.Errorf("%w: %d mismatches", errStep, len(failures))
	}
	fmt.Fprintf(d.out, "  the first %d HubSpot contacts (names, normalised email and phone, organisation) and the first %d\n"+
		"  Pipedrive deals (value, currency) read back the same from all three formats\n", len(people), len(deals))
	return nil
}

// sameNumber compares decimal texts by value ("1250.5" equals "1250.50").
func sameNumber(a, b string) bool {
	x, okx := new(big.Rat).SetString(a)
	y, oky := new(big.Rat).SetString(b)
	return okx && oky && x.Cmp(y) == 0
}

type wantPerson struct {
	Source                                          string
	FirstName, LastName, Email, Phone, Organisation string
}

type wantDeal struct {
	Source                 string
	Name, Amount, Currency string
}

// evalSample runs a sample's mapping over its first n rows, the same way
// the import does, and hands each row's ops to f.
func (d *demo) evalSample(name string, n int, f func(pos string, ops []mappings.Op)) error {
	s, ok := sampleNamed(name)
	if !ok {
		return fmt.Errorf("no sample %q", name)
	}
	src, err := fs.ReadFile(samples.Files(), s.Mapping)
	if err != nil {
		return err
	}
	m, probs := mappings.Parse(src, s.Mapping)
	if probs.HasErrors() {
		return probs
	}
	h, recs, err := readSample(d.path(s.Input), m.Source, n)
	if err != nil {
		return err
	}
	prog, cp := mappings.Compile(m, h)
	if cp.HasErrors() {
		return cp
	}
	for _, r := range recs {
		ops, _ := prog.Eval(r)
		f(s.Input+" row "+fmt.Sprint(r.Pos.Row), ops)
	}
	return nil
}

// body decodes an op's body into v through JSON, the form it is sent in.
func body(op mappings.Op, v any) {
	b, _ := json.Marshal(op.Body)
	_ = json.Unmarshal(b, v)
}

func (d *demo) expectedPeople(name string, n int) ([]wantPerson, error) {
	var out []wantPerson
	err := d.evalSample(name, n, func(pos string, ops []mappings.Op) {
		w := wantPerson{Source: pos}
		for _, op := range ops {
			if op.Skipped {
				continue
			}
			var b struct {
				Name, FirstName, LastName string
				EmailAddresses            []struct{ Address string }
				PhoneNumbers              []struct{ Number string }
			}
			body(op, &b)
			switch op.PartyType {
			case "organisation":
				w.Organisation = b.Name
			case "person":
				w.FirstName, w.LastName = b.FirstName, b.LastName
				if len(b.EmailAddresses) > 0 {
					w.Email = b.EmailAddresses[0].Address
				}
				if len(b.PhoneNumbers) > 0 {
					w.Phone = b.PhoneNumbers[0].Number
				}
			}
		}
		out = append(out, w)
	})
	return out, err
}

func (d *demo) expectedDeals(name string, n int) ([]wantDeal, error) {
	var out []wantDeal
	err := d.evalSample(name, n, func(pos string, ops []mappings.Op) {
		for _, op := range ops {
			if op.Entity != mappings.EntityOpportunity || op.Skipped {
				continue
			}
			var b struct {
				Name  string
				Value struct {
					Amount   json.Number
					Currency string
				}
			}
			body(op, &b)
			out = append(out, wantDeal{Source: pos, Name: b.Name, Amount: b.Value.Amount.String(), Currency: b.Value.Currency})
		}
	})
	return out, err
}

func sampleNamed(name string) (samples.Sample, bool) {
	for _, s := range samples.All() {
		if s.Name == name {
			return s, true
		}
	}
	return samples.Sample{}, false
}
