package listen

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Change is one line of the output.
type Change struct {
	Event      string          `json:"event"`
	Entity     string          `json:"entity"`
	ID         int64           `json:"id"`
	UpdatedAt  string          `json:"updatedAt,omitempty"`
	DeletedAt  string          `json:"deletedAt,omitempty"`
	ReceivedAt string          `json:"receivedAt"`
	Record     json.RawMessage `json:"record"`
}

// Key identifies a change for deduplication: entity, id, event and
// updatedAt, and a digest of the record. A created and an updated event of
// the same record state are the same change (catch-up cannot tell them
// apart and writes …/updated); the digest keeps two different states that
// Capsule stamped with the same second apart. A record is deleted once,
// whenever the feed says.
func (c *Change) Key() string {
	_, verb, _ := strings.Cut(c.Event, "/")
	id := strconv.FormatInt(c.ID, 10)
	switch verb {
	case "created":
		verb = "updated"
	case "deleted":
		return c.Entity + "\x00" + id + "\x00deleted"
	}
	return c.Entity + "\x00" + id + "\x00" + verb + "\x00" + c.UpdatedAt + "\x00" + digest(c.Record)
}

// digest hashes the record's canonical JSON (keys sorted), so the same
// state read from a hook and from a list compares equal.
func digest(raw json.RawMessage) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		v = string(raw)
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// output appends changes to a JSON Lines file, once each. It is safe for
// concurrent use; Write returns only when the lines are fsynced. Writes
// that arrive together share one fsync (group commit), so many concurrent
// deliveries cost little more than one.
type output struct {
	path string
	f    *os.File
	seen map[string]struct{} // owned by the writer goroutine after open
	reqs chan *writeReq
	done chan struct{}
	buf  bytes.Buffer
	size int64 // bytes durable in f
}

type writeReq struct {
	cs    []Change
	n     int
	err   error
	ready chan struct{}
}

// openOutput opens (or creates) path, drops a torn last line left by a
// crash mid-write, and remembers every change already in it.
func openOutput(path string) (*output, error) {
	if !strings.HasSuffix(strings.ToLower(path), ".jsonl") {
		return nil, fmt.Errorf("--output %s: listen writes .jsonl, .csv or .parquet", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--output: %w", err)
	}
	o := &output{path: path, f: f, seen: map[string]struct{}{}, reqs: make(chan *writeReq, 64), done: make(chan struct{})}
	good, err := o.load()
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("--output %s: %w", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	o.size = good
	go o.loop()
	return o, nil
}

// load reads the existing lines; it returns the length of the complete,
// valid prefix.
func (o *output) load() (int64, error) {
	r := bufio.NewReaderSize(o.f, 1<<20)
	var off int64
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			// A last line without its newline was torn by a crash: it was
			// never acknowledged, so it is dropped and will come again.
			return off, nil
		}
		if err != nil {
			return 0, fmt.Errorf("--output %s: %w", o.path, err)
		}
		var c Change
		if err := json.Unmarshal(b, &c); err != nil || c.Event == "" {
			if _, peekErr := r.Peek(1); errors.Is(peekErr, io.EOF) {
				return off, nil // torn last line
			}
			return 0, fmt.Errorf("--output %s line %d is not a change written by listen (%v): write to a new file, or move this one away", o.path, line, err)
		}
		o.seen[c.Key()] = struct{}{}
		off += int64(len(b))
	}
}

// Write appends the changes not yet written and fsyncs; it returns how
// many were new.
func (o *output) Write(cs []Change) (int, error) {
	req := &writeReq{cs: cs, ready: make(chan struct{})}
	o.reqs <- req
	<-req.ready
	return req.n, req.err
}

func (o *output) loop() {
	defer close(o.done)
	for req := range o.reqs {
		batch := []*writeReq{req}
	more:
		for {
			select {
			case r, ok := <-o.reqs:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		o.commit(batch)
	}
}

// commit writes a batch with one fsync and answers every request.
func (o *output) commit(batch []*writeReq) {
	o.buf.Reset()
	fresh := map[string]struct{}{}
	var err error
	for _, req := range batch {
		for i := range req.cs {
			k := req.cs[i].Key()
			if _, dup := o.seen[k]; dup {
				continue
			}
			if _, dup := fresh[k]; dup {
				continue
			}
			b, merr := json.Marshal(&req.cs[i])
			if merr != nil {
				req.err = fmt.Errorf("encoding change %s %d: %w", req.cs[i].Event, req.cs[i].ID, merr)
				break
			}
			o.buf.Write(b)
			o.buf.WriteByte('\n')
			fresh[k] = struct{}{}
			req.n++
		}
	}
	if len(fresh) > 0 {
		if _, werr := o.f.Write(o.buf.Bytes()); werr != nil {
			err = fmt.Errorf("writing %s: %w", o.path, werr)
		} else if serr := o.f.Sync(); serr != nil {
			err = fmt.Errorf("syncing %s: %w", o.path, serr)
		}
		if err != nil {
			// Take back a partial write: the deliveries are answered 500
			// and come again.
			_ = o.f.Truncate(o.size)
			_, _ = o.f.Seek(o.size, io.SeekStart)
		} else {
			o.size += int64(o.buf.Len())
		}
	}
	for _, req := range batch {
		if err != nil {
			req.n, req.err = 0, err
		}
		close(req.ready)
	}
	if err == nil {
		for k := range fresh {
			o.seen[k] = struct{}{}
		}
	}
}

// Close stops the writer; no Write may follow.
func (o *output) Close() error {
	close(o.reqs)
	<-o.done
	return o.f.Close()
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// lag is the time from the change (updatedAt, or deletedAt) to its receipt.
func (c *Change) lag() (time.Duration, bool) {
	at := c.UpdatedAt
	if at == "" {
		at = c.DeletedAt
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return 0, false
	}
	r, err := time.Parse(time.RFC3339Nano, c.ReceivedAt)
	if err != nil {
		return 0, false
	}
	return max(r.Sub(t), 0), true
}
