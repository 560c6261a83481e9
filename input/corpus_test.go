package input

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/extriage/extriage/evtx"
)

// corpusDir is the public evtx corpus shared beside the project.
const corpusDir = "../../shared/corpus/evtx"

// TestCorpusZip zips the evtx corpus into server folders, stored and
// deflated, and checks that every member read through Expand and
// evtx.ReadStream gives exactly the events and stats of evtx.ReadFile on
// the plain file.
func TestCorpusZip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.evtx"))
	if len(files) == 0 {
		t.Skipf("the shared evtx corpus is not at %s; clone the project beside shared/ to run this test", corpusDir)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	orig := map[string]string{} // member → corpus file
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := path.Join(fmt.Sprintf("SERVER%d", i%5), filepath.Base(f))
		method := zip.Deflate
		if i%7 == 0 {
			method = zip.Store
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
		orig[name] = f
	}
	w.Close()
	p := writeFile(t, t.TempDir(), "corpus.zip", buf.Bytes())
	ex := Expand([]string{p}, Options{})
	if len(ex.Inputs) != len(files) || len(ex.Errors) > 0 || len(ex.Skipped) > 0 {
		t.Fatalf("%d inputs of %d; errors %v; skipped %v", len(ex.Inputs), len(files), ex.Errors, ex.Skipped)
	}
	for i, in := range ex.Inputs {
		f := orig[in.Member]
		opts := evtx.Options{Jobs: 1 + i%2}
		var want, got []evtx.Event
		wst, werr := evtx.ReadFile(f, opts, func(e *evtx.Event) { want = append(want, *e) })
		rc, err := in.Open()
		if err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
		// The stream is named as the file is, so that events and problems
		// compare equal.
		gst, gerr := evtx.ReadStream(f, rc, opts, func(e *evtx.Event) { got = append(got, *e) })
		rc.Close()
		if gerr != werr || !reflect.DeepEqual(gst, wst) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: stream %d events, %+v, %v; file %d events, %+v, %v", in.Name, len(got), gst, gerr, len(want), wst, werr)
		}
	}
}

// TestZipMemberMemory streams a large event log, deflated in a zip on
// disk, through Expand, Open and evtx.ReadStream, and checks that the heap
// stays bounded by the pool of chunks, not by the log. EXTRIAGE_BIG_MB sets
// the log's size (default 64 MiB, to keep the test quick).
func TestZipMemberMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and compresses a large file")
	}
	src, err := os.ReadFile(filepath.Join(corpusDir, "DeepBlueCLI__many-events-application.evtx"))
	if err != nil {
		t.Skipf("the shared evtx corpus is not at %s: %v", corpusDir, err)
	}
	mb := 64
	if v := os.Getenv("EXTRIAGE_BIG_MB"); v != "" {
		fmt.Sscan(v, &mb)
	}
	// The log is the file's header and its chunks, repeated: written
	// straight into the zip, never whole in memory.
	p := filepath.Join(t.TempDir(), "big.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(out)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	fw, _ := w.Create("SERVER1/Application.evtx")
	fw.Write(src[:4096])
	size := int64(4096)
	for size < int64(mb)<<20 {
		fw.Write(src[4096:])
		size += int64(len(src) - 4096)
	}
	if err := errors.Join(w.Close(), out.Close()); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	src = nil

	var st evtx.Stats
	events := 0
	base := peakHeap(func() {})
	peak := peakHeap(func() {
		ex := Expand([]string{p}, Options{})
		if len(ex.Inputs) != 1 {
			t.Errorf("%+v", ex)
			return
		}
		rc, err := ex.Inputs[0].Open()
		if err != nil {
			t.Error(err)
			return
		}
		defer rc.Close()
		st, err = evtx.ReadStream(ex.Inputs[0].Name, rc, evtx.Options{Jobs: 2}, func(*evtx.Event) { events++ })
		if err != nil {
			t.Error(err)
		}
	})
	if st.Bytes != size || events == 0 {
		t.Fatalf("read %d bytes of %d, %d events", st.Bytes, size, events)
	}
	grew := int64(peak) - int64(base)
	t.Logf("%d MiB event log in a %d MiB zip, %d chunks, %d events: heap in use peaked %.1f MiB above the %.1f MiB before",
		size>>20, fi.Size()>>20, st.Chunks, events, float64(grew)/(1<<20), float64(base)/(1<<20))
	if grew > 16<<20 {
		t.Errorf("streaming %d MiB took %d MiB of heap; it should be bounded by a few chunks", size>>20, grew>>20)
	}
}

// peakHeap samples the heap in use while fn runs and returns its peak.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-sampled
	return peak
}
