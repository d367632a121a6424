package jsonlfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/capsule-etl/capsule-etl/formats"
)

// DefaultMaxLineBytes caps one line, so a file without newlines cannot eat memory.
const DefaultMaxLineBytes = 4 << 20

// headerObjects is how many objects the header is gathered from.
const headerObjects = 100

type pendingLine struct {
	b    []byte
	line int
}

type config struct {
	name    string
	maxLine int
}

// Option configures a Reader.
type Option func(*config)

// WithName sets the file name used in errors.
func WithName(n string) Option { return func(c *config) { c.name = n } }

// WithMaxLineBytes caps the size of one line.
func WithMaxLineBytes(n int) Option { return func(c *config) { c.maxLine = n } }

// Reader reads JSON Lines: one object per line. A file holding one JSON
// array of objects (a .json export, or `capsule-etl api --paginate`) is read
// the same way, one object per row, rows numbered by object. The header is
// the keys of the first 100 objects, in the order first seen (objects of
// different shapes, like people and organisations, share one header); a
// later object with a key none of them has is an error naming the line and
// key (put every key, even with null, in the first object). Missing keys read as null. Values: null, bool,
// strings, numbers as Int when whole and within int64, otherwise Float
// (Decimal when the text has more digits than a float keeps), arrays as
// List, nested objects as their JSON text. Row numbers are line numbers.
type Reader struct {
	cfg    config
	closer io.Closer
	sc     *bufio.Scanner
	header *formats.Header
	rec    formats.Record
	line   int
	// pending holds the lines read ahead to build the header, then the
	// error that stopped the look-ahead; lastLine is r.line after it.
	pending  []pendingLine
	pendErr  error
	lastLine int
	obj      map[string]any
	err      error
}

var (
	_ formats.Reader   = (*Reader)(nil)
	_ formats.Informer = (*Reader)(nil)
)

// Open opens a .jsonl or .ndjson file.
func Open(path string, opts ...Option) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, append([]Option{WithName(path)}, opts...)...)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewReader reads JSON Lines from src; it does not close src.
func NewReader(src io.Reader, opts ...Option) (*Reader, error) {
	cfg := config{name: "input", maxLine: DefaultMaxLineBytes}
	for _, o := range opts {
		o(&cfg)
	}
	src, err := arraySource(src)
	if err != nil {
		return nil, &formats.ParseError{File: cfg.name, Err: err}
	}
	r := &Reader{cfg: cfg, sc: bufio.NewScanner(src)}
	r.sc.Buffer(make([]byte, 0, min(64<<10, cfg.maxLine)), cfg.maxLine)
	line, err := r.nextLine()
	if err == io.EOF {
		r.header = formats.NewHeader(nil)
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	names, err := r.keys(line)
	if err != nil {
		return nil, err
	}
	r.pending = append(r.pending, pendingLine{b: append([]byte(nil), line...), line: r.line})
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	for len(r.pending) < headerObjects {
		line, err := r.nextLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.pendErr = err
			break
		}
		r.pending = append(r.pending, pendingLine{b: append([]byte(nil), line...), line: r.line})
		more, err := r.keyList(line)
		if err != nil {
			break // Read reports it on this line
		}
		for _, k := range more {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	r.lastLine = r.line
	if col, err := formats.CheckHeader(names); err != nil {
		return nil, &formats.ParseError{File: cfg.name, Column: names[col], Err: fmt.Errorf("%w (keys of the first %d objects)", err, len(r.pending))}
	}
	r.header = formats.NewHeader(names)
	r.rec = formats.Record{Header: r.header, Values: make([]formats.Value, len(names)), Pos: formats.Position{File: cfg.name}}
	return r, nil
}

func (r *Reader) perr(col string, err error) error {
	return &formats.ParseError{File: r.cfg.name, Row: r.line, Column: col, Err: err}
}

// nextLine returns the next non-blank line.
func (r *Reader) nextLine() ([]byte, error) {
	for r.sc.Scan() {
		r.line++
		b := bytes.TrimSpace(r.sc.Bytes())
		if r.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
		}
		if len(b) > 0 {
			return b, nil
		}
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, r.perr("", fmt.Errorf("%w: line %d is over %d bytes", formats.ErrRecordTooLarge, r.line+1, r.cfg.maxLine))
		}
		return nil, r.perr("", err)
	}
	return nil, io.EOF
}

// keys lists the keys of the object on line, in order, and checks them
// as a header.
func (r *Reader) keys(line []byte) ([]string, error) {
	names, err := r.keyList(line)
	if err != nil {
		return nil, err
	}
	if col, err := formats.CheckHeader(names); err != nil {
		return nil, r.perr(names[col], err)
	}
	return names, nil
}

// keyList lists the keys of the object on line, in order.
func (r *Reader) keyList(line []byte) ([]string, error) {
	var names []string
	err := r.walk(line, func(key string, dec *json.Decoder) error {
		names = append(names, key)
		var skip json.RawMessage
		return dec.Decode(&skip)
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// walk calls fn for each key of the object on line with the decoder
// positioned at its value.
func (r *Reader) walk(line []byte, fn func(key string, dec *json.Decoder) error) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return r.perr("", errors.New("not a JSON object: each line must be one {...} object"))
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return r.perr("", fmt.Errorf("invalid JSON: %w", err))
		}
		if err := fn(tok.(string), dec); err != nil {
			var pe *formats.ParseError
			if errors.As(err, &pe) {
				return err
			}
			return r.perr(tok.(string), fmt.Errorf("invalid JSON: %w", err))
		}
	}
	if _, err := dec.Token(); err != nil {
		return r.perr("", fmt.Errorf("invalid JSON: %w", err))
	}
	if dec.More() {
		return r.perr("", errors.New("more than one JSON value on the line"))
	}
	return nil
}

// Header returns the column names.
func (r *Reader) Header() *formats.Header { return r.header }

// Info names the format.
func (r *Reader) Info() formats.Info {
	return formats.Info{Format: "jsonl", Encoding: "utf-8", HeaderRow: 1}
}

// Read returns the next object; the Record is reused.
func (r *Reader) Read() (*formats.Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	var line []byte
	var err error
	switch {
	case len(r.pending) > 0:
		line, r.line = r.pending[0].b, r.pending[0].line
		r.pending = r.pending[1:]
		if len(r.pending) == 0 {
			defer func() { r.line = r.lastLine }()
		}
	case r.pendErr != nil:
		r.err = r.pendErr
		return nil, r.err
	default:
		if line, err = r.nextLine(); err != nil {
			r.err = err
			return nil, err
		}
	}
	// One Decode per line into a map is several times faster than walking
	// tokens; key order only matters for the first line.
	clear(r.obj)
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&r.obj); err != nil || r.obj == nil {
		r.err = r.perr("", errors.New("not a JSON object: each line must be one {...} object"))
		if err != nil && !isTypeError(err) {
			r.err = r.perr("", fmt.Errorf("invalid JSON: %w", err))
		}
		return nil, r.err
	}
	if dec.More() {
		r.err = r.perr("", errors.New("more than one JSON value on the line"))
		return nil, r.err
	}
	found := 0
	for i, name := range r.header.Names() {
		v, ok := r.obj[name]
		if ok {
			found++
		}
		r.rec.Values[i] = toValue(v)
	}
	if found < len(r.obj) {
		for key := range r.obj {
			if i, ok := r.header.Index(key); !ok || r.header.Names()[i] != key {
				r.err = r.perr(key, fmt.Errorf("%w: key %q is not in the first objects; list every key in the first line (null is fine)", formats.ErrUnknownColumn, key))
				return nil, r.err
			}
		}
	}
	r.rec.Pos.Row = r.line
	return &r.rec, nil
}

func toValue(v any) formats.Value {
	switch x := v.(type) {
	case nil:
		return formats.Value{}
	case bool:
		return formats.BoolValue(x)
	case string:
		return formats.StringValue(x)
	case json.Number:
		return numberValue(string(x))
	case []any:
		vs := make([]formats.Value, len(x))
		for i, e := range x {
			vs[i] = toValue(e)
		}
		return formats.ListValue(vs)
	}
	b, _ := json.Marshal(v)
	return formats.StringValue(string(b))
}

func numberValue(s string) formats.Value {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return formats.IntValue(n)
	}
	if !strings.ContainsAny(s, "eE") && significantDigits(s) > 15 {
		return formats.DecimalValue(s)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return formats.FloatValue(f)
	}
	return formats.DecimalValue(s)
}

func significantDigits(s string) int {
	s = strings.TrimLeft(strings.ReplaceAll(strings.TrimLeft(s, "-"), ".", ""), "0")
	return len(strings.TrimRight(s, "0"))
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// arraySource returns src as JSON Lines: unchanged, or, when its first
// character is '[', the array's elements one per line, decoded one at a
// time so a large array is streamed.
func arraySource(src io.Reader) (io.Reader, error) {
	br := bufio.NewReader(src)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return br, nil // empty: the line reader says so
		}
		switch {
		case b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n':
			br.ReadByte()
			continue
		case b[0] == 0xEF:
			if bom, _ := br.Peek(3); string(bom) == "\xEF\xBB\xBF" {
				br.Discard(3)
				continue
			}
		case b[0] == '[':
			dec := json.NewDecoder(br)
			dec.UseNumber()
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return &arrayLines{dec: dec}, nil
		}
		return br, nil
	}
}

// arrayLines turns the elements of a JSON array into lines.
type arrayLines struct {
	dec *json.Decoder
	buf bytes.Buffer
	err error
}

func (a *arrayLines) Read(p []byte) (int, error) {
	for a.buf.Len() == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if !a.dec.More() {
			if _, err := a.dec.Token(); err != nil { // the closing ]
				a.err = fmt.Errorf("the JSON array is not closed: %w", err)
				continue
			}
			a.err = io.EOF
			continue
		}
		var raw json.RawMessage
		if err := a.dec.Decode(&raw); err != nil {
			a.err = fmt.Errorf("invalid JSON in the array: %w", err)
			continue
		}
		if err := json.Compact(&a.buf, raw); err != nil {
			a.err = err
			continue
		}
		a.buf.WriteByte('\n')
	}
	return a.buf.Read(p)
}
