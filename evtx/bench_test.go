package evtx

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
	"github.com/extriage/extriage/patterns"
)

// Throughput of the reader: MB/s of input (b.SetBytes) and records/s, with
// and without the prefilter (Options.Want set to the built-in catalog's
// Matcher.Wants, as extriage scan does), on all cores and on one.

var (
	wantsOnce sync.Once
	wants     func(channel, provider string, eventID uint32) bool
	wantsErr  error
)

// catalogWants is the prefilter extriage scan uses.
func catalogWants(b *testing.B) func(string, string, uint32) bool {
	wantsOnce.Do(func() {
		cat, err := patterns.Load()
		if err != nil {
			wantsErr = err
			return
		}
		m, err := patterns.Compile(cat)
		if err != nil {
			wantsErr = err
			return
		}
		wants = m.Wants
	})
	if wantsErr != nil {
		b.Fatal(wantsErr)
	}
	return wants
}

// readModes are the option sets every throughput benchmark runs.
func readModes(b *testing.B) []struct {
	name string
	opts Options
} {
	w := catalogWants(b)
	return []struct {
		name string
		opts Options
	}{
		{"all", Options{}},
		{"prefilter", Options{Want: w}},
		{"all-j1", Options{Jobs: 1}},
		{"prefilter-j1", Options{Jobs: 1, Want: w}},
	}
}

// benchFiles reads files of size bytes in all, in every read mode.
func benchFiles(b *testing.B, files []string, size int64) {
	for _, mode := range readModes(b) {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(size)
			records := 0
			for b.Loop() {
				records = 0
				for _, f := range files {
					st, err := ReadFile(f, mode.opts, func(*Event) {})
					if err != nil {
						b.Fatal(err)
					}
					records += st.Records
				}
			}
			b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkCorpus reads every file of the shared public corpus (small,
// varied files, some damaged).
func BenchmarkCorpus(b *testing.B) {
	files := corpusFiles(b)
	var size int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
	}
	benchFiles(b, files, size)
}

// BenchmarkDir reads every .evtx file under the folder named by
// EXTRIAGE_BENCH_EVTX, for example a set written by fixtures/bulk
// (go run ./fixtures/bulk -out DIR -size 200MB), to measure or profile the
// reader on it; without the variable it is skipped.
func BenchmarkDir(b *testing.B) {
	dir := os.Getenv("EXTRIAGE_BENCH_EVTX")
	if dir == "" {
		b.Skip("set EXTRIAGE_BENCH_EVTX to a folder of .evtx files")
	}
	var files []string
	var size int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".evtx") {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, path)
		size += fi.Size()
		return nil
	})
	if err != nil || len(files) == 0 {
		b.Fatalf("%s: %d .evtx files, %v", dir, len(files), err)
	}
	benchFiles(b, files, size)
}

// BenchmarkGenerated reads a generated 16 MiB log, in memory: Application
// noise of many sources and sizes, and HighAvailability records of which
// about one in a thousand is one the catalog wants.
func BenchmarkGenerated(b *testing.B) {
	data, records := generatedLog(b)
	for _, mode := range readModes(b) {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				st, err := Read("generated.evtx", bytes.NewReader(data), int64(len(data)), mode.opts, func(*Event) {})
				if err != nil || st.Records != records || st.Damaged() {
					b.Fatalf("read %d of %d records, %v, %v", st.Records, records, err, st.Problems)
				}
			}
			b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

var (
	genOnce    sync.Once
	genData    []byte
	genRecords int
	genErr     error
)

// generatedLog builds the generated log once per test binary.
func generatedLog(b *testing.B) ([]byte, int) {
	genOnce.Do(func() { genData, genRecords, genErr = buildLog(16 << 20) })
	if genErr != nil {
		b.Fatal(genErr)
	}
	return genData, genRecords
}

// buildLog writes records until the file reaches size bytes. A small
// linear congruential generator keeps it deterministic.
func buildLog(size int) ([]byte, int, error) {
	const (
		haChannel  = "Microsoft-Exchange-HighAvailability/Operational"
		haProvider = "Microsoft-Exchange-HighAvailability"
		haGUID     = "{6c7b2a47-35d5-4f66-9e0c-8b8a1f3c2d91}"
	)
	sources := []struct {
		name string
		id   uint16
	}{
		{"MSExchange ADAccess", 2080}, {"MSExchangeRepl", 4114}, {"MSExchangeRepl", 2001}, {"ESENT", 326},
		{"MSExchange Common", 4999}, {"MSExchangeTransport", 1035}, {"ASP.NET 4.0.30319.0", 1309},
		{"MSExchange Front End HTTP Proxy", 1003}, {".NET Runtime", 1026}, {"Application Error", 1000},
	}
	seed := uint64(1)
	next := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed>>33) % n
	}
	var buf memFile
	w := evtxwriter.NewStream(&buf, evtxwriter.Options{})
	t := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for id := uint64(1); ; id++ {
		t = t.Add(time.Duration(1+next(4000)) * time.Millisecond)
		r := evtxwriter.Record{RecordID: id, Time: t, Computer: "SERVER1.contoso.local", ProcessID: 3116, ThreadID: 4120}
		switch k := next(1000); {
		case k == 0: // the one in a thousand a signature wants
			r.Channel, r.Provider, r.ProviderGUID, r.EventID = haChannel, haProvider, haGUID, 708
			r.Data = evtxwriter.UserData{Root: "EventXML", Namespace: "Event_NS", Fields: []evtxwriter.Field{
				{Name: "DatabaseName", Value: "DB1"}, {Name: "CopyIdentity", Value: `DB1\SERVER1`},
				{Name: "Generation", Value: fmt.Sprint(1843211 + id)}, {Name: "LogFileAge", Value: "6.23:51:12.5120000"},
				{Name: "ReasonText", Value: "Replay lag has been disabled."}, {Name: "PlayDownReason", Value: "LagDisabled"}}}
		case k < 300: // HighAvailability routine events
			r.Channel, r.Provider, r.ProviderGUID, r.EventID = haChannel, haProvider, haGUID, 101
			r.Data = evtxwriter.UserData{Root: "EventXML", Namespace: "Event_NS", Fields: []evtxwriter.Field{
				{Name: "DatabaseName", Value: fmt.Sprintf("DB%02d", 1+next(24))}, {Name: "ServerName", Value: "SERVER1"},
				{Name: "CopyStatus", Value: "Healthy"}, {Name: "CopyQueueLength", Value: fmt.Sprint(next(4))},
				{Name: "ReplayQueueLength", Value: fmt.Sprint(next(5000))}}}
		default: // Application noise: 1 to 10 strings of 4 to 163 characters
			s := sources[next(len(sources))]
			r.Channel, r.Provider, r.EventID, r.Qualifiers, r.Level = "Application", s.name, s.id, 16388, 4
			strs := make([]string, 1+next(10))
			for i := range strs {
				n := 4 + next(160)
				strs[i] = strings.Repeat("Microsoft.Exchange.Data "[next(20):], n/4+1)[:n]
			}
			r.Data = evtxwriter.EventData{AsStringArray: next(4) != 0, Strings: strs}
		}
		if err := w.Add(r); err != nil {
			return nil, 0, err
		}
		if w.Size() >= int64(size) {
			if err := w.Close(); err != nil {
				return nil, 0, err
			}
			return buf.b, w.Len(), nil
		}
	}
}

// memFile is an io.WriterAt in memory.
type memFile struct{ b []byte }

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(m.b) {
		m.b = append(m.b, make([]byte, end-len(m.b))...)
	}
	return copy(m.b[off:], p), nil
}
