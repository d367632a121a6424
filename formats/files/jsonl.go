package files

import (
	"os"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/jsonlfile"
)

func openJSONL(path string, opt Options) (formats.Reader, error) {
	if path == "-" {
		in := opt.Stdin
		if in == nil {
			in = os.Stdin
		}
		return jsonlfile.NewReader(in, jsonlfile.WithName("stdin"))
	}
	return jsonlfile.Open(path)
}

func createJSONL(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	if path == "-" {
		out := opt.Stdout
		if out == nil {
			out = os.Stdout
		}
		return jsonlfile.NewWriter(out, header), nil
	}
	return jsonlfile.Create(path, header, opt.Overwrite)
}
