package xlsxfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/capsule-etl/capsule-etl/formats"
)

// Sentinels for workbooks this package refuses.
var (
	ErrEncrypted    = errors.New("the workbook is password-protected (encrypted)")
	ErrOldXLS       = errors.New("this is an old Excel 97-2003 .xls workbook, not .xlsx")
	ErrNotXLSX      = errors.New("not an XLSX workbook")
	ErrSheetMissing = errors.New("sheet not found")
	// ErrCellError is a cell holding an Excel error value (t="e": #N/A,
	// #DIV/0!, #REF!, ...), usually a formula that failed. Reading stops
	// there rather than importing a blank or the error text as data.
	ErrCellError = errors.New("the cell holds the Excel error")
)

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
	// An encrypted .xlsx is an OLE container holding an "EncryptedPackage"
	// stream; its directory entry names it in UTF-16LE.
	encryptedName = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")
)

// sniff refuses files excelize would reject with a vague message, saying
// what the file is and what to do about it.
func sniff(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 8)
	if _, err := io.ReadFull(f, head); err != nil {
		return &formats.ParseError{File: path, Err: fmt.Errorf("%w: the file is too short", ErrNotXLSX)}
	}
	switch {
	case bytes.Equal(head, oleMagic):
		// The directory of a small OLE file sits near its start; 8 MiB is plenty.
		rest, _ := io.ReadAll(io.LimitReader(f, 8<<20))
		if bytes.Contains(rest, encryptedName) {
			return &formats.ParseError{File: path, Err: fmt.Errorf("%w: open it in Excel, remove the password (File > Info > Protect Workbook) and save it again", ErrEncrypted)}
		}
		return &formats.ParseError{File: path, Err: fmt.Errorf("%w: open it in Excel and save it as .xlsx (Excel Workbook)", ErrOldXLS)}
	case !bytes.Equal(head[:4], zipMagic):
		return &formats.ParseError{File: path, Err: fmt.Errorf("%w: the file does not start like one (is it CSV with the wrong extension?)", ErrNotXLSX)}
	}
	return nil
}

// checkInflatedSize refuses a workbook whose parts add up to more than limit
// bytes once unzipped, with a typed error (excelize's own message is text only).
func checkInflatedSize(path string, limit int64) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return &formats.ParseError{File: path, Err: fmt.Errorf("%w: %w", ErrNotXLSX, err)}
	}
	defer zr.Close()
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if total > uint64(limit) {
		return &formats.ParseError{File: path, Err: fmt.Errorf("%w: %d bytes unzipped, the limit is %d", formats.ErrTooLarge, total, limit)}
	}
	return nil
}
