package files

import (
	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/xlsxfile"
)

func openXLSX(path string, opt Options) (formats.Reader, error) {
	opts := []xlsxfile.Option{xlsxfile.WithSheet(opt.Sheet), xlsxfile.WithHeaderRow(opt.HeaderRow)}
	if opt.Context != nil {
		opts = append(opts, xlsxfile.WithContext(opt.Context))
	}
	return xlsxfile.Open(path, opts...)
}

func createXLSX(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	opts := []xlsxfile.WriteOption{xlsxfile.WithOverwrite(opt.Overwrite)}
	if opt.NoFormulaGuard {
		opts = append(opts, xlsxfile.WithoutFormulaGuard())
	}
	return xlsxfile.Create(path, opt.Sheet, header, opt.ColumnTypes, opts...)
}

// Workbook is an XLSX file written one sheet after another (AddSheet for
// each, then Close; Abort leaves nothing behind).
type Workbook = xlsxfile.Workbook

// CreateWorkbook starts a workbook at path; opt.Overwrite and
// opt.NoFormulaGuard apply (the other options are per sheet or other
// formats').
func CreateWorkbook(path string, opt WriteOptions) (*Workbook, error) {
	opts := []xlsxfile.WriteOption{xlsxfile.WithOverwrite(opt.Overwrite)}
	if opt.NoFormulaGuard {
		opts = append(opts, xlsxfile.WithoutFormulaGuard())
	}
	return xlsxfile.NewWorkbook(path, opts...)
}
