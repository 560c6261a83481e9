package evtx

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
)

// slotOf returns slot i of file b.
func slotOf(b []byte, i int) []byte {
	return b[fileHeaderSize+i*chunkSize : fileHeaderSize+(i+1)*chunkSize]
}

// TestNoSilentLoss damages the multi-chunk fixture (3 chunks of 10, 10 and
// 8 records) in the ways a copy, a disk or a shadow copy does, and checks
// that every record still there is read, every record gone is counted when
// its ids say how many, and the damage is named with its chunk.
func TestNoSilentLoss(t *testing.T) {
	clean := fixture(t, "multi-chunk")
	ids := func(i int) (uint64, uint64) {
		s := slotOf(clean, i)
		return binary.LittleEndian.Uint64(s[24:]), binary.LittleEndian.Uint64(s[32:])
	}
	first1, last1 := ids(1)
	first2, last2 := ids(2)
	cases := []struct {
		name    string
		damage  func(b []byte) []byte
		records int
		lost    int
		chunk   int    // the chunk the first problem names
		says    string // in that problem, with the ids lost where they are known
	}{
		{"cut at a chunk boundary", func(b []byte) []byte { return b[:fileHeaderSize+2*chunkSize] },
			20, 8, 2, "the file header lists 3 chunks, but the file ends after 2: it is cut short, and the chunks after its end are lost; " + span(first2, last2)},
		{"first chunk zeroed", func(b []byte) []byte { clear(slotOf(b, 0)); return b },
			18, 0, 0, "an all-zero chunk slot inside the 3 chunks the file header lists"},
		{"middle chunk zeroed", func(b []byte) []byte { clear(slotOf(b, 1)); return b },
			18, 10, 1, "inside the 3 chunks the file header lists: the chunk that was here is lost; " + span(first1, last1)},
		{"last chunk zeroed", func(b []byte) []byte { clear(slotOf(b, 2)); return b },
			20, 8, 2, "the chunk that was here is lost; " + span(first2, last2)},
		{"chunk copied over its neighbour", func(b []byte) []byte { copy(slotOf(b, 1), slotOf(b, 0)); return b },
			18, 10, 1, "were already read from chunk 0: it is a copy of another chunk, written over this one; its 10 repeated records are counted once; " + span(first1, last1)},
		{"chunk signature zeroed", func(b []byte) []byte { clear(slotOf(b, 1)[:8]); return b },
			28, 0, 1, "the chunk header checksum holds once the signature is restored"},
		{"chunk header zeroed", func(b []byte) []byte { clear(slotOf(b, 1)[:chunkHeaderSize]); return b },
			28, 0, 1, "10 records recovered by their own signatures and sizes"},
		{"file header cut", func(b []byte) []byte { return b[:fileHeaderSize-96] },
			0, 0, ChunkFileHeader, "truncated inside the file header"},
		// 1000 zero bytes after chunk 0: chunks 1 and 2 are off the grid,
		// found again and read whole where they are.
		{"1000 bytes inserted", func(b []byte) []byte {
			at := fileHeaderSize + chunkSize
			return append(append(b[:at:at], make([]byte, 1000)...), b[at:]...)
		}, 28, 0, 2, "this chunk starts at file offset 70632, 1000 bytes past the 64 KiB grid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.damage(bytes.Clone(clean))
			n := 0
			st, err := Read("x.evtx", bytes.NewReader(b), int64(len(b)), Options{Jobs: 2}, func(*Event) { n++ })
			if err != nil {
				t.Fatal(err)
			}
			if st.Records != c.records || n != c.records || st.Lost != c.lost {
				t.Errorf("read %d records (%d events), %d lost; want %d, %d", st.Records, n, st.Lost, c.records, c.lost)
			}
			if len(st.Problems) == 0 {
				t.Fatal("no problem reported")
			}
			if p := st.Problems[0]; p.Chunk != c.chunk || !strings.Contains(p.Message, c.says) {
				t.Errorf("first problem %q; want chunk %d saying %q", p.Error(), c.chunk, c.says)
			}
			// A stream, in awkward pieces, reads the same.
			sst, err := ReadStream("x.evtx", &oddReader{r: bytes.NewReader(b), sizes: []int{4095, 1, 65537, 999}}, Options{Jobs: 3}, func(*Event) {})
			if err != nil || !reflect.DeepEqual(sst, st) {
				t.Errorf("as a stream: %v, %+v; as a file %+v", err, sst, st)
			}
		})
	}
}

func span(first, last uint64) string {
	return "records " + strconv.FormatUint(first, 10) + " to " + strconv.FormatUint(last, 10) + " (" + strconv.FormatUint(last-first+1, 10) + " records) are lost"
}

// TestNothingLost checks the damage that loses nothing: chunks out of
// order, a dirty header that lists fewer chunks than the file holds, a
// record whose only damage is its signature.
func TestNothingLost(t *testing.T) {
	clean := fixture(t, "multi-chunk")
	swapped := bytes.Clone(clean)
	copy(slotOf(swapped, 0), slotOf(clean, 1))
	copy(slotOf(swapped, 1), slotOf(clean, 0))
	fewer := bytes.Clone(clean)
	binary.LittleEndian.PutUint16(fewer[42:], 1)
	binary.LittleEndian.PutUint32(fewer[120:], 1) // dirty
	binary.LittleEndian.PutUint32(fewer[124:], crc32.ChecksumIEEE(fewer[:120]))
	for _, c := range []struct {
		name     string
		b        []byte
		problems int
	}{
		{"two chunks swapped", swapped, 0},
		{"dirty header listing 1 of 3 chunks", fewer, 0},
		{"record signature zeroed", fixture(t, "damaged-zeroed-signature"), 2}, // the records checksum, the signature
	} {
		st, err := Read("x.evtx", bytes.NewReader(c.b), int64(len(c.b)), Options{}, func(*Event) {})
		if err != nil || st.Records != 28 || st.Lost != 0 || len(st.Problems) != c.problems {
			t.Errorf("%s: %v, %d records, %d lost, problems %v", c.name, err, st.Records, st.Lost, st.Problems)
		}
	}
}

// TestUnknownTimes checks that a FILETIME of zero or past 2100 is no time:
// the record counts, its event has no time, the span leaves it out.
func TestUnknownTimes(t *testing.T) {
	w := evtxwriter.New(evtxwriter.Options{})
	good := time.Date(2024, 2, 12, 6, 0, 0, 0, time.UTC)
	for i, tm := range []time.Time{good, time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2185, 7, 21, 0, 0, 0, 0, time.UTC), good.Add(time.Hour)} {
		if err := w.Add(evtxwriter.Record{RecordID: uint64(100 + i), Time: tm, Computer: "SERVER3.contoso.local",
			Channel: "Application", Provider: "Test", EventID: 1}); err != nil {
			t.Fatal(err)
		}
	}
	b := w.Bytes()
	var times []time.Time
	st, err := Read("x.evtx", bytes.NewReader(b), int64(len(b)), Options{}, func(e *Event) { times = append(times, e.Time) })
	if err != nil {
		t.Fatal(err)
	}
	sp := st.Computers["SERVER3.contoso.local"]
	if st.Records != 4 || st.UnknownTimes != 2 || sp.Records != 4 || !sp.First.Equal(good) || !sp.Last.Equal(good.Add(time.Hour)) {
		t.Errorf("stats %+v, span %+v", st, sp)
	}
	if len(times) != 4 || !times[1].IsZero() || !times[2].IsZero() || !times[0].Equal(good) {
		t.Errorf("event times %v", times)
	}
}

// TestFileChangesWhileRead checks that a file cut or written to during the
// read is reported, with both sizes.
func TestFileChangesWhileRead(t *testing.T) {
	b := fixture(t, "multi-chunk")
	for _, c := range []struct {
		name   string
		change func(path string) error
		says   string
	}{
		{"shrinks", func(p string) error { return os.Truncate(p, 30000) }, "the file shrank from 200,704 to 30,000 bytes while it was read"},
		{"grows", func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			f.Write(make([]byte, chunkSize))
			return f.Close()
		}, "the file grew from 200,704 to 266,240 bytes while it was read: the 65,536 bytes added were not read"},
	} {
		path := filepath.Join(t.TempDir(), "log.evtx")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		changed := false
		st, err := ReadFile(path, Options{Jobs: 1}, func(*Event) {
			if !changed {
				changed = true
				if err := c.change(path); err != nil {
					t.Fatal(err)
				}
			}
		})
		if err != nil || len(st.Problems) == 0 {
			t.Fatalf("%s: %v, %+v", c.name, err, st)
		}
		last := st.Problems[len(st.Problems)-1]
		if last.Chunk != ChunkNone || !strings.Contains(last.Message, c.says) {
			t.Errorf("%s: last problem %q, want %q", c.name, last.Error(), c.says)
		}
	}
}
