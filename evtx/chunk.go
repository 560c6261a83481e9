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
	recs     []recordInfo // every record read, decoded or passed over, in chunk order
	problems []Problem
	lost     int // records known to exist that could not be read
	// ids are the record ids the chunk accounts for: those its header
	// lists when the header checksum holds, else those of the records read.
	ids        idRange
	recovered  int  // records read from a chunk whose header is lost
	headerless bool // the chunk's header is lost: the records were found by their signatures
}

// recordInfo is what the file-wide checks need of each record read: its id
// (gaps and repeats across chunks), its computer and written time (spans).
type recordInfo struct {
	id       uint64
	computer string
	written  time.Time // zero when unknown
	emitted  bool      // the record was decoded into an event: Want took it
}

// idRange is an inclusive range of record ids; ok is false for none.
type idRange struct {
	first, last uint64
	ok          bool
}

func (r *idRange) add(id uint64) {
	switch {
	case !r.ok:
		*r = idRange{id, id, true}
	case id < r.first:
		r.first = id
	case id > r.last:
		r.last = id
	}
}

// Why an event's bytes are not vouched for by a checksum (Event.Unverified).
const (
	UnverifiedChunk     = "its chunk's records checksum failed"
	UnverifiedRecovered = "it was recovered from a chunk whose header is lost"
	UnverifiedSignature = "its record signature is damaged"
)

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
	// unverified is set when the records checksum failed: every event of
	// the chunk says so (Event.Unverified).
	unverified string
	// toEnd is set when records are read to the end of the chunk rather
	// than to its free-space offset, so the zeros after the last are no
	// damage.
	toEnd bool

	// The previous record's computer, raw and decoded: a log names one
	// computer, so its name is decoded once, not once per record.
	lastComputerRaw []byte
	lastComputer    string

	// passOver is set when the chunk's bytes hold no Options.Sources: no
	// record in it can be wanted, and records are only counted.
	passOver bool
}

// decodeChunk decodes the chunk in data (fewer than 64 KiB when the file is
// truncated); see safely.
func decodeChunk(file string, index int, fileOff int64, data []byte, opts *Options) chunkResult {
	return newChunkDecoder(file, index, fileOff, data, opts).safely((*chunkDecoder).run)
}

func newChunkDecoder(file string, index int, fileOff int64, data []byte, opts *Options) *chunkDecoder {
	c := &chunkDecoder{file: file, index: index, fileOff: fileOff, data: data, opts: opts,
		templates: map[int]*template{}, tmplErrs: map[int]error{}}
	if f := opts.filter; f != nil {
		c.passOver = !f.mayHold(data)
	}
	return c
}

// safely runs fn on the chunk, turning any panic into a problem that names
// the chunk, so that one damaged chunk never costs the others.
func (c *chunkDecoder) safely(fn func(*chunkDecoder)) (res chunkResult) {
	defer func() {
		if r := recover(); r != nil {
			c.problem(0, 0, fmt.Sprintf("decoding stopped by an internal error (%v); records after this point in the chunk are lost", r))
			res = c.res
		}
	}()
	fn(c)
	return c.res
}

// decodeHeaderless reads what a slot without a chunk signature still holds.
// When only the signature is damaged (the header checksum holds once it is
// restored) the chunk is read as any other. Otherwise its records are found
// by their own signatures and consistent sizes, as evtxexport's recovery
// does, and decoded with the names and templates they point to: those are
// written inline in a chunk's records, not in its header. It reports false
// when the slot holds no record at all.
func decodeHeaderless(file string, index int, fileOff int64, data []byte, opts *Options) (chunkResult, bool) {
	found := printable(data[:min(8, len(data))])
	if len(data) >= chunkHeaderSize && binary.LittleEndian.Uint32(data[40:]) == 128 {
		restored := bytes.Clone(data[:chunkHeaderSize])
		copy(restored, chunkMagic)
		if headerCRC(restored) == binary.LittleEndian.Uint32(data[124:]) {
			copy(data, chunkMagic)
			res := decodeChunk(file, index, fileOff, data, opts)
			res.problems = append([]Problem{{File: file, Chunk: index, Offset: fileOff, Message: fmt.Sprintf(
				"no chunk signature (found %q), but the chunk header checksum holds once the signature is restored: the chunk is read as it stands", found)}},
				res.problems...)
			return res, true
		}
	}
	c := newChunkDecoder(file, index, fileOff, data, opts)
	res := c.safely((*chunkDecoder).scan)
	if len(res.recs) == 0 && res.lost == 0 {
		return chunkResult{problems: []Problem{{File: file, Chunk: index, Offset: fileOff, Message: fmt.Sprintf(
			"no chunk signature (found %q) and no record in the slot; its %d bytes are skipped", found, len(data))}}}, false
	}
	res.recovered, res.headerless = len(res.recs), true
	msg := fmt.Sprintf("no chunk signature (found %q) and its header is unreadable: %d records recovered by their own signatures and sizes (ids %d to %d); any other record this chunk held is lost",
		found, len(res.recs), res.ids.first, res.ids.last)
	if res.lost > 0 {
		msg = fmt.Sprintf("no chunk signature (found %q) and its header is unreadable: %d records found by their own signatures and sizes (ids %d to %d), of which %d could be decoded; any other record this chunk held is lost",
			found, len(res.recs)+res.lost, res.ids.first, res.ids.last, len(res.recs))
	}
	res.problems = append([]Problem{{File: file, Chunk: index, Offset: fileOff, Message: msg}}, res.problems...)
	return res, true
}

// scan reads the records of a chunk whose header is lost: every 8-byte
// aligned offset that holds a record signature, a possible size and the
// same size at the record's end starts a record.
func (c *chunkDecoder) scan() {
	for off := chunkHeaderSize; off+recordHeader <= len(c.data); {
		size, why := c.recordAt(off, len(c.data))
		if why != "" {
			off += 8
			continue
		}
		id := c.u64(off + 8)
		c.record(off, size, id, UnverifiedRecovered)
		c.res.ids.add(id)
		off += size
	}
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
	if c.checkHeaderCRC() && firstID <= lastID {
		c.res.ids = idRange{firstID, lastID, true}
	}
	limit := c.recordsEnd()
	next := c.walk(firstID, limit)
	trusted := c.res.ids.ok
	if !trusted {
		for _, r := range c.res.recs {
			c.res.ids.add(r.id)
		}
	}
	if next <= lastID && lastID-next < uint64(chunkSize-limit)/minRecord+1 {
		c.res.lost += int(lastID - next + 1)
		what := fmt.Sprintf("records %d to %d, which the chunk header lists, could not be read", next, lastID)
		if next == lastID {
			what = fmt.Sprintf("record %d, which the chunk header lists, could not be read", next)
		}
		c.problem(limit, next, what)
		if !trusted { // counted lost here, so not again as a gap between chunks
			c.res.ids.add(next)
			c.res.ids.add(lastID)
		}
	}
}

// headerCRC computes the chunk header checksum: bytes 0-119 and 128-511.
func headerCRC(d []byte) uint32 {
	h := crc32.NewIEEE()
	h.Write(d[:120])
	h.Write(d[128:chunkHeaderSize])
	return h.Sum32()
}

// checkHeaderCRC reports a chunk header whose checksum fails and tells
// whether it holds.
func (c *chunkDecoder) checkHeaderCRC() bool {
	if got, want := headerCRC(c.data), c.u32(124); got != want {
		c.problem(0, 0, fmt.Sprintf("chunk header checksum mismatch (stored %08x, computed %08x): its string and template tables may be damaged", want, got))
		return false
	}
	return true
}

// recordsEnd returns where the records end: the free-space offset, checked
// against the records checksum. A truncated chunk ends where the file does.
func (c *chunkDecoder) recordsEnd() int {
	free := int(c.u32(48))
	switch {
	case free < chunkHeaderSize || free > chunkSize:
		c.problem(48, 0, fmt.Sprintf("chunk header gives an impossible end of records (%d); reading records up to the end of the chunk", free))
		c.toEnd, c.unverified = true, UnverifiedChunk
		return len(c.data)
	case free > len(c.data):
		c.problem(len(c.data), 0, fmt.Sprintf("the file ends %d bytes into this chunk, before the end of its records (byte %d)", len(c.data), free))
		return len(c.data)
	}
	if got, want := crc32.ChecksumIEEE(c.data[chunkHeaderSize:free]), c.u32(52); got != want {
		c.problem(chunkHeaderSize, 0, fmt.Sprintf("records checksum mismatch (stored %08x, computed %08x): the records of this chunk were read but some value in them was altered", want, got))
		c.unverified = UnverifiedChunk
	}
	return free
}

// walk reads the records between the chunk header and limit. On a damaged
// record it reports it, looks for the next valid record and counts the
// records skipped over. It returns the id expected after the last record.
func (c *chunkDecoder) walk(expect uint64, limit int) uint64 {
	for off := chunkHeaderSize; off+recordHeader <= limit; {
		if c.toEnd && allZero(c.data[off:limit]) {
			break // the unused end of the chunk
		}
		size, why := c.recordAt(off, limit)
		if why != "" && c.onlySignature(off, limit, expect) {
			// Size, its copy and the id all agree: only the signature is
			// damaged, and the record is read.
			c.problem(off, expect, fmt.Sprintf("damaged record at chunk offset %d: %s, but its size, the copy of its size at its end and its id are consistent: the record is read", off, why))
			c.record(off, int(c.u32(off+4)), expect, UnverifiedSignature)
			expect, off = expect+1, off+int(c.u32(off+4))
			continue
		}
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
		c.record(off, size, id, c.unverified)
		expect, off = id+1, off+size
	}
	return expect
}

// onlySignature tells whether the record at off has a damaged signature
// and nothing else wrong: the id expected, and a size that the copy at its
// end repeats.
func (c *chunkDecoder) onlySignature(off, limit int, expect uint64) bool {
	if bytes.Equal(c.data[off:off+4], recordMagic) || c.u64(off+8) != expect {
		return false
	}
	size := int(c.u32(off + 4))
	return size >= recordHeader+8 && size%8 == 0 && off+size <= limit && int(c.u32(off+size-4)) == size
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

// record decodes one record whose framing is valid. unverified says why
// its bytes are not vouched for, "" when they are.
func (c *chunkDecoder) record(off, size int, id uint64, unverified string) {
	c.recordNote = ""
	in, err := c.readInstance(off+recordHeader, off+size-4)
	if err != nil {
		c.res.lost++
		c.problem(off, id, "record cannot be decoded: "+err.Error())
		return
	}
	written, _ := knownTime(fileTime(c.u64(off + 16)))
	info := recordInfo{id: id, computer: c.computerOf(in), written: written}
	if c.passOver { // what Want would be asked, it would decline
		c.res.recs = append(c.res.recs, info)
		return
	}
	ev := Event{File: c.file, Chunk: c.index, RecordID: id, Unverified: unverified}
	in.header(&ev)
	if c.opts.Want != nil && !c.opts.Want(ev.Channel, ev.Provider, ev.EventID) {
		c.res.recs = append(c.res.recs, info)
		return
	}
	info.emitted = true
	c.res.recs = append(c.res.recs, info)
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
