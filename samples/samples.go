// Package samples holds the sample files of the repository (data, mappings
// and a sandbox seed) and embeds them, so `capsule-etl demo` works from any
// directory with only the binary.
//
//	for _, s := range samples.All() { ... s.Input, s.Mapping, s.Broken ... }
//	err := samples.WriteTo(dir)     // copies every embedded file into dir
//	fsys := samples.Files()         // the embedded files, read-only
//
// The data files are made by `go run ./samples/gen` (package
// samples/internal/generate); the mappings and SeedFile are written by hand.
// README.md in this folder describes each file.
package samples

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed *.csv *.xlsx *.parquet *.yaml *.json
var embedded embed.FS

// SeedFile is the sandbox seed the samples need: the users named as owners
// and the custom fields the mappings write. Start a sandbox for the samples
// with `capsule-etl sandbox --seed samples/sandbox-seed.json`.
const SeedFile = "sandbox-seed.json"

// Sample is one input file with the mapping that imports it.
type Sample struct {
	Name    string // short name, e.g. "hubspot-contacts"
	Input   string // data file name, e.g. "hubspot-contacts.csv"
	Mapping string // mapping file name, e.g. "hubspot-contacts.yaml"
	Broken  bool   // has rows that are rejected on purpose (exit 3 on import)
	About   string // one line for people
}

// All returns the samples in the order they import well: companies before
// the people who work there, people before their deals, the broken file last.
func All() []Sample {
	return []Sample{
		{"expo-companies", "expo-leads.xlsx", "expo-companies.yaml", false, "trade-show workbook, sheet Companies: organisations with website, address, industry and size"},
		{"hubspot-contacts", "hubspot-contacts.csv", "hubspot-contacts.yaml", false, "HubSpot contacts export: people and their companies, US and UK numbers"},
		{"kontakte-de", "kontakte-de.csv", "kontakte-de.yaml", false, "German customer list (UTF-8 with BOM, semicolons): people, companies, call notes"},
		{"expo-leads", "expo-leads.xlsx", "expo-leads.yaml", false, "trade-show workbook, sheet Leads (title rows, date cells): people, tasks, notes"},
		{"pipedrive-deals", "pipedrive-deals.csv", "pipedrive-deals.yaml", false, "Pipedrive deals export: opportunities on the HubSpot companies"},
		{"salesforce-opportunities", "salesforce-opportunities.parquet", "salesforce-opportunities.yaml", false, "Salesforce opportunities in Parquet (decimal, date, timestamp, list columns): French accounts, contacts, notes"},
		{"broken-rows", "broken-rows.csv", "broken-rows.yaml", true, "a contact list with bad rows: shows the errors file and exit code 3"},
	}
}

// Files returns the embedded sample files.
func Files() fs.FS { return embedded }

// WriteTo copies every embedded sample file into dir (created if needed).
// A file already there with the same content is left alone; one with other
// content is an error, so a user's edits are never overwritten.
func WriteTo(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := fs.ReadDir(embedded, ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := fs.ReadFile(embedded, e.Name())
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, e.Name())
		if old, err := os.ReadFile(dst); err == nil {
			if string(old) == string(data) {
				continue
			}
			return fmt.Errorf("%s exists and differs from the sample; move it away or choose another folder", dst)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
