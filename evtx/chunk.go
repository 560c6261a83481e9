package evtx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"time"
)

const (
	fileHeaderSize  = 4096
	chunkSize       = 65536
	chunkHeaderSize = 512
	recordHeader    = 24 // signature, size, record id, written time
	// minRecord is the smallest record seen in practice; a jump in record
	// ids larger than the skipped bytes could hold is not counted as loss.
	minRecord = 64
)

var (
	fileMagic   = []byte("ElfFile\x00")
	chunkMagic  = []byte("ElfChnk\x00")
	recordMagic = []byte("**\x00\x00")
)

// chunkResult is what decoding one chunk yields. Events are held per chunk
// only, so memory is bounded by the number of chunks in flight.
type chunkResult struct {
	events   []Event
	problems []Problem
	records  int // records read: decoded, or recognised and passed over
	filtered int // of records, those the caller's filter did not want
	lost     int // records known to exist that could not be read
	spans    map[string]Span
}

// chunkDecoder decodes one chunk. It is used by one goroutine only:
// golang-evtx's template parsing is not safe for concurrent use.
type chunkDecoder struct {
	file       string
	index      int
	fileOff    int64
	data       []byte
	opts       *Options
	templates  map[int]*template
	tmplErrs   map[int]error
	res        chunkResult
	recordNote string // a problem found while decoding the current record

	// The previous record's computer, raw and decoded: a log names one
	// computer, so its name is decoded once, not once per record.
	lastComputerRaw []byte
	lastComputer    string
}

// decodeChunk decodes the chunk in data (fewer than 64 KiB when the file is
// truncated), turning any panic into a problem that names the chunk, so
// that one damaged chunk never costs the others.
func decodeChunk(file string, index int, fileOff int64, data []byte, opts *Options) (res chunkResult) {
	c := &chunkDecoder{file: file, index: index, fileOff: fileOff, data: data, opts: opts,
		templates: map[int]*template{}, tmplErrs: map[int]error{}}
	defer func() {
		if r := recover(); r != nil {
			c.problem(0, 0, fmt.Sprintf("decoding stopped by an internal error (%v); records after this point in the chunk are lost", r))
			res = c.res
		}
	}()
	c.run()
	return c.res
}

func (c *chunkDecoder) problem(off int, record uint64, msg string) {
	c.res.problems = append(c.res.problems, Problem{File: c.file, Chunk: c.index,
		Offset: c.fileOff + int64(off), Record: record, Message: msg})
}

func (c *chunkDecoder) u32(off int) uint32 { return binary.LittleEndian.Uint32(c.data[off:]) }
func (c *chunkDecoder) u64(off int) uint64 { return binary.LittleEndian.Uint64(c.data[off:]) }

func (c *chunkDecoder) run() {
	d := c.data
	if len(d) < chunkHeaderSize {
		c.problem(0, 0, fmt.Sprintf("the file ends %d bytes into this chunk, inside its header; the chunk is lost", len(d)))
		return
	}
	firstID, lastID := c.u64(24), c.u64(32)
	c.checkHeaderCRC()
	limit := c.recordsEnd()
	next := c.walk(firstID, limit)
	if next <= lastID && lastID-next < uint64(chunkSize-limit)/minRecord+1 {
		c.res.lost += int(lastID - next + 1)
		c.problem(limit, next, fmt.Sprintf("records %d to %d, which the chunk header lists, could not be read", next, lastID))
	}
}

func (c *chunkDecoder) checkHeaderCRC() {
	h := crc32.NewIEEE()
	h.Write(c.data[:120])
	h.Write(c.data[128:chunkHeaderSize])
	if got, want := h.Sum32(), c.u32(124); got != want {
		c.problem(0, 0, fmt.Sprintf("chunk header checksum mismatch (stored %08x, computed %08x): its string and template tables may be damaged", want, got))
	}
}

// recordsEnd returns where the records end: the free-space offset, checked
// against the records checksum. A truncated chunk ends where the file does.
func (c *chunkDecoder) recordsEnd() int {
	free := int(c.u32(48))
	switch {
	case free < chunkHeaderSize || free > chunkSize:
		c.problem(48, 0, fmt.Sprintf("chunk header gives an impossible end of records (%d); reading records up to the end of the chunk", free))
		return len(c.data)
	case free > len(c.data):
		c.problem(len(c.data), 0, fmt.Sprintf("the file ends %d bytes into this chunk, before the end of its records (byte %d)", len(c.data), free))
		return len(c.data)
	}
	if got, want := crc32.ChecksumIEEE(c.data[chunkHeaderSize:free]), c.u32(52); got != want {
		c.problem(chunkHeaderSize, 0, fmt.Sprintf("records checksum mismatch (stored %08x, computed %08x): the records of this chunk were read but some value in them was altered", want, got))
	}
	return free
}

// walk reads the records between the chunk header and limit. On a damaged
// record it reports it, looks for the next valid record and counts the
// records skipped over. It returns the id expected after the last record.
func (c *chunkDecoder) walk(expect uint64, limit int) uint64 {
	for off := chunkHeaderSize; off+recordHeader <= limit; {
		size, why := c.recordAt(off, limit)
		if why != "" {
			next, nextOff := c.resync(off+8, limit)
			c.reportGap(off, expect, next, nextOff, why)
			if nextOff < 0 {
				return expect
			}
			expect, off = next, nextOff
			continue
		}
		id := c.u64(off + 8)
		c.record(off, size, id)
		expect, off = id+1, off+size
	}
	return expect
}

// recordAt checks the record at off and returns its size, or why it is not
// a record.
func (c *chunkDecoder) recordAt(off, limit int) (int, string) {
	d := c.data
	if !bytes.Equal(d[off:off+4], recordMagic) {
		return 0, fmt.Sprintf("no record signature (found % x)", d[off:off+4])
	}
	size := int(c.u32(off + 4))
	if size < recordHeader+8 || off+size > limit {
		return 0, fmt.Sprintf("impossible record size %d", size)
	}
	if int(c.u32(off+size-4)) != size {
		return 0, fmt.Sprintf("record size %d does not match the copy at its end (%d)", size, c.u32(off+size-4))
	}
	return size, ""
}

// resync finds the next valid record at or after off. Records are 8-byte
// aligned, which keeps the search cheap.
func (c *chunkDecoder) resync(off, limit int) (uint64, int) {
	for off = (off + 7) &^ 7; off+recordHeader <= limit; off += 8 {
		if _, why := c.recordAt(off, limit); why == "" {
			return c.u64(off + 8), off
		}
	}
	return 0, -1
}

func (c *chunkDecoder) reportGap(off int, expect, next uint64, nextOff int, why string) {
	switch {
	case nextOff < 0:
		c.problem(off, expect, fmt.Sprintf("damaged record at chunk offset %d: %s; no readable record follows in this chunk", off, why))
	case next == expect+1:
		c.res.lost++
		c.problem(off, expect, fmt.Sprintf("damaged record at chunk offset %d: %s; record %d lost, reading resumes at record %d", off, why, expect, next))
	case next > expect && next-expect <= uint64(nextOff-off)/minRecord:
		c.res.lost += int(next - expect)
		c.problem(off, expect, fmt.Sprintf("damaged record at chunk offset %d: %s; records %d to %d lost, reading resumes at record %d", off, why, expect, next-1, next))
	default:
		c.res.lost++
		c.problem(off, expect, fmt.Sprintf("damaged record at chunk offset %d: %s; reading resumes at record %d", off, why, next))
	}
}

// record decodes one record whose framing is valid.
func (c *chunkDecoder) record(off, size int, id uint64) {
	c.recordNote = ""
	in, err := c.readInstance(off+recordHeader, off+size-4)
	if err != nil {
		c.res.lost++
		c.problem(off, id, "record cannot be decoded: "+err.Error())
		return
	}
	c.res.records++
	ev := Event{File: c.file, Chunk: c.index, RecordID: id}
	in.header(&ev)
	written := fileTime(c.u64(off + 16))
	c.span(c.computerOf(in), written)
	if c.opts.Want != nil && !c.opts.Want(ev.Channel, ev.Provider, ev.EventID) {
		c.res.filtered++
		return
	}
	ev.Time = written
	c.fill(in, &ev)
	if c.recordNote != "" {
		c.problem(off, id, "part of the record could not be decoded: "+c.recordNote)
	}
	c.res.events = append(c.res.events, ev)
}

// template returns the parsed template definition at chunk offset off,
// parsing it once per chunk: definitions are chunk-local.
func (c *chunkDecoder) template(off int) (*template, error) {
	if t, ok := c.templates[off]; ok {
		return t, nil
	}
	if err, ok := c.tmplErrs[off]; ok {
		return nil, err
	}
	t, err := parseTemplate(c.data, off)
	if err != nil {
		c.tmplErrs[off] = err
		return nil, err
	}
	c.templates[off] = t
	return t, nil
}

// span counts a record, filtered or not, in its computer's time span.
func (c *chunkDecoder) span(computer string, t time.Time) {
	if c.res.spans == nil {
		c.res.spans = map[string]Span{}
	}
	c.res.spans[computer] = c.res.spans[computer].add(Span{Records: 1, First: t, Last: t})
}

// computerOf returns the record's computer name, decoding it only when its
// bytes differ from the previous record's.
func (c *chunkDecoder) computerOf(in *instance) string {
	it := in.t.computer
	if it == nil || it.sub < 0 || it.sub >= len(in.values) {
		return in.text(it)
	}
	raw := in.values[it.sub].b
	if c.lastComputerRaw == nil || !bytes.Equal(raw, c.lastComputerRaw) {
		c.lastComputerRaw, c.lastComputer = raw, in.text(it)
	}
	return c.lastComputer
}
