package parquetfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/capsule-etl/capsule-etl/formats"
)

// Defaults for reading.
const (
	DefaultBatchRows   = 16 << 10
	DefaultMemoryLimit = 1 << 30 // bytes held by arrow-go at once
)

type config struct {
	columns  []string
	batch    int64
	memLimit int64
}

// Option configures a Reader.
type Option func(*config)

// WithColumns reads only the named top-level columns, in the order given
// (projection: the others are never decoded).
func WithColumns(names ...string) Option { return func(c *config) { c.columns = names } }

// WithBatchRows sets how many rows are decoded per record batch.
func WithBatchRows(n int64) Option { return func(c *config) { c.batch = n } }

// WithMemoryLimit caps the memory arrow-go may hold while decoding.
func WithMemoryLimit(n int64) Option { return func(c *config) { c.memLimit = n } }

// Reader streams a Parquet file batch by batch. Row numbers in positions and
// errors count data rows from 2, as if the file were exported to a
// spreadsheet with its header on row 1.
type Reader struct {
	path    string
	pf      *file.Reader
	rr      pqarrow.RecordReader
	header  *formats.Header
	rec     formats.Record
	batch   arrow.RecordBatch
	getters []getter
	i, n    int
	row     int
	info    formats.Info
	err     error
}

var (
	_ formats.Reader   = (*Reader)(nil)
	_ formats.Informer = (*Reader)(nil)
)

// Open opens a Parquet file.
func Open(ctx context.Context, path string, opts ...Option) (r *Reader, err error) {
	cfg := config{batch: DefaultBatchRows, memLimit: DefaultMemoryLimit}
	for _, o := range opts {
		o(&cfg)
	}
	r = &Reader{path: path}
	defer func() {
		if err != nil {
			r.Close()
			r = nil
		}
	}()
	defer guard(&err, "opening "+path)
	mem := &limitAllocator{mem: memory.NewGoAllocator(), max: cfg.memLimit}
	props := parquet.NewReaderProperties(mem)
	props.BufferedStreamEnabled = true // read pages through a window, not whole column chunks
	if r.pf, err = file.OpenParquetFile(path, false, file.WithReadProps(props)); err != nil {
		return nil, &formats.ParseError{File: path, Err: fmt.Errorf("not a readable Parquet file: %w", err)}
	}
	dropStoredArrowSchema(r.pf)
	fr, err := pqarrow.NewFileReader(r.pf, pqarrow.ArrowReadProperties{BatchSize: cfg.batch}, mem)
	if err != nil {
		return nil, &formats.ParseError{File: path, Err: err}
	}
	leaves, err := project(r.pf, cfg.columns)
	if err != nil {
		return nil, &formats.ParseError{File: path, Column: "", Err: err}
	}
	if r.pf.MetaData().Schema.NumColumns() == 0 || r.pf.NumRowGroups() == 0 {
		sc, err := fr.Schema()
		if err != nil {
			return nil, &formats.ParseError{File: path, Err: err}
		}
		r.setSchema(sc, cfg.columns)
		return r, nil
	}
	if r.rr, err = fr.GetRecordReader(ctx, leaves, nil); err != nil {
		return nil, &formats.ParseError{File: path, Err: err}
	}
	r.setSchema(r.rr.Schema(), nil)
	return r, nil
}

func (r *Reader) setSchema(sc *arrow.Schema, only []string) {
	var names []string
	var kinds []formats.Kind
	for _, f := range sc.Fields() {
		if only != nil && !contains(only, f.Name) {
			continue
		}
		names = append(names, f.Name)
		kinds = append(kinds, kindOf(f.Type))
	}
	r.header = formats.NewHeader(names)
	r.rec = formats.Record{Header: r.header, Values: make([]formats.Value, len(names)), Pos: formats.Position{File: r.path}}
	r.info = formats.Info{Format: "parquet", Columns: kinds, HeaderRow: 1}
	if r.pf.NumRowGroups() > 0 && r.pf.MetaData().Schema.NumColumns() > 0 {
		if cc, err := r.pf.MetaData().RowGroup(0).ColumnChunk(0); err == nil {
			r.info.Compressed = strings.ToLower(cc.Compression().String())
		}
	}
}

func contains(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

// project maps top-level column names to the indices of their leaf columns.
func project(pf *file.Reader, names []string) ([]int, error) {
	if names == nil {
		return nil, nil
	}
	sc := pf.MetaData().Schema
	var leaves []int
	for _, want := range names {
		found := false
		for i := 0; i < sc.NumColumns(); i++ {
			if path := sc.Column(i).ColumnPath(); len(path) > 0 && path[0] == want {
				leaves = append(leaves, i)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: %q", formats.ErrUnknownColumn, want)
		}
	}
	return leaves, nil
}

// Header returns the column names.
func (r *Reader) Header() *formats.Header { return r.header }

// Info says what the file declares: column kinds and compression.
func (r *Reader) Info() formats.Info { return r.info }

// Read returns the next row; the Record is reused.
func (r *Reader) Read() (rec *formats.Record, err error) {
	if r.err != nil {
		return nil, r.err
	}
	defer func() {
		if err != nil && err != io.EOF {
			var pe *formats.ParseError
			if !errors.As(err, &pe) {
				err = &formats.ParseError{File: r.path, Row: r.row + 2, Err: err}
			}
		}
		if err != nil {
			r.err = err
		}
	}()
	defer guard(&err, "reading")
	for r.i >= r.n {
		if r.rr == nil || !r.rr.Next() {
			if r.rr != nil && r.rr.Err() != nil && r.rr.Err() != io.EOF {
				return nil, r.rr.Err()
			}
			return nil, io.EOF
		}
		r.batch = r.rr.RecordBatch()
		r.i, r.n = 0, int(r.batch.NumRows())
		r.getters = r.getters[:0]
		for _, col := range r.batch.Columns() {
			r.getters = append(r.getters, getterFor(col))
		}
	}
	for j, g := range r.getters {
		r.rec.Values[j] = g(r.i)
	}
	r.i++
	r.row++
	r.rec.Pos.Row = r.row + 1
	return &r.rec, nil
}

// Close releases the file.
func (r *Reader) Close() (err error) {
	defer guard(&err, "closing")
	if r.rr != nil {
		r.rr.Release()
		r.rr = nil
	}
	if r.pf != nil {
		err = r.pf.Close()
		r.pf = nil
	}
	return err
}

// dropStoredArrowSchema removes the serialized Arrow schema that Arrow
// writers keep in the footer. Decoding it trusts lengths inside it, and a
// damaged one makes arrow-go allocate gigabytes and kill the process
// (found by FuzzReader). The Parquet schema's logical types carry
// everything this package reads.
func dropStoredArrowSchema(pf *file.Reader) {
	md := pf.MetaData()
	if md == nil || md.FileMetaData == nil {
		return
	}
	kv := md.FileMetaData.KeyValueMetadata
	kept := kv[:0]
	for _, e := range kv {
		if e != nil && e.Key != "ARROW:schema" {
			kept = append(kept, e)
		}
	}
	md.FileMetaData.KeyValueMetadata = kept
}
