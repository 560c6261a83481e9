package evtx

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader: it must never panic, and
// what it reports must be consistent, and the same read as a stream.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "fixtures", "evtx", "*", "*", "*.evtx"))
	for _, s := range seeds {
		// One-chunk files only: the fuzzing engine slows to a crawl on
		// inputs of a hundred KiB and more.
		if b, err := os.ReadFile(s); err == nil && len(b) <= 4096+65536 {
			f.Add(b)
		}
	}
	f.Add([]byte("ElfFile\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		st, err := Read("fuzz.evtx", bytes.NewReader(data), int64(len(data)), Options{Jobs: 2}, func(*Event) { n++ })
		if err == nil && n != st.Records-st.Filtered {
			t.Fatalf("emitted %d events, stats say %d", n, st.Records-st.Filtered)
		}
		// The same bytes as a stream, in awkward pieces: the same result.
		m := 0
		sst, serr := ReadStream("fuzz.evtx", &oddReader{r: bytes.NewReader(data), sizes: []int{4095, 1, 65537}}, Options{Jobs: 3}, func(*Event) { m++ })
		if err != nil {
			// A stream refused is read no further than needed, so only the
			// error is compared.
			sst.Bytes = st.Bytes
		}
		if serr != err || m != n || !reflect.DeepEqual(sst, st) {
			t.Fatalf("as a stream: %d events, error %v, stats %+v; as a file: %d, %v, %+v", m, serr, sst, n, err, st)
		}
	})
}
