package kinds

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/extriage/extriage/patterns"
)

const fixtures = "../fixtures"

// fileSource is a fixture as a plain file (read in place) or, with stream
// set, as a stream only (a zip member, standard input).
func fileSource(t *testing.T, rel string, stream bool) Source {
	t.Helper()
	path := filepath.Join(fixtures, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	src := Source{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
	if !stream {
		src.Path = path
	}
	return src
}

// readAll reads src with k and returns the stats and the record ids and
// event ids emitted.
func readAll(t *testing.T, k Kind, src Source, opts Options) (Stats, []uint64, []uint32, error) {
	t.Helper()
	var ids []uint64
	var events []uint32
	st, err := k.Read(src, opts, func(rec *patterns.Record) {
		ids = append(ids, rec.RecordID)
		events = append(events, rec.EventID)
	})
	return st, ids, events, err
}

func TestEvtxSniff(t *testing.T) {
	chunkOnly := make([]byte, HeadSize)
	copy(chunkOnly[4096:], "ElfChnk\x00")
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"file signature", []byte("ElfFile\x00rest"), true},
		{"header destroyed, chunk at 4096", chunkOnly, true},
		{"chunk signature cut short", chunkOnly[:HeadSize-1], false},
		{"empty", nil, false},
		{"text", []byte("#Software: Microsoft Exchange Server"), false},
	}
	for _, tt := range tests {
		if got := Evtx.Sniff(tt.head); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A file read in place and the same file read as a stream give the same
// records and the same stats; the prefilter keeps the counts exact.
func TestEvtxRead(t *testing.T) {
	const rel = "evtx/field-case/SERVER3/Microsoft-Exchange-HighAvailability%4Operational.evtx"
	inPlace, ids, _, err := readAll(t, Evtx, fileSource(t, rel, false), Options{Jobs: 2})
	if err != nil || !inPlace.Scanned || inPlace.Records != 29 || len(ids) != 29 || inPlace.ProblemCount != 0 {
		t.Fatalf("in place: %+v, %d records emitted, %v", inPlace, len(ids), err)
	}
	streamed, sids, _, err := readAll(t, Evtx, fileSource(t, rel, true), Options{Jobs: 2})
	if err != nil || streamed.Records != inPlace.Records || streamed.Bytes != inPlace.Bytes || !slices.Equal(sids, ids) {
		t.Errorf("stream: %+v, %d records, %v; in place %+v", streamed, len(sids), err, inPlace)
	}
	if sp := inPlace.Servers["SERVER3"]; sp == nil || sp.Records != 29 || sp.First.IsZero() {
		t.Errorf("servers %+v", inPlace.Servers)
	}
	none := prefilter{}
	filtered, fids, _, err := readAll(t, Evtx, fileSource(t, rel, false), Options{Prefilter: none})
	if err != nil || filtered.Records != 29 || len(fids) != 0 || filtered.Servers["SERVER3"].Records != 29 {
		t.Errorf("nothing wanted: %+v, %d emitted, %v", filtered, len(fids), err)
	}
}

// Damage is a problem with its chunk and offset, and the rest is read.
func TestEvtxReadDamaged(t *testing.T) {
	st, ids, _, err := readAll(t, Evtx, fileSource(t, "evtx/damaged-truncated/SERVER3/Microsoft-Exchange-HighAvailability%4Operational.evtx", true), Options{})
	if !st.Scanned || len(ids) == 0 || st.ProblemCount == 0 || st.ProblemCount != len(st.Problems) {
		t.Fatalf("%+v, %d records, %v", st, len(ids), err)
	}
	named := false
	for _, p := range st.Problems {
		named = named || p.Chunk != nil && *p.Chunk == 2 && p.Offset != nil
	}
	if !named {
		t.Errorf("no problem names chunk 2 and its offset: %+v", st.Problems)
	}
}

// An input that cannot be opened is an error with nothing scanned.
func TestReadOpenError(t *testing.T) {
	src := Source{Name: "gone", Open: func() (io.ReadCloser, error) { return nil, os.ErrNotExist }}
	for _, k := range All() {
		st, err := k.Read(src, Options{}, func(*patterns.Record) { t.Error("a record from nothing") })
		if err == nil || st.Scanned {
			t.Errorf("%s: %+v, %v", k, st, err)
		}
	}
}

// Every kind has a name of its own and a noun, ByName finds it, and the
// registry's Sniff tells the fixtures apart.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range All() {
		if seen[k.String()] || k.Noun().One == "" || k.Noun().Many == "" || ByName(k.String()) != k {
			t.Errorf("kind %q: duplicate, no noun, or not found by name", k)
		}
		seen[k.String()] = true
	}
	if ByName("none") != nil {
		t.Error("ByName of an unknown name")
	}
	for rel, want := range map[string]Kind{
		"evtx/field-case/SERVER3/Microsoft-Exchange-HighAvailability%4Operational.evtx": Evtx,
		"trace/af-tracking-log/MSGTRK2024020309-1.LOG":                                  Trace,
		"trace/extended-report/extended_report_contoso.csv":                             Trace,
		"trace/damaged-junk/MSGTRK2024020310-1.LOG":                                     nil,
	} {
		b, err := os.ReadFile(filepath.Join(fixtures, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if got := Sniff(b[:min(len(b), HeadSize)]); got != want {
			t.Errorf("%s: Sniff = %v, want %v", rel, got, want)
		}
	}
	if k := Sniff([]byte(strings.Repeat("x", 100))); k != nil {
		t.Errorf("plain text sniffed as %v", k)
	}
}

// prefilter wants nothing.
type prefilter struct{}

func (prefilter) Wants(string, string, uint32) bool { return false }
func (prefilter) WantsTrace(_, _, _ string) bool    { return false }
