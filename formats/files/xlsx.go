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
