package xlsxfile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Limits of the XML scanner. A part that goes past one is refused with an
// error saying where: nothing a spreadsheet program writes comes near them.
const (
	MaxCellChars = 32767   // Excel's own limit on the text of one cell
	maxTagBytes  = 1 << 20 // one start or end tag with its attributes
	maxDepth     = 64      // element nesting
	ctxEvery     = 1 << 20 // bytes read between two looks at the context
)

// errTooLong is a text longer than the caller's limit.
var errTooLong = errors.New("text too long")

// xmlScanner is a small streaming XML tokenizer over a worksheet or the
// shared strings: it checks what a reader needs to trust the data (tags nest
// and match, entities are defined, the part does not end inside an element)
// in memory bounded by the tag and text limits, whatever the part's size.
// encoding/xml buffers each text node whole and excelize ignores its errors,
// which is how a 900 MB cell or blank run, or a broken tag, went unnoticed.
type xmlScanner struct {
	br    *bufio.Reader
	ctx   context.Context
	read  int64 // bytes consumed, for the context checks
	next  int64
	tag   []byte
	stack [][]byte
	ended bool // the root element closed
}

func newXMLScanner(ctx context.Context, r io.Reader) *xmlScanner {
	if ctx == nil {
		ctx = context.Background()
	}
	s := &xmlScanner{br: bufio.NewReaderSize(r, 64<<10), ctx: ctx}
	if b, _ := s.br.Peek(3); bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		s.br.Discard(3) // a UTF-8 byte order mark
	}
	return s
}

// token kinds
const (
	tokStart = iota + 1
	tokEnd
	tokEOF
)

type token struct {
	kind  int
	name  []byte // local name, valid until the next call
	attrs []byte
	empty bool // a self-closing start tag
}

func (s *xmlScanner) count(n int) error {
	s.read += int64(n)
	if s.read >= s.next {
		s.next = s.read + ctxEvery
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// eof turns the end of the input into an error unless the root closed.
func (s *xmlScanner) eof(err error) error {
	if err == io.EOF {
		if s.ended {
			return io.EOF
		}
		if len(s.stack) == 0 {
			return errors.New("the XML is empty or has no root element")
		}
		return fmt.Errorf("the XML ends inside <%s>: the file is cut off or damaged", s.stack[len(s.stack)-1])
	}
	return err
}

// Token returns the next start or end tag, skipping text (after checking its
// entities), comments, processing instructions and CDATA.
func (s *xmlScanner) Token() (token, error) {
	for {
		if s.ended {
			// What follows the root (blanks, comments) is not read.
			return token{kind: tokEOF}, nil
		}
		n := 0
		if _, err := s.textInto(nil, -1, &n); err != nil {
			return token{}, err
		}
		t, ok, err := s.markup(nil, -1)
		if err != nil {
			return token{}, err
		}
		if ok {
			return t, nil
		}
	}
}

// Text appends the element's character data (text and CDATA, entities
// decoded) to dst, up to limit characters, and stops before the next tag.
func (s *xmlScanner) Text(dst []byte, limit int) ([]byte, error) {
	n, from := 0, len(dst)
	for {
		var err error
		if dst, err = s.textInto(dst, limit, &n); err != nil {
			return dst, err
		}
		// A comment or CDATA may sit inside the text; a tag ends it.
		b, err := s.br.Peek(2)
		if err != nil {
			return dst, s.eof(err)
		}
		if b[1] != '!' && b[1] != '?' {
			if !utf8.Valid(dst[from:]) {
				return dst, errors.New("text that is not valid UTF-8 (the XML says it is)")
			}
			return dst, nil
		}
		start := len(dst)
		if _, _, err := s.markup(&dst, limit-n); err != nil {
			return dst, err
		}
		if n += utf8.RuneCount(dst[start:]); n > limit {
			return dst, errTooLong
		}
	}
}

var errBadAmp = errors.New("an & that does not start an entity (write &amp;)")

// textInto reads character data up to the next '<' (left unread). With
// limit < 0 the text is only checked, not kept; n counts the characters kept.
func (s *xmlScanner) textInto(dst []byte, limit int, n *int) ([]byte, error) {
	keep := limit >= 0
	for {
		chunk, err := s.br.ReadSlice('<')
		if cerr := s.count(len(chunk)); cerr != nil {
			return dst, cerr
		}
		found := err == nil
		if found {
			chunk = chunk[:len(chunk)-1]
			_ = s.br.UnreadByte()
		} else if err != bufio.ErrBufferFull && err != io.EOF {
			return dst, err
		}
		if len(s.stack) == 0 && len(bytes.TrimSpace(chunk)) > 0 {
			return dst, errors.New("text outside the root element")
		}
		for len(chunk) > 0 {
			amp := bytes.IndexByte(chunk, '&')
			plain := chunk
			if amp >= 0 {
				plain = chunk[:amp]
			}
			if keep {
				if *n += utf8.RuneCount(plain); *n > limit {
					return dst, errTooLong
				}
				dst = append(dst, plain...)
			}
			if amp < 0 {
				break
			}
			tail := chunk[amp+1:]
			var name []byte
			if semi := bytes.IndexByte(tail[:min(len(tail), 16)], ';'); semi >= 0 {
				name, chunk = tail[:semi], tail[semi+1:]
			} else {
				// The entity runs past the buffered chunk: read it on byte by byte.
				if found || len(tail) >= 16 {
					return dst, errBadAmp
				}
				var ent [16]byte
				m := copy(ent[:], tail)
				for {
					c, err := s.br.ReadByte()
					if err != nil {
						return dst, s.eof(err)
					}
					if c == ';' {
						break
					}
					if c == '<' || m == len(ent) {
						return dst, errBadAmp
					}
					ent[m] = c
					m++
				}
				name, chunk = ent[:m], nil
			}
			r, err := entity(name)
			if err != nil {
				return dst, err
			}
			if keep {
				if *n++; *n > limit {
					return dst, errTooLong
				}
				dst = utf8.AppendRune(dst, r)
			}
		}
		if found {
			return dst, nil
		}
		if err == io.EOF {
			return dst, s.eof(io.EOF)
		}
	}
}

// entity decodes the name between & and ;.
func entity(name []byte) (rune, error) {
	switch string(name) {
	case "amp":
		return '&', nil
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "quot":
		return '"', nil
	case "apos":
		return '\'', nil
	}
	if len(name) > 1 && name[0] == '#' {
		var v uint64
		var err error
		if name[1] == 'x' {
			v, err = strconv.ParseUint(string(name[2:]), 16, 32)
		} else {
			v, err = strconv.ParseUint(string(name[1:]), 10, 32)
		}
		if err == nil && v > 0 && v <= utf8.MaxRune && utf8.ValidRune(rune(v)) {
			return rune(v), nil
		}
		return 0, fmt.Errorf("the character reference &%s; is not a valid character", name)
	}
	return 0, fmt.Errorf("the entity &%s; is not defined in XML", name)
}

// checkEntities checks the entities in a tag's attributes.
func checkEntities(attrs []byte) error {
	for {
		i := bytes.IndexByte(attrs, '&')
		if i < 0 {
			return nil
		}
		attrs = attrs[i+1:]
		j := bytes.IndexByte(attrs, ';')
		if j < 0 || j > 12 {
			return errors.New("an & in an attribute that does not start an entity")
		}
		if _, err := entity(attrs[:j]); err != nil {
			return err
		}
		attrs = attrs[j+1:]
	}
}

// markup reads what starts at '<': a tag is returned (ok); a comment or
// processing instruction is skipped; CDATA is appended to cdata when given
// (up to limit characters) and checked otherwise.
func (s *xmlScanner) markup(cdata *[]byte, limit int) (token, bool, error) {
	b, err := s.br.Peek(2)
	if err != nil {
		return token{}, false, s.eof(err)
	}
	switch b[1] {
	case '?':
		return token{}, false, s.skipPast("?>", nil, 0)
	case '!':
		head, _ := s.br.Peek(9)
		switch {
		case bytes.HasPrefix(head, []byte("<!--")):
			return token{}, false, s.skipPast("-->", nil, 0)
		case bytes.HasPrefix(head, []byte("<![CDATA[")):
			s.br.Discard(9)
			if len(s.stack) == 0 {
				return token{}, false, errors.New("CDATA outside the root element")
			}
			return token{}, false, s.skipPast("]]>", cdata, limit)
		default:
			return token{}, false, errors.New("a DOCTYPE or other declaration, which workbooks never hold")
		}
	}
	s.br.Discard(1)
	raw, err := s.readTag()
	if err != nil {
		return token{}, false, err
	}
	end := len(raw) > 0 && raw[0] == '/'
	if end {
		raw = raw[1:]
	}
	empty := len(raw) > 0 && raw[len(raw)-1] == '/'
	if empty {
		raw = raw[:len(raw)-1]
	}
	i := bytes.IndexAny(raw, " \t\r\n")
	if i < 0 {
		i = len(raw)
	}
	qname, attrs := raw[:i], raw[i:]
	if len(qname) == 0 || bytes.ContainsAny(qname, "<>\"'=&") {
		return token{}, false, fmt.Errorf("a malformed tag <%s>", clip(raw))
	}
	local := qname
	if j := bytes.LastIndexByte(local, ':'); j >= 0 {
		local = local[j+1:]
	}
	if end {
		if empty || len(bytes.TrimSpace(attrs)) > 0 {
			return token{}, false, fmt.Errorf("a malformed end tag </%s>", clip(raw))
		}
		if len(s.stack) == 0 {
			return token{}, false, fmt.Errorf("an end tag </%s> with no element open", qname)
		}
		top := s.stack[len(s.stack)-1]
		if !bytes.Equal(top, qname) {
			return token{}, false, fmt.Errorf("the end tag </%s> does not match <%s>", qname, top)
		}
		s.stack = s.stack[:len(s.stack)-1]
		if len(s.stack) == 0 {
			s.ended = true
		}
		return token{kind: tokEnd, name: local}, true, nil
	}
	if !quotesBalanced(attrs) {
		return token{}, false, fmt.Errorf("an unclosed quote in <%s>", clip(raw))
	}
	if err := checkEntities(attrs); err != nil {
		return token{}, false, err
	}
	if s.ended {
		return token{}, false, errors.New("a second root element")
	}
	if !empty {
		if len(s.stack) >= maxDepth {
			return token{}, false, fmt.Errorf("elements nested more than %d deep", maxDepth)
		}
		// Reuse the name buffers of elements closed before.
		var b []byte
		if len(s.stack) < cap(s.stack) {
			b = s.stack[:len(s.stack)+1][len(s.stack)]
		}
		s.stack = append(s.stack, append(b[:0], qname...))
	} else if len(s.stack) == 0 {
		s.ended = true
	}
	return token{kind: tokStart, name: local, attrs: attrs, empty: empty}, true, nil
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// readTag reads the rest of a tag up to its closing > outside quotes and
// returns it without the >, valid until the next call.
func (s *xmlScanner) readTag() ([]byte, error) {
	s.tag = s.tag[:0]
	for {
		chunk, err := s.br.ReadSlice('>')
		if cerr := s.count(len(chunk)); cerr != nil {
			return nil, cerr
		}
		if len(s.tag)+len(chunk) > maxTagBytes {
			return nil, fmt.Errorf("a tag longer than %d bytes", maxTagBytes)
		}
		if i := bytes.IndexByte(chunk, '<'); i >= 0 && !inQuotes(append(s.tag, chunk[:i]...)) {
			return nil, fmt.Errorf("a tag <%s that is not closed", clip(append(s.tag, chunk[:i]...)))
		}
		s.tag = append(s.tag, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return nil, s.eof(err)
		}
		if quotesBalanced(s.tag) {
			return s.tag[:len(s.tag)-1], nil
		}
	}
}

func inQuotes(b []byte) bool { return !quotesBalanced(b) }

// skipPast reads up to and including term, appending what comes before it
// to keep when given (up to limit characters).
func (s *xmlScanner) skipPast(term string, keep *[]byte, limit int) error {
	var win [3]byte
	n := 0
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			return s.eof(err)
		}
		n++
		if err := s.count(1); err != nil {
			return err
		}
		if keep != nil {
			*keep = append(*keep, c)
			if len(*keep) > 4*limit+len(term) {
				return errTooLong
			}
		}
		copy(win[:], win[1:])
		win[len(win)-1] = c
		if n >= len(term) && string(win[len(win)-len(term):]) == term {
			if keep != nil {
				*keep = (*keep)[:len(*keep)-len(term)]
			}
			return nil
		}
	}
}

// Skip reads past the end of the element whose start tag was just read.
func (s *xmlScanner) Skip() error {
	depth := len(s.stack)
	for {
		t, err := s.Token()
		if err != nil {
			return err
		}
		if t.kind == tokEOF {
			return s.eof(io.EOF)
		}
		if t.kind == tokEnd && len(s.stack) < depth {
			return nil
		}
	}
}
