package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/extriage/extriage/evtx"
)

func TestLimitsDefaults(t *testing.T) {
	def := DefaultLimits()
	if got := (Limits{}).withDefaults(); got != def {
		t.Errorf("zero limits: %+v, want the defaults %+v", got, def)
	}
	got := Limits{ArchiveBytes: -1, MemberBytes: 5, Ratio: -3}.withDefaults()
	want := Limits{ArchiveBytes: math.MaxInt64, MemberBytes: 5, Ratio: math.MaxInt64, RatioFrom: def.RatioFrom}
	if got != want {
		t.Errorf("%+v, want %+v", got, want)
	}
	for n, s := range map[int64]string{1: "1 bytes", 16 << 30: "16 GiB", 12<<20 + 512<<10: "12.5 MiB", 1023: "1023 bytes", 1 << 62: "4 EiB"} {
		if got := sizeText(n); got != s {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, s)
		}
	}
}

// declaring returns a zip whose one member, name, declares a size of
// size bytes but decompresses to data.
func declaring(t *testing.T, name string, size uint64, data []byte) []byte {
	var packed bytes.Buffer
	w := zip.NewWriter(&packed)
	fw, err := w.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, UncompressedSize64: size, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(len(deflated(t, data)))})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(deflated(t, data))
	w.Close()
	return packed.Bytes()
}

func deflated(t *testing.T, data []byte) []byte {
	z := makeZip(t, entry{name: "x", data: data, sized: true})
	zr, _ := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	r, _ := zr.File[0].OpenRaw()
	b, _ := io.ReadAll(r)
	return b
}

// TestLimits checks that bombs are stopped where the limits say, with an
// error that names the archive, the member and the limit, and that the
// other members are still read.
func TestLimits(t *testing.T) {
	zeros64 := evtxZeros(t, 64<<20)
	ev := evtxFile(t)
	cases := []struct {
		name    string
		zip     []byte
		lim     Limits
		limit   string // the limit that stops the member "bomb.evtx", "" for none
		fails   string // for no limit, the error expected
		stopAt  int64  // bytes delivered before the error, if known
		message string
	}{
		{name: "zip bomb of zeros, member limit", lim: Limits{MemberBytes: 16 << 20, Ratio: -1},
			zip:   makeZip(t, entry{name: "SERVER1/bomb.evtx", data: zeros64}, entry{name: "SERVER1/ok.evtx", data: ev}),
			limit: "MemberBytes", stopAt: 16 << 20,
			message: "bomb.zip!/SERVER1/bomb.evtx: reading stopped: the member decompresses to more than 16 MiB, the limit for one member of an archive (MemberBytes)"},
		{name: "zip bomb of zeros, default limits",
			zip:   makeZip(t, entry{name: "SERVER1/bomb.evtx", data: zeros64}, entry{name: "SERVER1/ok.evtx", data: ev}),
			limit: "Ratio",
			message: "bomb.zip!/SERVER1/bomb.evtx: reading stopped at %s: the member decompresses to more than 200 times its compressed size (%s), " +
				"the limit for the compression ratio (Ratio): this looks like a zip bomb, not a log"},
		{name: "ratio bomb", lim: Limits{Ratio: 50, RatioFrom: 100 << 10},
			zip:   makeZip(t, entry{name: "SERVER1/bomb.evtx", data: evtxZeros(t, 4<<20)}, entry{name: "SERVER1/ok.evtx", data: ev}),
			limit: "Ratio", message: "more than 50 times its compressed size"},
		{name: "ratio bomb under RatioFrom", lim: Limits{Ratio: 50, RatioFrom: 1 << 20},
			zip:   makeZip(t, entry{name: "SERVER1/bomb.evtx", data: evtxZeros(t, 4<<20)}, entry{name: "SERVER1/ok.evtx", data: ev}),
			limit: "Ratio", stopAt: 1 << 20, message: "reading stopped at 1 MiB"},
		{name: "small member over the ratio, under RatioFrom", lim: Limits{Ratio: 50, RatioFrom: 8 << 20},
			zip: makeZip(t, entry{name: "SERVER1/bomb.evtx", data: evtxZeros(t, 4<<20)}, entry{name: "SERVER1/ok.evtx", data: ev})},
		{name: "archive limit", lim: Limits{ArchiveBytes: 6 << 20, Ratio: -1},
			zip: makeZip(t, entry{name: "SERVER1/a.evtx", data: evtxZeros(t, 4<<20)}, entry{name: "SERVER1/bomb.evtx", data: evtxZeros(t, 4<<20)},
				entry{name: "SERVER1/ok.evtx", data: ev}),
			limit: "ArchiveBytes", message: "the archive's members decompress to more than 6 MiB together, the limit for one archive (ArchiveBytes)"},
		{name: "member exactly at the limit", lim: Limits{MemberBytes: 4 << 20, Ratio: -1},
			zip: makeZip(t, entry{name: "SERVER1/bomb.evtx", data: evtxZeros(t, 4<<20)}, entry{name: "SERVER1/ok.evtx", data: ev})},
		{name: "declared size far larger than the limit", lim: Limits{MemberBytes: 1 << 20},
			zip:   declaring(t, "SERVER1/bomb.evtx", 1<<40, evtxZeros(t, 8<<20)),
			limit: "MemberBytes", stopAt: 1 << 20},
		{name: "declared size smaller than the data",
			zip:   declaring(t, "SERVER1/bomb.evtx", 5000, evtxZeros(t, 8<<20)),
			fails: "zip: not a valid zip file"}, // archive/zip reads no more than the size declared
		{name: "stored member, sizes in its local header, archive cut", lim: Limits{MemberBytes: 1 << 20, Ratio: -1},
			zip:   makeZip(t, entry{name: "SERVER1/bomb.evtx", data: evtxZeros(t, 2<<20), store: true, sized: true})[:2<<20],
			limit: "MemberBytes", stopAt: 1 << 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := memArchive("bomb.zip", c.zip, c.lim)
			a.acquire()
			ls := a.list()
			a.release()
			if a.refs != 0 {
				t.Errorf("archive still held %d times after listing", a.refs)
			}
			seen := false
			for _, in := range ls.inputs {
				rc, err := in.Open()
				if err != nil {
					t.Fatal(err)
				}
				n, err := io.Copy(io.Discard, rc)
				rc.Close()
				if in.Member != "SERVER1/bomb.evtx" {
					// The scan goes on: the other members are read, unless it
					// is the archive that is over its limit.
					if (err != nil) != (c.limit == "ArchiveBytes" && seen) {
						t.Errorf("%s: %v", in.Name, err)
					}
					continue
				}
				seen = true
				checkBomb(t, a, in, n, err, c.limit, c.fails, c.stopAt, c.message)
			}
			if !seen {
				t.Fatalf("no bomb.evtx among %v (errors %v)", ls.inputs, ls.errors)
			}
			if a.refs != 0 {
				t.Errorf("archive still held %d times after reading", a.refs)
			}
		})
	}
}

// checkBomb checks how reading the member bomb ended: after n bytes, with
// err.
func checkBomb(t *testing.T, a *archive, bomb Input, n int64, err error, limit, fails string, stopAt int64, message string) {
	t.Helper()
	if stopAt != 0 && n != stopAt {
		t.Errorf("stopped after %d bytes, want %d", n, stopAt)
	}
	var le *LimitError
	switch {
	case limit == "" && fails == "" && err != nil:
		t.Errorf("read %d bytes, then %v", n, err)
		return
	case limit == "" && fails != "":
		if err == nil || !strings.Contains(err.Error(), fails) {
			t.Errorf("read %d bytes, then %v; want %q", n, err, fails)
		}
		return
	case limit == "":
		return
	case !errors.As(err, &le) || !errors.Is(err, ErrLimit):
		t.Fatalf("read %d bytes, then %v; want a LimitError", n, err)
	case le.Limit != limit || le.Archive != "bomb.zip" || le.Member != "SERVER1/bomb.evtx" || le.Read != n:
		t.Errorf("read %d bytes, then %+v", n, le)
	}
	if limit == "Ratio" && n != max(a.lim.RatioFrom, a.lim.Ratio*le.Packed) {
		t.Errorf("stopped at %d bytes, %d times %d compressed bytes", n, a.lim.Ratio, le.Packed)
	}
	if strings.Contains(message, "%s") {
		message = fmt.Sprintf(message, sizeText(le.Read), sizeText(le.Packed))
	}
	if !strings.Contains(err.Error(), message) {
		t.Errorf("error %q\nwant it to hold %q", err, message)
	}
	// The error as Expand's caller reports it names the member once.
	if e := (Error{Name: bomb.Name, Err: err}); strings.Count(e.Error(), "bomb.zip!/SERVER1/bomb.evtx") != 1 {
		t.Errorf("Error: %q", e.Error())
	}
	// Reading through evtx stops the same way, with the same error.
	if strings.HasPrefix(limit, "Member") || limit == "Ratio" {
		rc, _ := bomb.Open()
		defer rc.Close()
		st, err := evtx.ReadStream(bomb.Name, rc, evtx.Options{Jobs: 2}, func(*evtx.Event) {})
		if !errors.As(err, &le) || le.Limit != limit || st.Bytes != n {
			t.Errorf("evtx.ReadStream: %v (stats %+v)", err, st)
		}
	}
}

// TestLimitAtListing checks that an archive over its limit while its
// members are being recognised says so, and stops there.
func TestLimitAtListing(t *testing.T) {
	var entries []entry
	for _, n := range []string{"a", "b", "c", "d"} {
		entries = append(entries, entry{name: n + ".evtx", data: evtxFile(t)})
	}
	a := memArchive("many.zip", makeZip(t, entries...), Limits{ArchiveBytes: 2*headSize + 100})
	a.acquire()
	ls := a.list()
	a.release()
	if len(ls.inputs) != 2 || len(ls.errors) != 2 || !errors.Is(ls.errors[0], ErrLimit) {
		t.Errorf("inputs %v, errors %v", ls.inputs, ls.errors)
	}
}
