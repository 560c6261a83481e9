package evtx

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader: it must never panic, what
// it reports must be consistent (no more records than the bytes can hold,
// no record both read and lost), and the same read as a stream.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "fixtures", "evtx", "*", "*", "*.evtx"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			continue
		}
		// The fuzzing engine slows to a crawl on inputs of a hundred KiB and
		// more: multi-chunk and damaged files are seeded as their first two
		// chunks, cut down to the records the chunks hold.
		if len(b) > fileHeaderSize+chunkSize {
			b = multiChunkSeed(b)
		}
		f.Add(b)
	}
	f.Add([]byte("ElfFile\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		st, err := Read("fuzz.evtx", bytes.NewReader(data), int64(len(data)), Options{Jobs: 2}, func(*Event) { n++ })
		if err == nil && n != st.Records-st.Filtered {
			t.Fatalf("emitted %d events, stats say %d", n, st.Records-st.Filtered)
		}
		// Records never overlap and are at least 32 bytes, after each
		// slot's 512-byte header; a repeated record is counted once.
		slots := (len(data) - fileHeaderSize + chunkSize - 1) / chunkSize
		if most := max(0, slots) * (chunkSize - chunkHeaderSize) / (recordHeader + 8); st.Records > most || st.Recovered > st.Records {
			t.Fatalf("%d records (%d recovered) in %d bytes, which hold at most %d", st.Records, st.Recovered, len(data), most)
		}
		if st.Chunks+st.EmptyChunks > slots || st.UnknownTimes > st.Records {
			t.Fatalf("%d chunks and %d empty slots of %d; %d unknown times of %d records", st.Chunks, st.EmptyChunks, slots, st.UnknownTimes, st.Records)
		}
		if (st.Lost > 0 || st.Repeated > 0 || st.Recovered > 0) && !st.Damaged() {
			t.Fatalf("%d lost, %d repeated, %d recovered, and no problem reported", st.Lost, st.Repeated, st.Recovered)
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

// multiChunkSeed keeps the file header and the first two chunks of an
// .evtx file, each chunk cut after its last record: the zeros that follow
// are the same for the fuzzer as missing bytes, and the seed stays small.
// The header is left as it was, listing chunks the seed no longer holds.
func multiChunkSeed(b []byte) []byte {
	out := bytes.Clone(b[:fileHeaderSize])
	for i := 0; i < 2 && fileHeaderSize+(i+1)*chunkSize <= len(b); i++ {
		c := b[fileHeaderSize+i*chunkSize : fileHeaderSize+(i+1)*chunkSize]
		end := len(bytes.TrimRight(c, "\x00"))
		if i == 0 {
			end = chunkSize // the second chunk must stay at its offset
		}
		out = append(out, c[:end]...)
	}
	return out
}
