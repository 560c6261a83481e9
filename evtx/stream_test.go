package evtx

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// oddReader hands out its input in reads of awkward sizes, cycling through
// sizes, as a decompressor or a pipe might.
type oddReader struct {
	r     io.Reader
	sizes []int
	i     int
}

func (o *oddReader) Read(p []byte) (int, error) {
	n := o.sizes[o.i%len(o.sizes)]
	o.i++
	if len(p) > n {
		p = p[:n]
	}
	return o.r.Read(p)
}

// collect reads with read and returns the events and stats.
func collect(t testing.TB, read func(emit func(*Event)) (Stats, error)) ([]Event, Stats, error) {
	t.Helper()
	var evs []Event
	st, err := read(func(e *Event) { evs = append(evs, *e) })
	return evs, st, err
}

// streamings are the ways a file's bytes are handed to ReadStream.
var streamings = []struct {
	name string
	wrap func(b []byte) io.Reader
}{
	{"odd reads", func(b []byte) io.Reader {
		return &oddReader{r: bytes.NewReader(b), sizes: []int{1, 7, 4093, 65537, 100, 3, 8191}}
	}},
	{"pieces across slot edges", func(b []byte) io.Reader {
		var parts []io.Reader
		for _, cut := range []int{3, 4095, 4097, 4096 + 65535, 4096 + 65537, 4096 + 3*65536} {
			if cut < len(b) {
				parts = append(parts, bytes.NewReader(b[:cut]))
				b = b[cut:]
			}
		}
		return io.MultiReader(append(parts, bytes.NewReader(b))...)
	}},
}

// TestStreamCorpus checks that ReadStream gives exactly the events and
// stats of ReadFile on every corpus file, however the bytes arrive.
func TestStreamCorpus(t *testing.T) {
	for i, f := range corpusFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Jobs: 1 + i%3}
		want, wantSt, wantErr := collect(t, func(emit func(*Event)) (Stats, error) { return ReadFile(f, opts, emit) })
		how := streamings[i%len(streamings)]
		got, gotSt, gotErr := collect(t, func(emit func(*Event)) (Stats, error) {
			return ReadStream(f, how.wrap(b), opts, emit)
		})
		if !errors.Is(gotErr, wantErr) {
			t.Errorf("%s (%s): error %v, ReadFile's %v", f, how.name, gotErr, wantErr)
		}
		if !reflect.DeepEqual(gotSt, wantSt) {
			t.Errorf("%s (%s): stats differ:\nstream %+v\nfile   %+v", f, how.name, gotSt, wantSt)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s (%s): %d events, ReadFile %d, or their contents differ", f, how.name, len(got), len(want))
		}
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fixtures", "evtx", name, "SERVER3", "Microsoft-Exchange-HighAvailability%4Operational.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStreamDestroyedHeader checks that a file whose header was zeroed is
// still read, from a stream as from a file, by its chunks at 4096.
func TestStreamDestroyedHeader(t *testing.T) {
	b := fixture(t, "multi-chunk")
	full, _, err := collect(t, func(emit func(*Event)) (Stats, error) {
		return Read("x", bytes.NewReader(b), int64(len(b)), Options{}, emit)
	})
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Clone(b)
	clear(b[:fileHeaderSize])
	for _, how := range streamings {
		evs, st, err := collect(t, func(emit func(*Event)) (Stats, error) {
			return ReadStream("x", how.wrap(b), Options{Jobs: 2}, emit)
		})
		if err != nil {
			t.Fatalf("%s: %v", how.name, err)
		}
		if len(evs) != len(full) || st.Records != len(full) || len(st.Problems) != 1 || st.Problems[0].Chunk != -1 {
			t.Errorf("%s: %d events, stats %+v; want %d events and one header problem", how.name, len(evs), st, len(full))
		}
	}
	// Not an evtx file at all: refused after the first slot, whatever follows.
	junk := io.MultiReader(bytes.NewReader(make([]byte, fileHeaderSize+100)), neverEnds{})
	if _, err := ReadStream("junk", junk, Options{}, func(*Event) {}); err != ErrNotEvtx {
		t.Errorf("junk: %v, want ErrNotEvtx", err)
	}
	for _, short := range [][]byte{nil, []byte("ElfFil"), make([]byte, fileHeaderSize+7)} {
		if _, err := ReadStream("short", bytes.NewReader(short), Options{}, func(*Event) {}); err != ErrNotEvtx {
			t.Errorf("%d bytes: %v, want ErrNotEvtx", len(short), err)
		}
	}
	// A file cut inside its header is an .evtx file cut short, not another
	// kind of file.
	for _, n := range []int{8, 128, fileHeaderSize - 1} {
		st, err := ReadStream("cut", bytes.NewReader(fixture(t, "multi-chunk")[:n]), Options{}, func(*Event) {})
		if err != nil || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, "truncated inside the file header") {
			t.Errorf("cut at %d: %v, %+v", n, err, st.Problems)
		}
	}
}

// neverEnds is an endless stream of 'x'.
type neverEnds struct{}

func (neverEnds) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// failAfter delivers n bytes of r, then err.
type failAfter struct {
	r   io.Reader
	n   int
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

// TestStreamFailure checks what a stream that fails midway yields: the
// events before the failure, stats that count them, and the error.
func TestStreamFailure(t *testing.T) {
	b := fixture(t, "multi-chunk")
	full, fullSt, _ := collect(t, func(emit func(*Event)) (Stats, error) {
		return Read("x", bytes.NewReader(b), int64(len(b)), Options{}, emit)
	})
	boom := errors.New("boom")
	for _, cut := range []int{100, fileHeaderSize + 10, fileHeaderSize + chunkSize, fileHeaderSize + chunkSize + 20000, len(b)} {
		evs, st, err := collect(t, func(emit func(*Event)) (Stats, error) {
			return ReadStream("x", &failAfter{bytes.NewReader(b), cut, boom}, Options{Jobs: 2}, emit)
		})
		if !errors.Is(err, boom) {
			t.Errorf("cut at %d: error %v, want one wrapping %v", cut, err, boom)
		}
		if len(evs) != st.Records-st.Filtered || st.Bytes != int64(cut) {
			t.Errorf("cut at %d: %d events emitted, stats %+v", cut, len(evs), st)
		}
		if cut == len(b) && (len(evs) != len(full) || st.Chunks != fullSt.Chunks) {
			t.Errorf("failure after the last byte: %d events of %d", len(evs), len(full))
		}
		if cut == fileHeaderSize+chunkSize && len(evs) == 0 {
			t.Errorf("failure after the first chunk: its events were not emitted")
		}
	}
	// A reader that never makes progress is not waited on forever.
	_, err := ReadStream("x", io.MultiReader(bytes.NewReader(b[:fileHeaderSize+chunkSize]), stuck{}), Options{}, func(*Event) {})
	if !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("stuck reader: %v", err)
	}
}

type stuck struct{}

func (stuck) Read([]byte) (int, error) { return 0, nil }

// failingAt is an io.ReaderAt whose reads at one offset fail.
type failingAt struct {
	r   *bytes.Reader
	bad int64
}

func (f failingAt) ReadAt(p []byte, off int64) (int, error) {
	if off == f.bad {
		return 0, errors.New("bad sector")
	}
	return f.r.ReadAt(p, off)
}

// TestReadAtFailure checks that a slot an io.ReaderAt cannot read is
// reported and passed over, the others still read.
func TestReadAtFailure(t *testing.T) {
	b := fixture(t, "multi-chunk")
	_, full, _ := collect(t, func(emit func(*Event)) (Stats, error) {
		return Read("x", bytes.NewReader(b), int64(len(b)), Options{}, emit)
	})
	_, st, err := collect(t, func(emit func(*Event)) (Stats, error) {
		return Read("x", failingAt{bytes.NewReader(b), fileHeaderSize + chunkSize}, int64(len(b)), Options{}, emit)
	})
	if err != nil || st.Chunks != full.Chunks-1 || len(st.Problems) != 1 || st.Problems[0].Chunk != 1 {
		t.Errorf("err %v, stats %+v", err, st)
	}
}

// bigEvtx returns a valid .evtx file of about size bytes: the header and
// chunks of a corpus file, its chunks repeated.
func bigEvtx(t testing.TB, size int) []byte {
	t.Helper()
	f := filepath.Join(corpusDir, "DeepBlueCLI__many-events-application.evtx")
	src, err := os.ReadFile(f)
	if err != nil {
		t.Skipf("the shared evtx corpus is not at %s: %v", corpusDir, err)
	}
	chunks := src[fileHeaderSize:]
	out := make([]byte, 0, size+len(src))
	out = append(out, src[:fileHeaderSize]...)
	for len(out) < size {
		out = append(out, chunks...)
	}
	return out
}

// peakHeap samples the heap in use while fn runs and returns its peak.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak.Load()
}

// TestStreamMemory streams a large deflated .evtx and checks that the heap
// stays bounded by the pool, not the file. EXTRIAGE_BIG_MB sets the size
// of the file (default 48 MiB, to keep the test quick).
func TestStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and compresses a large file")
	}
	mb := 48
	if v := os.Getenv("EXTRIAGE_BIG_MB"); v != "" {
		fmt.Sscan(v, &mb)
	}
	// The deflated file is kept on disk, so that the heap holds only what
	// the read itself needs.
	path := filepath.Join(t.TempDir(), "big.evtx.deflate")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	raw := bigEvtx(t, mb<<20)
	size := len(raw)
	w, _ := flate.NewWriter(out, flate.BestSpeed)
	w.Write(raw)
	if err := errors.Join(w.Close(), out.Close()); err != nil {
		t.Fatal(err)
	}
	raw = nil
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fi, _ := in.Stat()
	var st Stats
	events := 0
	base := peakHeap(func() {})
	peak := peakHeap(func() {
		st, err = ReadStream("big.evtx", flate.NewReader(in), Options{Jobs: 2}, func(*Event) { events++ })
	})
	if err != nil || st.Bytes != int64(size) || events == 0 {
		t.Fatalf("err %v, %d events, stats bytes %d of %d", err, events, st.Bytes, size)
	}
	grew := int64(peak) - int64(base)
	t.Logf("%d MiB evtx (%d MiB deflated), %d chunks, %d events: heap in use peaked %.1f MiB above the %.1f MiB before",
		size>>20, fi.Size()>>20, st.Chunks, events, float64(grew)/(1<<20), float64(base)/(1<<20))
	if grew > 16<<20 {
		t.Errorf("streaming %d MiB took %d MiB of heap; it should be bounded by a few chunks", size>>20, grew>>20)
	}
}
