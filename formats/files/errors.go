package files

import (
	"github.com/capsule-etl/capsule-etl/formats/csvfile"
	"github.com/capsule-etl/capsule-etl/formats/xlsxfile"
)

// What Open reports about a file it cannot read, besides formats'
// ParseError sentinels (use errors.Is). Callers need not import the
// format packages.
var (
	ErrSheetMissing = xlsxfile.ErrSheetMissing // the asked sheet is not in the workbook
	ErrOldXLS       = xlsxfile.ErrOldXLS       // an Excel 97-2003 .xls, not .xlsx
	ErrEncrypted    = xlsxfile.ErrEncrypted    // a password-protected workbook
	ErrNotXLSX      = xlsxfile.ErrNotXLSX      // a .xlsx that is not a workbook
	ErrSpreadsheet  = csvfile.ErrSpreadsheet   // a CSV path holding a workbook or zip
	ErrNotText      = csvfile.ErrNotText       // a CSV path holding binary data
)
