package files

import (
	"errors"

	"github.com/capsule-etl/capsule-etl/formats"
)

var errPending = errors.New("format not supported yet")

func openParquet(path string, opt Options) (formats.Reader, error) {
	return nil, &formats.ParseError{File: path, Err: errPending}
}
func openJSONL(path string, opt Options) (formats.Reader, error) {
	return nil, &formats.ParseError{File: path, Err: errPending}
}
func createParquet(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	return nil, errPending
}
func createJSONL(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	return nil, errPending
}
