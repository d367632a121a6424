package files

import (
	"errors"

	"github.com/capsule-etl/capsule-etl/formats"
)

var errPending = errors.New("format not supported yet")

func openJSONL(path string, opt Options) (formats.Reader, error) {
	return nil, &formats.ParseError{File: path, Err: errPending}
}
func createJSONL(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	return nil, errPending
}
