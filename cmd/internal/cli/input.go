package cli

import (
	"fmt"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
	"github.com/capsule-etl/capsule-etl/mappings"
)

// readSample opens an input file with the mapping's source options and
// returns its header and up to limit records (0 = all), cloned because
// readers reuse them.
func readSample(path string, src mappings.SourceOptions, limit int) (*formats.Header, []*formats.Record, error) {
	h, recs, _, err := readSampleInfo(path, src, limit)
	return h, recs, err
}

// readSampleInfo is readSample that also says how the file was read
// (detected header row, sheet, encoding).
func readSampleInfo(path string, src mappings.SourceOptions, limit int) (*formats.Header, []*formats.Record, files.Info, error) {
	r, err := files.Open(path, files.Options{Sheet: src.Sheet, HeaderRow: src.HeaderRow, Encoding: src.Encoding, Delimiter: src.Delimiter})
	if err != nil {
		return nil, nil, files.Info{}, err
	}
	defer r.Close()
	var recs []*formats.Record
	for rec, err := range formats.Records(r) {
		if err != nil {
			return nil, nil, files.Info{}, err
		}
		recs = append(recs, rec.Clone())
		if limit > 0 && len(recs) == limit {
			break
		}
	}
	return r.Header(), recs, files.InfoOf(r), nil
}

// checkSourceFlags refuses reading options that do not apply to the file's
// format, which would otherwise be ignored without a word (--sheet on a
// CSV, --delimiter on a workbook).
func checkSourceFlags(path string, src mappings.SourceOptions) error {
	format := files.FormatOf(path)
	if src.Sheet != "" && format != "xlsx" && format != "" {
		return fmt.Errorf("--sheet applies to .xlsx workbooks; %s is read as %s", path, format)
	}
	if format != "csv" && format != "" {
		for _, f := range []struct{ name, v string }{{"--encoding", src.Encoding}, {"--delimiter", src.Delimiter}} {
			if f.v != "" {
				return fmt.Errorf("%s applies to CSV text; %s is read as %s", f.name, path, format)
			}
		}
	}
	if src.HeaderRow != 0 && (format == "parquet" || format == "jsonl") {
		return fmt.Errorf("--header-row applies to CSV and XLSX; %s has its column names in its schema", path)
	}
	return nil
}
