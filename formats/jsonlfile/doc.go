// Package jsonlfile reads and writes JSON Lines (.jsonl, .ndjson): one JSON
// object per line. See Reader for how keys become the header and how
// values are typed, and Writer for how kinds are written. Lines are capped
// at WithMaxLineBytes (default 4 MiB).
// A file holding one JSON array of objects (.json exports, the output of
// `capsule-etl api --paginate`) is read like JSON Lines, one row per object.
package jsonlfile
