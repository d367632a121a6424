package files

import (
	"context"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/parquetfile"
)

func openParquet(path string, opt Options) (formats.Reader, error) {
	var opts []parquetfile.Option
	if opt.Columns != nil {
		opts = append(opts, parquetfile.WithColumns(opt.Columns...))
	}
	return parquetfile.Open(context.Background(), path, opts...)
}

func createParquet(path string, header []string, opt WriteOptions) (formats.Writer, error) {
	opts := []parquetfile.WriteOption{parquetfile.WithOverwrite(opt.Overwrite), parquetfile.WithCompression(opt.Compression)}
	if opt.DecimalScale > 0 {
		opts = append(opts, parquetfile.WithDecimalScale(opt.DecimalScale))
	}
	return parquetfile.Create(path, header, opt.ColumnTypes, opts...)
}
