package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"sync"
	"time"
)

// Options tune a read.
type Options struct {
	// Jobs is the number of chunks decoded at once; 0 means all cores.
	Jobs int
	// Want, when set, is asked about each record's channel, provider and
	// event id before its values are decoded; records it declines are
	// counted as read but not decoded or emitted.
	Want func(channel, provider string, eventID uint32) bool
	// Sources, when set with Want, are every channel and provider Want
	// takes records of: Want declines any record whose channel and
	// provider are not, case-insensitively, those of one Source. A chunk
	// whose bytes hold no Source then has only its records' framing,
	// times and computers read. Leave it empty when Want cannot say.
	Sources []Source

	filter *chunkFilter // built from Sources once per read
}

// Problem is one damaged part of a file: where it is and what was lost.
type Problem struct {
	File    string
	Chunk   int    // chunk index, or ChunkFileHeader, or ChunkNone
	Offset  int64  // byte offset in the file
	Record  uint64 // the record concerned or expected there, 0 if unknown
	Message string
}

// Problem.Chunk for a problem that is in no chunk.
const (
	ChunkFileHeader = -1 // the file header
	ChunkNone       = -2 // the whole file, such as a file that changed while it was read
)

func (p Problem) Error() string {
	where := fmt.Sprintf("chunk %d (file offset %d)", p.Chunk, p.Offset)
	switch p.Chunk {
	case ChunkFileHeader:
		where = "file header"
	case ChunkNone:
		where = "whole file"
	}
	if p.Record != 0 {
		where += fmt.Sprintf(", record %d", p.Record)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, where, p.Message)
}

// Stats says what a read covered and what it could not read.
type Stats struct {
	Bytes       int64
	Chunks      int // chunks found and decoded, wholly or in part
	EmptyChunks int // unused 64 KiB slots after the chunks the header lists, normal in a log that has not filled up
	// HeaderChunks is the number of chunks the file header lists, 0 when
	// the header is damaged and its counts are not trusted.
	HeaderChunks int
	Records      int // records read, including those Want declined; a record repeated by a copied chunk counts once
	Filtered     int // records Want declined
	Lost         int // records known to exist that could not be read
	Recovered    int // of Records, those found by their own signatures in a chunk whose header is lost
	Repeated     int // records not counted again: a chunk repeated ids already read
	// UnknownTimes counts the records (of Records) whose written time is
	// zero or outside 1970-2099: they count in their computer's records
	// but not in its span of times.
	UnknownTimes int
	Dirty        bool
	Problems     []Problem
	// Computers gives, per System/Computer, the records read and the span of
	// their written times, counting records Want declined too.
	Computers map[string]Span
}

// Span is the number of records of one computer and the times they cover.
type Span struct {
	Records     int
	First, Last time.Time
}

// addRecord counts one record written at t, the zero time if unknown.
func (s *Span) addRecord(t time.Time) {
	s.Records++
	if t.IsZero() {
		return
	}
	if s.First.IsZero() || t.Before(s.First) {
		s.First = t
	}
	if t.After(s.Last) {
		s.Last = t
	}
}

// Damaged reports whether any part of the file could not be read.
func (s *Stats) Damaged() bool { return len(s.Problems) > 0 }

// ErrNotEvtx is returned for input that is not an .evtx file at all.
var ErrNotEvtx = errors.New("not an .evtx file: it has no ElfFile signature and no chunk at offset 4096")

// ReadFile reads the .evtx file at path; see Read. The file is read to the
// size it has when it is opened; a file that is then cut or written to (a
// live log rotated, a copy still running) is reported as damaged.
func ReadFile(path string, opts Options, emit func(*Event)) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Stats{}, err
	}
	st, err := Read(path, f, fi.Size(), opts, emit)
	if end, serr := f.Stat(); serr == nil && end.Size() != fi.Size() {
		st.Problems = append(st.Problems, sizeChanged(path, fi.Size(), end.Size()))
	}
	return st, err
}

// sizeChanged reports a file whose size changed while it was read.
func sizeChanged(path string, start, end int64) Problem {
	msg := fmt.Sprintf("the file shrank from %s to %s bytes while it was read: what was past the new end could not be read; scan a copy that is not being written to",
		groupDigits(start), groupDigits(end))
	if end > start {
		msg = fmt.Sprintf("the file grew from %s to %s bytes while it was read: the %s bytes added were not read; scan a copy that is not being written to",
			groupDigits(start), groupDigits(end), groupDigits(end-start))
	}
	return Problem{File: path, Chunk: ChunkNone, Offset: min(start, end), Message: msg}
}

// groupDigits writes n with thousands separators, as people read sizes.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Read streams the events of an .evtx file of the given size to emit, in
// file order, from the calling goroutine. Chunks are decoded in parallel;
// at most a few chunks' events are held at once. Damage never stops the
// read: every readable record is emitted and every damaged part is listed
// in the returned Stats, including a chunk slot that r cannot read, which
// is skipped. The error is for input that is not an .evtx file or cannot
// be read at all.
//
// Read and ReadStream share one reader: r is read front to back, one 64 KiB
// slot at a time.
func Read(name string, r io.ReaderAt, size int64, opts Options, emit func(*Event)) (Stats, error) {
	return read(name, &atSource{r: r, end: size}, opts, emit)
}

// ReadStream is Read for input that can only be read front to back, such as
// a compressed member of a zip archive or standard input, of known or
// unknown size. It reads r to its end (io.EOF) and never holds more than a
// few 64 KiB chunk slots and their events, however long the input: one
// goroutine reads the slots in order while Options.Jobs goroutines decode
// them, and events are emitted in file order from the calling goroutine.
// Stats.Bytes is the number of bytes read.
//
// Unlike a file, a stream cannot skip a part it failed to read: when r
// returns an error other than io.EOF, the bytes of the slot it was reading
// are decoded as far as they go (as if the file ended there), the read
// stops, and the error is returned, wrapping r's, together with the Stats
// of everything read before it. Every event those Stats count has been
// emitted.
func ReadStream(name string, r io.Reader, opts Options, emit func(*Event)) (Stats, error) {
	return read(name, &streamSource{r: r}, opts, emit)
}

// source hands out an input's bytes front to back.
type source interface {
	// fill reads the next len(p) bytes into p. Fewer with a nil error
	// means that the input ends there; on an error, n bytes were read.
	fill(p []byte) (n int, err error)
	// resumable tells whether the bytes after a failed fill can still be
	// read (the bytes that fill was asked for are then passed over).
	resumable() bool
	// size is the input's size as far as it is known: the size given, or
	// the bytes read.
	size() int64
	// pos is the offset of the next byte fill reads.
	pos() int64
}

// atSource reads an io.ReaderAt of known size.
type atSource struct {
	r        io.ReaderAt
	off, end int64 // end is the size
	ended    bool
}

func (s *atSource) fill(p []byte) (int, error) {
	if s.ended || s.off >= s.end {
		return 0, nil
	}
	want := int(min(int64(len(p)), s.end-s.off))
	n, err := s.r.ReadAt(p[:want], s.off)
	s.off += int64(want)
	switch {
	case err == io.EOF && n < want:
		s.ended = true // shorter than its size said
		return n, nil
	case err == io.EOF:
		return n, nil
	}
	return n, err
}

func (s *atSource) resumable() bool { return true }
func (s *atSource) size() int64     { return s.end }
func (s *atSource) pos() int64      { return s.off }

// streamSource reads an io.Reader to its end.
type streamSource struct {
	r     io.Reader
	n     int64
	ended bool
}

// maxEmptyReads is how many times in a row a reader may return nothing
// and no error before it is taken to be stuck.
const maxEmptyReads = 100

func (s *streamSource) fill(p []byte) (int, error) {
	n, empty := 0, 0
	for n < len(p) && !s.ended {
		m, err := s.r.Read(p[n:])
		n += m
		s.n += int64(m)
		switch {
		case err == io.EOF:
			s.ended = true
		case err != nil:
			s.ended = true
			return n, err
		case m == 0:
			if empty++; empty == maxEmptyReads {
				s.ended = true
				return n, io.ErrNoProgress
			}
		default:
			empty = 0
		}
	}
	return n, nil
}

func (s *streamSource) resumable() bool { return false }
func (s *streamSource) size() int64     { return s.n }
func (s *streamSource) pos() int64      { return s.n }

// read reads the file header and the first chunk slot, which a file whose
// header was destroyed is recognised by, then every slot in order.
func read(name string, src source, opts Options, emit func(*Event)) (Stats, error) {
	var st Stats
	hdr := make([]byte, fileHeaderSize)
	n, err := src.fill(hdr)
	if err != nil {
		st.Bytes = src.size()
		return st, err
	}
	first := getSlot()
	m, ferr := src.fill(*first)
	fh, err := checkFileHeader(name, hdr[:n], (*first)[:m], &st)
	if err != nil {
		putSlot(first)
		st.Bytes = src.size()
		if ferr != nil && m < len(chunkMagic) {
			return st, ferr // the read failed before the signature could be seen
		}
		return st, err
	}
	t := &tally{name: name, st: &st, hdr: fh}
	err = readChunks(src, slot{buf: first, n: m, err: ferr}, &opts, t, emit)
	st.Bytes = src.size()
	t.finish()
	return st, err
}

// fileHeader is what the file header says of the chunks, when its
// checksum holds.
type fileHeader struct {
	trusted bool
	chunks  int    // number of chunks
	nextID  uint64 // the record id the next record would get
}

// checkFileHeader verifies the file header. A damaged header is reported
// but does not stop the read: the chunks are found by position. first is
// the start of the first chunk slot, at file offset 4096.
func checkFileHeader(name string, hdr, first []byte, st *Stats) (fileHeader, error) {
	le := binary.LittleEndian
	switch {
	case bytes.HasPrefix(hdr, fileMagic) && len(hdr) < fileHeaderSize:
		// Nothing follows a header cut short: the file holds no chunk.
		st.Problems = append(st.Problems, Problem{File: name, Chunk: ChunkFileHeader, Offset: int64(len(hdr)),
			Message: fmt.Sprintf("the file is truncated inside the file header: it ends after %d of its %d bytes, before any chunk, so it holds no record", len(hdr), fileHeaderSize)})
		return fileHeader{}, nil
	case bytes.HasPrefix(hdr, fileMagic):
		st.Dirty = le.Uint32(hdr[120:])&1 != 0
		if got, want := crc32.ChecksumIEEE(hdr[:120]), le.Uint32(hdr[124:]); got != want {
			st.Problems = append(st.Problems, Problem{File: name, Chunk: ChunkFileHeader,
				Message: fmt.Sprintf("file header checksum mismatch (stored %08x, computed %08x); chunks are read by position", want, got)})
			return fileHeader{}, nil
		}
		fh := fileHeader{trusted: true, chunks: int(le.Uint16(hdr[42:])), nextID: le.Uint64(hdr[24:])}
		st.HeaderChunks = fh.chunks
		return fh, nil
	case len(hdr) == fileHeaderSize && len(first) >= 8 && bytes.Equal(first[:8], chunkMagic):
		st.Problems = append(st.Problems, Problem{File: name, Chunk: ChunkFileHeader,
			Message: "file header is damaged (no ElfFile signature); chunks are read by position"})
		return fileHeader{}, nil
	}
	return fileHeader{}, ErrNotEvtx
}

// slotPool holds 64 KiB slot buffers for reuse across slots and reads. A
// read holds at most Jobs+1 of them: the one being filled and one per
// decoding worker.
var slotPool = sync.Pool{New: func() any {
	b := make([]byte, chunkSize)
	return &b
}}

func getSlot() *[]byte  { return slotPool.Get().(*[]byte) }
func putSlot(b *[]byte) { slotPool.Put(b) }

// slot is one 64 KiB chunk slot on its way from the source to a worker.
type slot struct {
	index int
	off   int64 // file offset
	buf   *[]byte
	n     int   // bytes of buf read
	err   error // why the slot could not be read whole
	out   chan slotResult
	// fragment is set for the bytes before a chunk found off the 64 KiB
	// grid, shifted the size of the shift that put it there.
	fragment bool
	shifted  int64
}

// maxRealign bounds how often one file's chunks are found off their grid
// and read at their new places: a real file has one insertion or removal,
// not hundreds.
const maxRealign = 64

// realign looks, in a full slot that holds no chunk at its start, for a
// chunk further in (its signature followed by a header whose checksum
// holds): bytes inserted or removed before it moved it off the 64 KiB grid.
// When there is one, s keeps the bytes before it, as a fragment, and the
// slot returned starts with the chunk, filled up from src; the slots after
// it are read on the shifted grid.
func realign(s *slot, src source) *slot {
	data := (*s.buf)[:s.n]
	if s.n < chunkSize || bytes.HasPrefix(data, chunkMagic) || allZero(data) {
		return nil
	}
	for k := 1; k+chunkHeaderSize <= len(data); k++ {
		i := bytes.Index(data[k:len(data)-chunkHeaderSize+len(chunkMagic)], chunkMagic)
		if i < 0 {
			return nil
		}
		k += i
		h := data[k : k+chunkHeaderSize]
		if binary.LittleEndian.Uint32(h[40:]) != 128 || headerCRC(h) != binary.LittleEndian.Uint32(h[124:]) {
			continue
		}
		rest := &slot{buf: getSlot(), shifted: int64(k)}
		copy(*rest.buf, data[k:])
		m, err := src.fill((*rest.buf)[len(data)-k:])
		rest.n, rest.err = len(data)-k+m, err
		s.n, s.fragment = k, true
		return rest
	}
	return nil
}

// readChunks reads the chunk slots in order on one goroutine, decodes
// them with a bounded pool of workers and emits their events in file
// order. first is slot 0, already read. The error is the one that stopped
// a source that cannot resume.
func readChunks(src source, first slot, opts *Options, t *tally, emit func(*Event)) error {
	name := t.name
	if opts.Want != nil {
		opts.filter = newChunkFilter(opts.Sources)
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	tasks := make(chan *slot)
	// order holds the slots in file order; its capacity bounds the slots
	// read but not yet emitted, and so the events held.
	order := make(chan *slot, jobs)
	for w := 0; w < jobs; w++ {
		go func() {
			for s := range tasks {
				res := decodeSlot(name, s, opts)
				putSlot(s.buf)
				s.out <- res
			}
		}()
	}
	var stop error // set before order is closed
	go func() {
		defer close(order)
		defer close(tasks)
		s := &first
		s.off = fileHeaderSize
		realigned := 0
		for i := 0; ; i++ {
			if s.n == 0 && s.err == nil { // the end of the input
				putSlot(s.buf)
				return
			}
			var next *slot
			if s.err == nil && realigned < maxRealign {
				if next = realign(s, src); next != nil {
					realigned++
					next.off = s.off + next.shifted
				}
			}
			s.index, s.out = i, make(chan slotResult, 1)
			if s.err != nil && src.resumable() {
				s.n = 0 // the slot is reported as unreadable and passed over
			}
			order <- s
			tasks <- s
			if s.err != nil && !src.resumable() {
				stop = fmt.Errorf("the read stopped %d bytes into the file: %w", src.size(), s.err)
				return
			}
			if next != nil {
				s = next
				continue
			}
			if s.n < chunkSize && s.err == nil { // a partial slot ends the input
				return
			}
			s = &slot{buf: getSlot(), off: src.pos()}
			s.n, s.err = src.fill(*s.buf)
		}
	}()
	for s := range order {
		t.add(s.index, s.off, <-s.out, emit)
	}
	return stop
}

// slotResult is a chunk's result plus what the slot turned out to hold.
type slotResult struct {
	chunkResult
	empty, decoded, fragment bool
}

// decodeSlot decodes the chunk in slot s. The slot's buffer is reused once
// this returns: events copy what they keep out of it.
func decodeSlot(name string, s *slot, opts *Options) slotResult {
	off := s.off
	if s.fragment {
		return decodeFragment(name, s)
	}
	if s.err != nil && s.n == 0 {
		return slotResult{chunkResult: chunkResult{problems: []Problem{{File: name, Chunk: s.index, Offset: off,
			Message: "chunk cannot be read: " + s.err.Error()}}}}
	}
	data := (*s.buf)[:s.n]
	if allZero(data) {
		return slotResult{empty: true}
	}
	if len(data) < 8 || !bytes.Equal(data[:8], chunkMagic) {
		res, found := decodeHeaderless(name, s.index, off, data, opts)
		return slotResult{chunkResult: res, decoded: found}
	}
	res := slotResult{chunkResult: decodeChunk(name, s.index, off, data, opts), decoded: true}
	if s.shifted != 0 {
		res.problems = append([]Problem{{File: name, Chunk: s.index, Offset: off, Message: fmt.Sprintf(
			"this chunk starts at file offset %d, %d bytes past the 64 KiB grid: bytes were inserted into the file before it (or removed); it and the chunks after it are read where they are",
			off, (off-fileHeaderSize)%chunkSize)}}, res.problems...)
	}
	return res
}

// decodeFragment reports the bytes before a chunk that bytes inserted or
// removed moved off the grid. Their records cannot be decoded: the names
// and templates they point to are counted from a chunk start that is not
// here. All zeros (the unused end of a chunk) are no loss.
func decodeFragment(name string, s *slot) slotResult {
	data := (*s.buf)[:s.n]
	if allZero(data) {
		return slotResult{fragment: true}
	}
	return slotResult{fragment: true, chunkResult: chunkResult{problems: []Problem{{File: name, Chunk: s.index, Offset: s.off, Message: fmt.Sprintf(
		"%d bytes here belong to no chunk that can be placed (the end of a chunk moved by bytes inserted or removed before it, or the bytes inserted): they are skipped", len(data))}}}}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}
