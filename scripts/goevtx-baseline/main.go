// Command goevtx-baseline exists only to measure extriage against. It is not
// part of extriage and nothing else uses it.
//
// It decodes every record of the given .evtx files with golang-evtx v1.2.9,
// the way a consumer of that library reads a log in full: chunk by chunk,
// each chunk's string and template tables parsed, then each record turned
// into golang-evtx's event map (GoEvtxMap) and its event id and channel read
// from it. Both cores are used: a bounded pool of workers, one chunk at a
// time each, across all files. golang-evtx panics on some damaged input, so
// each chunk is decoded under recover: a damaged chunk costs that chunk's
// remaining records, never the run.
//
// What it does the way golang-evtx's own iterators do, so that the count
// is what a consumer of the library gets:
//   - files are opened with OpenDirty (a dirty header is repaired by
//     counting chunk signatures; a file whose header has no ElfFile
//     signature is refused);
//   - the chunks read are the header's ChunkCount, from ChunkDataOffset;
//   - a chunk is read as File.FetchChunk reads it (header, string table,
//     template table, record offsets), except that each worker reads the
//     64 KiB itself instead of through FetchChunk, whose lock on the file
//     would keep the workers from parsing in parallel;
//   - a record is counted when GoEvtxMap returns a map without error, as
//     Chunk.Events does (Events itself is not used: it decodes in a goroutine
//     of its own, where a panic cannot be recovered).
//
// Usage, from the repository root:
//
//	go run ./scripts/goevtx-baseline [-j N] [-v] PATH...
//
// PATH is any mix of files and folders; folders are searched recursively
// for files whose name ends in .evtx. The result is one line of JSON on
// standard output: files, bytes, chunks, records, seconds and the rates.
// -v also prints one JSON line per file on standard error.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goevtx "github.com/0xrawsec/golang-evtx/evtx"
	utilslog "github.com/0xrawsec/golang-utils/log"
)

// Result is the line printed at the end.
type Result struct {
	Tool         string  `json:"tool"`
	Jobs         int     `json:"jobs"`
	Files        int     `json:"files"`
	FilesFailed  int     `json:"files_failed"` // refused by OpenDirty
	Bytes        int64   `json:"bytes"`
	Chunks       int     `json:"chunks"`
	ChunksFailed int     `json:"chunks_failed"` // stopped by an error or a panic
	Records      int64   `json:"records"`
	RecordErrors int64   `json:"record_errors"` // records GoEvtxMap failed on
	Seconds      float64 `json:"seconds"`
	MBPerSecond  float64 `json:"mb_per_s"`
	RecordsPerS  float64 `json:"records_per_s"`
}

// fileResult is one file's line with -v.
type fileResult struct {
	File         string `json:"file"`
	Bytes        int64  `json:"bytes"`
	Chunks       int    `json:"chunks"`
	ChunksFailed int    `json:"chunks_failed"`
	Records      int64  `json:"records"`
	RecordErrors int64  `json:"record_errors"`
	// Error is why the file was refused, or else the first chunk or record
	// error met.
	Error string `json:"error,omitempty"`
}

func main() {
	jobs := flag.Int("j", runtime.GOMAXPROCS(0), "chunks decoded at once")
	verbose := flag.Bool("v", false, "print one JSON line per file on standard error")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: goevtx-baseline [-j N] [-v] PATH...")
		os.Exit(2)
	}
	// golang-evtx reports parse errors by printing them with a stack trace;
	// printing would dominate the time measured, so it is silenced, as
	// extriage silences it.
	utilslog.SetLogLevel(utilslog.LCritical)
	stdlog.SetOutput(io.Discard)

	files, err := collect(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "goevtx-baseline:", err)
		os.Exit(2)
	}
	res, perFile := run(files, max(1, *jobs))
	if *verbose {
		enc := json.NewEncoder(os.Stderr)
		for _, f := range perFile {
			enc.Encode(f)
		}
	}
	json.NewEncoder(os.Stdout).Encode(res)
}

// collect expands folders into the .evtx files under them, in a stable order.
func collect(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".evtx") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// file is one input being decoded.
type file struct {
	res     fileResult
	refused bool
	f       *os.File
	pending atomic.Int64 // chunks not yet decoded; the last one closes f
	mu      sync.Mutex
}

func (in *file) add(c chunkResult) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.res.Records += c.records
	in.res.RecordErrors += c.recordErrs
	if c.failed {
		in.res.ChunksFailed++
	}
	if in.res.Error == "" && c.firstErr != "" {
		in.res.Error = c.firstErr
	}
}

type task struct {
	in  *file
	off int64
}

func run(paths []string, jobs int) (Result, []fileResult) {
	start := time.Now()
	tasks := make(chan task, jobs)
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for t := range tasks {
				t.in.add(decodeChunk(t.in.f, t.off))
				if t.in.pending.Add(-1) == 0 {
					t.in.f.Close()
				}
			}
		})
	}
	files := make([]*file, len(paths))
	for i, p := range paths {
		in := &file{res: fileResult{File: p}}
		files[i] = in
		if fi, err := os.Stat(p); err == nil {
			in.res.Bytes = fi.Size()
		}
		hdr, err := openDirty(p)
		if err == nil {
			in.f, err = os.Open(p)
		}
		if err != nil {
			in.res.Error, in.refused = err.Error(), true
			continue
		}
		in.res.Chunks = int(hdr.ChunkCount)
		if hdr.ChunkCount == 0 {
			in.f.Close()
			continue
		}
		in.pending.Store(int64(hdr.ChunkCount))
		for c := range int64(hdr.ChunkCount) {
			tasks <- task{in, int64(hdr.ChunkDataOffset) + c*goevtx.ChunkSize}
		}
	}
	close(tasks)
	wg.Wait()

	res := Result{Tool: "golang-evtx v1.2.9, chunk by chunk", Jobs: jobs, Files: len(paths)}
	out := make([]fileResult, len(files))
	for i, in := range files {
		out[i] = in.res
		if in.refused {
			res.FilesFailed++
		}
		res.Bytes += in.res.Bytes
		res.Chunks += in.res.Chunks
		res.ChunksFailed += in.res.ChunksFailed
		res.Records += in.res.Records
		res.RecordErrors += in.res.RecordErrors
	}
	res.Seconds = time.Since(start).Seconds()
	if res.Seconds > 0 {
		res.MBPerSecond = float64(res.Bytes) / 1e6 / res.Seconds
		res.RecordsPerS = float64(res.Records) / res.Seconds
	}
	return res, out
}

// openDirty opens the file with golang-evtx to read (and, if the file is
// dirty, repair) its header, then closes golang-evtx's handle.
func openDirty(path string) (hdr goevtx.FileHeader, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("golang-evtx panicked on the file header: %v", r)
		}
	}()
	ef, err := goevtx.OpenDirty(path)
	if err != nil {
		ef.Close()
		return hdr, err
	}
	hdr = ef.Header
	return hdr, ef.Close()
}

// chunkResult is what decoding one chunk gave.
type chunkResult struct {
	records    int64  // records decoded into a map
	recordErrs int64  // records GoEvtxMap returned an error for
	failed     bool   // the chunk was not decoded to its end
	firstErr   string // the first error or panic, for -v
}

// decodeChunk decodes the chunk at off as File.FetchChunk and Chunk.Events
// do.
func decodeChunk(f *os.File, off int64) (out chunkResult) {
	defer func() {
		if r := recover(); r != nil {
			out.failed = true
			out.firstErr = fmt.Sprintf("chunk at file offset %d: panic: %v", off, r)
		}
	}()
	fail := func(err error) chunkResult {
		out.failed = true
		out.firstErr = fmt.Sprintf("chunk at file offset %d: %v", off, err)
		return out
	}
	c := goevtx.NewChunk()
	c.Offset = off
	c.Data = make([]byte, goevtx.ChunkSize)
	// A chunk cut short by the end of the file is decoded as far as it
	// goes, the rest zero, as FetchChunk's single Read leaves it.
	if n, err := f.ReadAt(c.Data, off); n == 0 || (err != nil && err != io.EOF) {
		return fail(err)
	}
	reader := bytes.NewReader(c.Data)
	c.ParseChunkHeader(reader)
	goevtx.GoToSeeker(reader, int64(c.Header.SizeHeader))
	c.ParseStringTable(reader)
	if err := c.ParseTemplateTable(reader); err != nil {
		return fail(err)
	}
	if err := c.ParseEventOffsets(reader); err != nil {
		return fail(err)
	}
	for _, eo := range c.EventOffsets {
		e := c.ParseEvent(int64(eo))
		m, err := e.GoEvtxMap(&c)
		if err != nil || m == nil {
			if int64(eo) <= int64(c.Header.OffsetLastRec) { // not the end-of-records offset
				out.recordErrs++
				if out.firstErr == "" {
					out.firstErr = fmt.Sprintf("record at chunk offset %d: %v", eo, err)
				}
			}
			continue
		}
		consume(m)
		out.records++
	}
	return out
}

// sink keeps consume's reads from being optimised away.
var sink atomic.Int64

// consume reads what a consumer filtering events reads first: the event id
// and the channel.
func consume(m *goevtx.GoEvtxMap) {
	id, err := m.GetInt(&goevtx.EventIDPath)
	if err != nil {
		id, _ = m.GetInt(&goevtx.EventIDPath2)
	}
	ch, _ := m.GetString(&goevtx.ChannelPath)
	if id == -1 && ch == "\x00" {
		sink.Add(1)
	}
}
