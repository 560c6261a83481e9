package eventexport

import (
	"errors"
	"io"
)

// maxRun bounds the bytes between two '<': encoding/xml buffers a whole
// text node or tag, so without this bound one long value would be held in
// memory whole. Real values are a few KiB; 16 MiB is far beyond them.
const maxRun = 16 << 20

// errRun is returned by textReader.ReadByte past maxRun bytes without a '<'.
var errRun = errors.New("more than 16 MiB of text without a tag")

// textReader is the byte source of the XML decoder. It counts what it
// delivers (offset and line, for citing damage and records), enforces
// maxRun, and can replay a few bytes, so that after damage the reader can
// skip to the next <Event> and start a fresh decoder there.
type textReader struct {
	r      io.Reader
	buf    []byte
	pos, n int
	ioErr  error // a failure of r; io.EOF is not one
	eof    bool
	off    int64 // bytes delivered, replays not counted twice
	line   int64 // 1 + newlines delivered
	run    int   // bytes since the last '<'
	replay []byte
}

func newTextReader(r io.Reader) *textReader {
	return &textReader{r: r, buf: make([]byte, 32<<10), line: 1}
}

// next returns the next byte without the maxRun check.
func (t *textReader) next() (byte, error) {
	if len(t.replay) > 0 {
		b := t.replay[0]
		t.replay = t.replay[1:]
		return b, nil
	}
	for t.pos == t.n {
		if t.eof {
			return 0, io.EOF
		}
		if t.ioErr != nil {
			return 0, t.ioErr
		}
		t.pos = 0
		t.n, t.ioErr = t.r.Read(t.buf)
		if t.ioErr == io.EOF {
			t.eof, t.ioErr = true, nil
		}
	}
	b := t.buf[t.pos]
	t.pos++
	t.off++
	t.run++
	switch b {
	case '\n':
		t.line++
	case '<':
		t.run = 0
	}
	return b, nil
}

// ReadByte implements io.ByteReader, which makes encoding/xml read through
// it directly rather than through a buffer of its own.
func (t *textReader) ReadByte() (byte, error) {
	b, err := t.next()
	if err == nil && t.run > maxRun {
		return 0, errRun
	}
	return b, err
}

// Read implements io.Reader, which xml.NewDecoder's signature asks for.
func (t *textReader) Read(p []byte) (int, error) {
	for i := range p {
		b, err := t.ReadByte()
		if err != nil {
			if i > 0 {
				return i, nil
			}
			return 0, err
		}
		p[i] = b
	}
	return len(p), nil
}

// skipTo reads up to and including the next occurrence of "<"+name followed
// by a character that ends an element name, arranges for those bytes to be
// read again, and says how many bytes it skipped before them. found is
// false at the end of the input.
func (t *textReader) skipTo(name string) (skipped int64, found bool) {
	start := t.off
	want := "<" + name
	matched := 0
	for {
		b, err := t.next()
		if err != nil {
			return t.off - start, false
		}
		switch {
		case matched == len(want) && isNameEnd(b):
			t.replay = append([]byte(want), b)
			t.run = 1 + len(name) + 1
			return t.off - start - int64(len(want)+1), true
		case matched < len(want) && b == want[matched]:
			matched++
		case b == '<':
			matched = 1
		default:
			matched = 0
		}
	}
}

func isNameEnd(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '>' || b == '/'
}

// drain reads the rest of the input, for its byte count.
func (t *textReader) drain() {
	t.replay = nil
	for {
		if _, err := t.next(); err != nil {
			return
		}
	}
}
