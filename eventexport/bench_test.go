package eventexport

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

// exportStream generates an XML export of n events as it is read, so that
// a large one costs the test no memory of its own: Event Viewer's
// declaration and <Events> root, then events in the shape of haEvent.
type exportStream struct {
	n, i int
	buf  bytes.Buffer
	done bool
}

func (s *exportStream) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && !s.done {
		switch {
		case s.i == 0:
			s.buf.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\r\n<Events>")
		case s.i > s.n:
			s.buf.WriteString("</Events>")
			s.done = true
		default:
			s.buf.WriteString(haEvent(s.i, "EXCH1"))
			s.buf.WriteString("\r\n")
		}
		s.i++
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	return s.buf.Read(p)
}

// eventBytes is the size of one generated event, for b.SetBytes.
var eventBytes = int64(len(haEvent(1, "EXCH1")) + 2)

// BenchmarkReadXML reports MB/s of XML read into events; compare with
// evtx's BenchmarkGenerated on the same machine.
func BenchmarkReadXML(b *testing.B) {
	const events = 20000
	data, err := io.ReadAll(&exportStream{n: events})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		st, err := Read("bench", bytes.NewReader(data), Options{}, func(*Record) {})
		if err != nil || st.Records != events {
			b.Fatalf("%d records, %v", st.Records, err)
		}
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// TestXMLMemoryFlat reads a 32 MiB export and checks, at points along the
// way, that the live heap stays within a few MiB: memory follows the caps,
// not the input.
func TestXMLMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 32 MiB")
	}
	events := int((32 << 20) / eventBytes)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	n := 0
	st, err := Read("big", &exportStream{n: events}, Options{}, func(*Record) {
		if n++; n%(events/8) == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	})
	if err != nil || st.Records != events || st.Damaged() {
		t.Fatalf("%d records of %d, %v, %v", st.Records, events, err, st.Problems)
	}
	if grown := int64(peak) - int64(base); grown > 4<<20 {
		t.Errorf("the live heap grew by %d KiB while reading %d MiB", grown>>10, st.Bytes>>20)
	}
}

// rowStream generates an export of n rows after a header as it is read:
// the header, then row(i) for i = 1..n.
type rowStream struct {
	header string
	row    func(i int) string
	n, i   int
	buf    bytes.Buffer
}

func (s *rowStream) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && s.i <= s.n {
		if s.i == 0 {
			s.buf.WriteString(s.header)
		} else {
			s.buf.WriteString(s.row(s.i))
		}
		s.i++
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	return s.buf.Read(p)
}

// textFormats are the line-based readers, each as a generated export.
var textFormats = []struct {
	name   string
	format Format
	stream func(n int) io.Reader
}{
	{"Get-WinEvent-CSV", WinEventCSV, func(n int) io.Reader {
		return &rowStream{header: winEventCSV(true, ","), n: n, row: func(i int) string {
			return winEventRow(",", sysmonRow("5/31/2026 4:36:21 PM", i))
		}}
	}},
	{"wevtutil-text", WevtutilText, func(n int) io.Reader {
		return &rowStream{n: n, row: func(i int) string { return haTextEvent(i-1, "2024-02-12T07:00:00.140") }}
	}},
	{"ConvertTo-Json-7", WinEventJSON, func(n int) io.Reader {
		return &rowStream{header: "[", n: n, row: func(i int) string {
			if i == n {
				return sampleJSON7 + "]"
			}
			return sampleJSON7 + ",\r\n"
		}}
	}},
}

// BenchmarkReadText reports MB/s of each line-based reader.
func BenchmarkReadText(b *testing.B) {
	for _, tf := range textFormats {
		b.Run(tf.name, func(b *testing.B) {
			const events = 20000
			data, err := io.ReadAll(tf.stream(events))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				st, err := Read("bench", bytes.NewReader(data), Options{}, func(*Record) {})
				if err != nil || st.Records != events || st.Format != tf.format {
					b.Fatalf("%v: %d records, %v", st.Format, st.Records, err)
				}
			}
			b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// TestTextMemoryFlat is TestXMLMemoryFlat for the line-based readers:
// 50,000 events each (20 to 40 MiB), the live heap checked along the way.
func TestTextMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50,000 events per format")
	}
	for _, tf := range textFormats {
		const events = 50000
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapAlloc, uint64(0)
		n := 0
		st, err := Read("big", tf.stream(events), Options{}, func(*Record) {
			if n++; n%(events/8) == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		})
		if err != nil || st.Records != events || st.Damaged() {
			t.Fatalf("%s: %d records of %d, %v, %v", tf.name, st.Records, events, err, st.Problems)
		}
		if grown := int64(peak) - int64(base); grown > 4<<20 {
			t.Errorf("%s: the live heap grew by %d KiB while reading %d MiB", tf.name, grown>>10, st.Bytes>>20)
		}
	}
}
