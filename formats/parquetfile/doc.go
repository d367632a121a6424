// Package parquetfile reads and writes Parquet with arrow-go's pqarrow.
//
// Reading (Open): record batches of WithBatchRows rows, only the columns
// named by WithColumns (projection). Types: ints of every width (uint64
// above int64 as Decimal), float16/32/64, decimal128/256 (exact Decimal
// text), strings and binary, booleans, date32/64, timestamps of every unit
// (instants in UTC; zones are display hints), lists (List values),
// dictionaries; anything else reads as its text. Nulls are Null. Info
// reports each column's Kind and the codec. Row numbers count data rows
// from 2, as in a spreadsheet export with its header on row 1.
//
// Safety: arrow-go allocates through an allocator capped by WithMemoryLimit
// (default 1 GiB) and every call is guarded by recover, so a corrupt or
// truncated file is a *formats.ParseError, never a panic. The Arrow schema
// some writers store in the footer is ignored: decoding a damaged one can
// exhaust memory before any limit applies.
//
// Writing (Create, Schema): one column per header name with logical types
// from the kinds: String -> string, Int -> int64, Float -> double,
// Decimal -> decimal(38, WithDecimalScale default 2), Bool -> boolean,
// Date -> date32, Timestamp -> timestamp(µs, UTC), List -> list<string>;
// Null or missing kinds are strings. zstd by default (WithCompression:
// snappy, gzip, none); row groups of WithRowGroupRows. Values of another
// kind are converted when exact (text is parsed), else Write fails naming
// row and column. Files are written atomically.
package parquetfile
