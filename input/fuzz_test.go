package input

import (
	"io"
	"strings"
	"testing"
)

// FuzzExpandZip lists and reads arbitrary bytes as a zip archive: it must
// never panic, never decompress past the limits, and never leave the
// archive file open.
func FuzzExpandZip(f *testing.F) {
	ev := evtxFile(f)
	tr := []byte(trackingLog)
	whole := makeZip(f, entry{name: "SERVER1/a.evtx", data: ev}, entry{name: "SERVER1/t.log", data: tr, store: true},
		entry{name: "SERVER2/"}, entry{name: `SERVER2\b.evtx`, data: ev, sized: true})
	sized := makeZip(f, entry{name: "a.evtx", data: ev, sized: true}, entry{name: "t.log", data: tr, sized: true, store: true})
	for _, seed := range [][]byte{
		whole, sized, whole[:len(whole)/2], sized[:len(sized)*2/3],
		makeZip(f, entry{name: "bomb.evtx", data: evtxZeros(f, 2<<20)}),
		makeZip(f, entry{name: "inner.zip", data: sized, store: true}),
		makeZip(f),
		[]byte("PK\x03\x04"),
	} {
		f.Add(seed)
	}
	lim := Limits{ArchiveBytes: 1 << 20, MemberBytes: 256 << 10, Ratio: 20, RatioFrom: 64 << 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		classify(data[:min(len(data), headSize)])
		a := memArchive("fuzz.zip", data, lim)
		if err := a.acquire(); err != nil {
			t.Fatal(err)
		}
		ls := a.list()
		a.release()
		for _, in := range ls.inputs {
			if !strings.HasPrefix(in.Name, "fuzz.zip!/") || in.Kind == nil {
				t.Fatalf("input %+v", in)
			}
			rc, err := in.Open()
			if err != nil {
				continue
			}
			n, _ := io.Copy(io.Discard, rc)
			rc.Close()
			if n > lim.MemberBytes {
				t.Fatalf("%s: read %d bytes, over the member limit", in.Name, n)
			}
		}
		for _, e := range ls.errors {
			if !strings.HasPrefix(e.Name, "fuzz.zip") || e.Err == nil {
				t.Fatalf("error %+v", e)
			}
		}
		if got := a.total.Load(); got > lim.ArchiveBytes {
			t.Fatalf("decompressed %d bytes, over the archive limit", got)
		}
		if a.refs != 0 || a.f.Load() != nil {
			t.Fatalf("the archive is still open (%d)", a.refs)
		}
	})
}
