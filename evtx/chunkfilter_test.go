package evtx

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/extriage/extriage/patterns"
)

var haSource = Source{Channel: "Microsoft-Exchange-HighAvailability/Operational", Provider: "Microsoft-Exchange-HighAvailability"}

// The filter finds a source's strings in any case, as UTF-16LE or single
// bytes, needs both the channel and the provider, and declines to filter
// at all for strings a number or a time could render as.
func TestChunkFilter(t *testing.T) {
	pad := bytes.Repeat([]byte{0x41, 0}, 300) // "AAA…" around the strings
	chunk := func(parts ...[]byte) []byte {
		out := bytes.Clone(pad)
		for _, p := range parts {
			out = append(append(out, p...), pad...)
		}
		return out
	}
	u := func(s string) []byte { return utf16LE(s) }
	a := func(s string) []byte { return []byte(s) }
	for _, tc := range []struct {
		name string
		data []byte
		want bool
	}{
		{"both, as written", chunk(u(haSource.Provider), u(haSource.Channel)), true},
		{"both, other case", chunk(u(strings.ToUpper(haSource.Provider)), u(strings.ToLower(haSource.Channel))), true},
		{"both, ANSI", chunk(a(haSource.Provider), a(strings.ToUpper(haSource.Channel))), true},
		{"provider only", chunk(u(haSource.Provider)), false},
		{"the channel, which holds the provider's name", chunk(u(haSource.Channel)), true},
		{"the channel a letter short", chunk(u(haSource.Provider), u(haSource.Channel[:len(haSource.Channel)-1])), false},
		{"the channel cut at the chunk's end", append(chunk(u(haSource.Provider)), u(haSource.Channel)[:60]...), false},
		{"the channel whole at the chunk's end", append(chunk(u(haSource.Provider)), u(haSource.Channel)...), true},
		{"at the chunk's very start", append(u(haSource.Channel), pad...), true},
		{"neither", chunk(u("Microsoft-Windows-Security-Auditing"), u("Security")), false},
		{"a long s for an s (strings.EqualFold folds it)", chunk(u(strings.Replace(haSource.Channel, "s", "\u017f", 1))), true},
		{"a long s alone", chunk(u("\u017f"), u(haSource.Provider)), false},
	} {
		f := newChunkFilter([]Source{haSource})
		if got := f.mayHold(tc.data); got != tc.want {
			t.Errorf("%s: mayHold is %v, want %v", tc.name, got, tc.want)
		}
	}
	letters := newChunkFilter([]Source{{Channel: "System", Provider: "Service Control Manager"}})
	if !letters.mayHold(chunk(u("\u017fYSTEM"), u("service control MANAGER"))) || letters.mayHold(chunk(u("Service Control Manager"))) {
		t.Error("a source of letters only (anchored on its first letter) is not found as it should be")
	}
	for _, s := range []Source{
		{Channel: "", Provider: "P-x"},
		{Channel: "C", Provider: "Microsoft-Windows-X"},
		{Channel: "0x1f", Provider: "Microsoft-Windows-X"},   // a hex value renders so
		{Channel: "true", Provider: "Microsoft-Windows-X"},   // a bool value renders so
		{Channel: "Jörg", Provider: "Microsoft-Windows-X"},   // not ASCII
		{Channel: "a&amp;", Provider: "Microsoft-Windows-X"}, // an entity reference
	} {
		if f := newChunkFilter([]Source{haSource, s}); f != nil {
			t.Errorf("%+v: a filter was built; it cannot be searched for safely", s)
		}
	}
}

// readWith reads every file with opts and returns the stats and events.
func readWith(t *testing.T, files []string, opts Options) ([]Stats, [][]Event) {
	var stats []Stats
	var events [][]Event
	for _, f := range files {
		var evs []Event
		st, err := ReadFile(f, opts, func(e *Event) { evs = append(evs, *e) })
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		stats, events = append(stats, st), append(events, evs)
	}
	return stats, events
}

// passedOver counts the chunk slots of the files that the filter passes
// over, and the chunks in all.
func passedOver(t *testing.T, files []string, f *chunkFilter) (over, all int) {
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for off := fileHeaderSize; off < len(b); off += chunkSize {
			slot := b[off:min(off+chunkSize, len(b))]
			if !bytes.HasPrefix(slot, chunkMagic) {
				continue
			}
			all++
			if !f.mayHold(slot) {
				over++
			}
		}
	}
	return over, all
}

// Passing over chunks that hold no source changes nothing: the stats
// (records, records declined, lost, problems, computers and their spans,
// record ids) and the events are those of the record-by-record prefilter,
// on the shared corpus with sources that it holds and on a generated log
// with the built-in catalog; and the counts are those of a full decode.
func TestChunkFilterChangesNothing(t *testing.T) {
	corpus := corpusFiles(t)
	sources := []Source{
		{Channel: "System", Provider: "Service Control Manager"},
		{Channel: "Security", Provider: "Microsoft-Windows-Security-Auditing"},
		{Channel: "Microsoft-Windows-PowerShell/Operational", Provider: "Microsoft-Windows-PowerShell"},
		haSource,
	}
	sourceWant := func(channel, provider string, id uint32) bool {
		for _, s := range sources {
			if strings.EqualFold(s.Channel, channel) && strings.EqualFold(s.Provider, provider) {
				return id%2 == 1 // some records of a wanted source are declined too
			}
		}
		return false
	}
	generated := writeTemp(t, "generated.evtx", mustBuildLog(t, 4<<20))
	cat, err := patterns.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := patterns.Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	var catalogSources []Source
	for _, s := range m.EvtxSources() {
		catalogSources = append(catalogSources, Source{Channel: s.Channel, Provider: s.Provider})
	}
	for _, tc := range []struct {
		name    string
		files   []string
		want    func(string, string, uint32) bool
		sources []Source
	}{
		{"corpus", corpus, sourceWant, sources},
		{"corpus, catalog", corpus, m.Wants, catalogSources},
		{"generated, catalog", []string{generated}, m.Wants, catalogSources},
	} {
		t.Run(tc.name, func(t *testing.T) {
			over, all := passedOver(t, tc.files, newChunkFilter(tc.sources))
			t.Logf("%d of %d chunks passed over", over, all)
			if over == 0 {
				t.Fatal("no chunk is passed over: the test proves nothing")
			}
			perRecord, perRecordEvents := readWith(t, tc.files, Options{Want: tc.want})
			perChunk, perChunkEvents := readWith(t, tc.files, Options{Want: tc.want, Sources: tc.sources})
			full, _ := readWith(t, tc.files, Options{})
			emitted := 0
			for i, f := range tc.files {
				if !reflect.DeepEqual(perRecord[i], perChunk[i]) {
					t.Errorf("%s: stats differ when chunks are passed over:\n record by record %+v\n chunk by chunk   %+v", f, perRecord[i], perChunk[i])
				}
				if !reflect.DeepEqual(perRecordEvents[i], perChunkEvents[i]) {
					t.Errorf("%s: %d events record by record, %d chunk by chunk, or other events", f, len(perRecordEvents[i]), len(perChunkEvents[i]))
				}
				emitted += len(perChunkEvents[i])
				a, b := full[i], perChunk[i]
				if a.Records != b.Records || a.Lost != b.Lost || !reflect.DeepEqual(a.Computers, b.Computers) {
					t.Errorf("%s: a full decode counts %d records, %d lost, computers %v; passing over chunks %d, %d, %v",
						f, a.Records, a.Lost, a.Computers, b.Records, b.Lost, b.Computers)
				}
			}
			if emitted == 0 && tc.name != "corpus, catalog" {
				t.Error("no event was wanted: the test proves nothing")
			}
		})
	}
}

func mustBuildLog(t *testing.T, size int) []byte {
	b, _, err := buildLog(size)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTemp(t *testing.T, name string, b []byte) string {
	p := t.TempDir() + "/" + name
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzChunkFilter reads any input record by record and with chunks passed
// over: the stats and the events must be the same.
func FuzzChunkFilter(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "fixtures", "evtx", "*", "*", "*.evtx"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) <= fileHeaderSize+2*chunkSize {
			f.Add(b)
		} else if err == nil {
			f.Add(multiChunkSeed(b))
		}
	}
	sources := []Source{haSource, {Channel: "Application", Provider: "MSExchangeRepl"}}
	want := func(channel, provider string, id uint32) bool {
		for _, s := range sources {
			if strings.EqualFold(s.Channel, channel) && strings.EqualFold(s.Provider, provider) {
				return true
			}
		}
		return false
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(opts Options) (Stats, []Event, error) {
			var evs []Event
			st, err := Read("fuzz.evtx", bytes.NewReader(data), int64(len(data)), opts, func(e *Event) { evs = append(evs, *e) })
			return st, evs, err
		}
		st, evs, err := read(Options{Jobs: 2, Want: want})
		cst, cevs, cerr := read(Options{Jobs: 2, Want: want, Sources: sources})
		if err != cerr || !reflect.DeepEqual(st, cst) || !reflect.DeepEqual(evs, cevs) {
			t.Fatalf("with chunks passed over: %d events, error %v, stats %+v; record by record: %d, %v, %+v", len(cevs), cerr, cst, len(evs), err, st)
		}
	})
}
