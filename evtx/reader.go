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
}

// Problem is one damaged part of a file: where it is and what was lost.
type Problem struct {
	File    string
	Chunk   int    // chunk index, -1 for the file header
	Offset  int64  // byte offset in the file
	Record  uint64 // the record concerned or expected there, 0 if unknown
	Message string
}

func (p Problem) Error() string {
	where := fmt.Sprintf("chunk %d (file offset %d)", p.Chunk, p.Offset)
	if p.Chunk < 0 {
		where = "file header"
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
	EmptyChunks int // unused 64 KiB slots, normal in a log that has not filled up
	Records     int // records read, including those Want declined
	Filtered    int // records Want declined
	Lost        int // records known to exist that could not be read
	Dirty       bool
	Problems    []Problem
	// Computers gives, per System/Computer, the records read and the span of
	// their written times, counting records Want declined too.
	Computers map[string]Span
}

// Span is the number of records of one computer and the times they cover.
type Span struct {
	Records     int
	First, Last time.Time
}

// add merges two spans.
func (s Span) add(o Span) Span {
	if s.Records == 0 {
		return o
	}
	s.Records += o.Records
	if o.First.Before(s.First) {
		s.First = o.First
	}
	if o.Last.After(s.Last) {
		s.Last = o.Last
	}
	return s
}

// Damaged reports whether any part of the file could not be read.
func (s *Stats) Damaged() bool { return len(s.Problems) > 0 }

// ErrNotEvtx is returned for input that is not an .evtx file at all.
var ErrNotEvtx = errors.New("not an .evtx file: it has no ElfFile signature and no chunk at offset 4096")

// ReadFile reads the .evtx file at path; see Read.
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
	return Read(path, f, fi.Size(), opts, emit)
}

// Read streams the events of an .evtx file of the given size to emit, in
// file order, from the calling goroutine. Chunks are decoded in parallel;
// at most a few chunks' events are held at once. Damage never stops the
// read: every readable record is emitted and every damaged part is listed
// in the returned Stats. The error is for input that is not an .evtx file
// or cannot be read at all.
func Read(name string, r io.ReaderAt, size int64, opts Options, emit func(*Event)) (Stats, error) {
	st := Stats{Bytes: size}
	hdr := make([]byte, fileHeaderSize)
	n, err := r.ReadAt(hdr, 0)
	if err != nil && err != io.EOF {
		return st, err
	}
	if err := checkFileHeader(name, hdr[:n], r, &st); err != nil {
		return st, err
	}
	slots := int((size - fileHeaderSize + chunkSize - 1) / chunkSize)
	readChunks(name, r, size, slots, &opts, &st, emit)
	return st, nil
}

// checkFileHeader verifies the file header. A damaged header is reported
// but does not stop the read: the chunks are found by position.
func checkFileHeader(name string, hdr []byte, r io.ReaderAt, st *Stats) error {
	if len(hdr) >= 8 && bytes.Equal(hdr[:8], fileMagic) && len(hdr) >= 128 {
		st.Dirty = binary.LittleEndian.Uint32(hdr[120:])&1 != 0
		if got, want := crc32.ChecksumIEEE(hdr[:120]), binary.LittleEndian.Uint32(hdr[124:]); got != want {
			st.Problems = append(st.Problems, Problem{File: name, Chunk: -1,
				Message: fmt.Sprintf("file header checksum mismatch (stored %08x, computed %08x); chunks are read by position", want, got)})
		}
		return nil
	}
	magic := make([]byte, 8)
	if n, _ := r.ReadAt(magic, fileHeaderSize); n == 8 && bytes.Equal(magic, chunkMagic) {
		st.Problems = append(st.Problems, Problem{File: name, Chunk: -1,
			Message: "file header is damaged (no ElfFile signature); chunks are read by position"})
		return nil
	}
	return ErrNotEvtx
}

// readChunks decodes the chunk slots with a bounded pool of workers and
// emits their events in file order.
func readChunks(name string, r io.ReaderAt, size int64, slots int, opts *Options, st *Stats, emit func(*Event)) {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	type task struct {
		index int
		out   chan slotResult
	}
	tasks := make(chan task)
	order := make(chan chan slotResult, jobs)
	for w := 0; w < jobs; w++ {
		go func() {
			buf := make([]byte, chunkSize)
			for t := range tasks {
				t.out <- readSlot(name, r, size, t.index, buf, opts)
			}
		}()
	}
	go func() {
		for i := 0; i < slots; i++ {
			out := make(chan slotResult, 1)
			order <- out
			tasks <- task{i, out}
		}
		close(tasks)
		close(order)
	}()
	for out := range order {
		res := <-out
		st.add(res)
		for i := range res.events {
			emit(&res.events[i])
		}
	}
}

// slotResult is a chunk's result plus what the slot turned out to hold.
type slotResult struct {
	chunkResult
	empty, decoded bool
}

func (st *Stats) add(res slotResult) {
	switch {
	case res.empty:
		st.EmptyChunks++
	case res.decoded:
		st.Chunks++
	}
	st.Records += res.records
	st.Filtered += res.filtered
	st.Lost += res.lost
	st.Problems = append(st.Problems, res.problems...)
	for name, sp := range res.spans {
		if st.Computers == nil {
			st.Computers = map[string]Span{}
		}
		st.Computers[name] = st.Computers[name].add(sp)
	}
}

// readSlot reads the 64 KiB slot of chunk index and decodes it. buf is
// reused between slots; events copy what they keep out of it.
func readSlot(name string, r io.ReaderAt, size int64, index int, buf []byte, opts *Options) slotResult {
	off := int64(fileHeaderSize) + int64(index)*chunkSize
	n, err := r.ReadAt(buf, off)
	if err != nil && err != io.EOF {
		return slotResult{chunkResult: chunkResult{problems: []Problem{{File: name, Chunk: index, Offset: off,
			Message: "chunk cannot be read: " + err.Error()}}}}
	}
	data := buf[:n]
	if allZero(data) {
		return slotResult{empty: true}
	}
	if len(data) < 8 || !bytes.Equal(data[:8], chunkMagic) {
		return slotResult{chunkResult: chunkResult{problems: []Problem{{File: name, Chunk: index, Offset: off,
			Message: fmt.Sprintf("no chunk signature (found %q); the %d bytes of this slot are skipped", printable(data[:min(8, len(data))]), len(data))}}}}
	}
	return slotResult{chunkResult: decodeChunk(name, index, off, data, opts), decoded: true}
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
