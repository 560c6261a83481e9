package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
)

const fixtures = "../fixtures"

func matcher(t *testing.T) *patterns.Matcher {
	t.Helper()
	cat, err := patterns.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := patterns.Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Run keeps no state between calls: scans of different inputs, side by
// side, each get their own incidents, counts and clock.
func TestRunParallel(t *testing.T) {
	m := matcher(t)
	trace, err := os.ReadFile(filepath.Join(fixtures, "trace", "extended-report", "extended_report_contoso.csv"))
	if err != nil {
		t.Fatal(err)
	}
	field := filepath.Join(fixtures, "evtx", "field-case")
	stopped := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		cfg       Config
		inputs    int
		incidents int
		partial   bool
	}{
		{"evtx", Config{Paths: []string{field}}, 1, 1, false},
		{"evtx without prefilter", Config{Paths: []string{field}, NoPrefilter: true, Jobs: 1}, 1, 1, false},
		{"window before the incident", Config{Paths: []string{field}, Window: Window{Until: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}}, 1, 0, false},
		{"stdin", Config{Paths: []string{"-"}, Stdin: bytes.NewReader(trace)}, 1, 2, false},
		{"damaged", Config{Paths: []string{filepath.Join(fixtures, "evtx", "damaged-zeroed-signature")}}, 1, 1, true},
		{"missing", Config{Paths: []string{filepath.Join(fixtures, "no-such-file")}}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := tt.cfg
			cfg.Matcher = m
			cfg.Now = func() time.Time { return stopped }
			res := Run(cfg)
			s := res.Summary
			if s.Inputs != tt.inputs || len(res.Incidents) != tt.incidents || s.Partial != tt.partial {
				t.Errorf("inputs %d, incidents %d, partial %v; want %d, %d, %v; errors %+v",
					s.Inputs, len(res.Incidents), s.Partial, tt.inputs, tt.incidents, tt.partial, s.Errors)
			}
			if !s.Started.Equal(stopped) || s.Duration != 0 {
				t.Errorf("started %v after %v: the clock given was not used", s.Started, s.Duration)
			}
			if tt.inputs > 0 && s.Records == 0 {
				t.Error("no record counted")
			}
		})
	}
}

// progress counts what Run reports to a Progress.
type progress struct {
	inputs        int
	total, read   int64
	started, done int
}

func (p *progress) Start(inputs int, total int64) { p.inputs, p.total = inputs, total; p.started++ }
func (p *progress) Read(n int64)                  { p.read += n }
func (p *progress) Stop()                         { p.done++ }

// Every byte read is reported, once the inputs are known.
func TestRunProgress(t *testing.T) {
	var p progress
	res := Run(Config{Paths: []string{filepath.Join(fixtures, "evtx", "field-case")}, Matcher: matcher(t), Jobs: 1, Progress: &p})
	if p.started != 1 || p.done != 1 || p.inputs != 1 || p.total != res.Summary.Bytes || p.read != res.Summary.Bytes {
		t.Errorf("progress %+v, summary bytes %d", p, res.Summary.Bytes)
	}
}

// Visit sees every record a scan counts, in order, and Want picks which
// evtx records it sees.
func TestRunVisit(t *testing.T) {
	paths := []string{filepath.Join(fixtures, "evtx", "field-case"), filepath.Join(fixtures, "trace", "extended-report")}
	for _, tt := range []struct {
		name string
		want func(string, string, uint32) bool
		all  bool
	}{
		{"every record", nil, true},
		{"738 only", func(_, _ string, id uint32) bool { return id == 738 }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var n, n738, trace int
			var last string
			res := Run(Config{Paths: paths, Want: tt.want, Visit: func(r *patterns.Record) {
				n++
				if r.Source == "trace" {
					trace++
				} else if r.EventID == 738 {
					n738++
				}
				if r.File < last {
					t.Errorf("%s visited after %s", r.File, last)
				}
				last = r.File
			}})
			if len(res.Incidents) != 0 {
				t.Errorf("a visiting scan matched: %d incidents", len(res.Incidents))
			}
			// A trace record (line) to three recipients is three rows.
			evtxRecords := res.Summary.Files[0].Records
			if tt.all && (n-trace != evtxRecords || trace < res.Summary.Files[1].Records) {
				t.Errorf("visited %d evtx records and %d trace rows, the summary counts %+v", n-trace, trace, res.Summary.Files)
			}
			if !tt.all && (n738 == 0 || n != n738+trace) {
				t.Errorf("visited %d records, %d of them 738 and %d trace rows", n, n738, trace)
			}
		})
	}
}

// fakeKind stands for a kind added later: the summary takes its name, noun
// and stats as they are, whatever the kind.
type fakeKind struct{}

func (fakeKind) String() string { return "export" }
func (fakeKind) Noun() kinds.Noun {
	return kinds.Noun{One: "event export", Many: "event exports"}
}
func (fakeKind) Sniff([]byte) bool { return false }
func (fakeKind) Read(kinds.Source, kinds.Options, func(*patterns.Record)) (kinds.Stats, error) {
	return kinds.Stats{}, nil
}

func TestAddFile(t *testing.T) {
	chunk, off := 2, int64(143400)
	st := kinds.Stats{Scanned: true, Bytes: 10, Records: 7, Lost: 1, Format: "csv", Encoding: "utf-8",
		Lacks:        []string{"rendered messages only: no record ids"},
		Problems:     []kinds.Problem{{Line: 9, Message: "row cut short"}, {Chunk: &chunk, Offset: &off, Record: 5, Message: "bad record"}},
		ProblemCount: 4, Warnings: []kinds.Problem{{Line: 1, Message: "times read as UTC"}}}
	var sum report.Summary
	addFile(&sum, "a.csv", fakeKind{}, &st)
	f := sum.Files[0]
	if sum.Inputs != 1 || sum.Records != 7 || sum.Lost != 1 || sum.Bytes != 10 || f.Kind != "export" ||
		f.Noun.Many != "event exports" || f.Dialect != "csv" || f.Problems != 4 || !slices.Equal(f.Lacks, st.Lacks) {
		t.Errorf("summary %+v", sum)
	}
	wantErrors := []report.Error{{File: "a.csv", Line: 9, Message: "row cut short"},
		{File: "a.csv", Chunk: &chunk, Offset: &off, Record: 5, Message: "bad record"},
		{File: "a.csv", Message: "2 more problems in this file are not listed"}}
	wantWarnings := []report.Error{{File: "a.csv", Line: 1, Message: "times read as UTC"},
		{File: "a.csv", Message: "csv: rendered messages only: no record ids"}}
	if !reflect.DeepEqual(sum.Errors, wantErrors) || !reflect.DeepEqual(sum.Warnings, wantWarnings) {
		t.Errorf("errors %+v\nwarnings %+v", sum.Errors, sum.Warnings)
	}
}

// An incident whose evidence includes records of a chunk whose checksum
// failed says how many, and which chunk, in its caveat field; the counts
// come from the generator's facts: the supporting records inside the
// damaged chunk's ids.
func TestCaveats(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "evtx", "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var facts []struct {
		File    string `json:"file"`
		Support struct {
			RecordIDs []uint64 `json:"record_ids"`
		} `json:"support"`
		Damage *struct {
			Kind      string    `json:"kind"`
			Chunk     int       `json:"chunk"`
			ChunkIDs  [2]uint64 `json:"chunk_record_ids"`
			RecordIDs []uint64  `json:"record_ids"`
		} `json:"damage"`
	}
	if err := json.Unmarshal(b, &facts); err != nil {
		t.Fatal(err)
	}
	m := matcher(t)
	for _, f := range facts {
		res := Run(Config{Paths: []string{filepath.Join(fixtures, filepath.FromSlash(f.File))}, Matcher: m})
		want := ""
		if d := f.Damage; d != nil && (d.Kind == "bad-records-crc" || d.Kind == "zeroed-record-signature") {
			n, sig := 0, 0 // in the chunk; of those, with the damaged signature
			for _, id := range f.Support.RecordIDs {
				switch {
				case slices.Contains(d.RecordIDs, id):
					sig++
				case id >= d.ChunkIDs[0] && id <= d.ChunkIDs[1]:
					n++
				}
			}
			all := len(f.Support.RecordIDs)
			want = fmt.Sprintf("%d of %d supporting records come from a chunk whose checksum failed (chunk %d)", n, all, d.Chunk)
			if sig > 0 {
				want += fmt.Sprintf("; %d of %d supporting records has a damaged record signature (chunk %d)", sig, all, d.Chunk)
			}
		}
		for _, inc := range res.Incidents {
			if got, _ := inc.Fields[CaveatField].(string); got != want {
				t.Errorf("%s: caveat %q, want %q", f.File, got, want)
			}
		}
	}
}

// Records with a time no log can hold (a zeroed FILETIME, a year 2185 from
// flipped bits) are counted, left out of the server's span, and said.
func TestUnknownTimesSummary(t *testing.T) {
	w := evtxwriter.New(evtxwriter.Options{})
	good := time.Date(2024, 2, 12, 6, 0, 0, 0, time.UTC)
	for i, tm := range []time.Time{good, time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2185, 7, 21, 0, 0, 0, 0, time.UTC)} {
		if err := w.Add(evtxwriter.Record{RecordID: uint64(7 + i), Time: tm, Computer: "SERVER3.contoso.local",
			Channel: "Application", Provider: "Test", EventID: 1}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "times.evtx")
	if err := os.WriteFile(path, w.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := Run(Config{Paths: []string{path}, Matcher: matcher(t)}).Summary
	if sum.Records != 3 || sum.TimesUnknown != 2 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0].Message, "2 records have no usable time") {
		t.Errorf("records %d, unknown times %d, warnings %+v", sum.Records, sum.TimesUnknown, sum.Warnings)
	}
	if len(sum.Servers) != 1 || sum.Servers[0].Records != 3 || !sum.Servers[0].First.Equal(good) || !sum.Servers[0].Last.Equal(good) {
		t.Errorf("servers %+v", sum.Servers)
	}
}

// An error is shown beside its file without naming it again, and an OS
// error keeps its words: "open: permission denied".
func TestErrText(t *testing.T) {
	name := filepath.Join("logs", "System.evtx")
	for _, c := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}, "open: permission denied"},
		{fmt.Errorf("%s: the read stopped: %w", name, &fs.PathError{Op: "read", Path: name, Err: syscall.EIO}), "the read stopped: read: input/output error"},
		{nil, "nothing could be read"},
	} {
		if got := errText(name, c.err); got != c.want {
			t.Errorf("%v: %q, want %q", c.err, got, c.want)
		}
	}
}

// cancelAfter is standard input that cancels the scan's context once its
// first bytes are read, as Ctrl-C in the middle of a long read does.
type cancelAfter struct {
	r      io.Reader
	cancel context.CancelFunc
	reads  int
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	c.reads++
	if c.reads == 3 { // after the sniff and the first rows
		c.cancel()
	}
	return c.r.Read(p[:min(len(p), 4096)])
}

// A done context stops the scan: inputs not started are not read, and an
// input being read stops at its next read; the result says it was
// interrupted.
func TestRunContext(t *testing.T) {
	m := matcher(t)
	field := filepath.Join(fixtures, "evtx", "field-case")
	done, cancel := context.WithCancel(context.Background())
	cancel()
	res := Run(Config{Paths: []string{field}, Matcher: m, Context: done})
	if !res.Interrupted || res.Summary.Records != 0 || len(res.Summary.Errors) != 1 {
		t.Errorf("cancelled before the start: interrupted %v, %d records, errors %+v", res.Interrupted, res.Summary.Records, res.Summary.Errors)
	}

	var rows bytes.Buffer // a tracking log far longer than the reads before the cancel
	b, err := os.ReadFile(filepath.Join(fixtures, "trace", "af-tracking-log", "MSGTRK2024020309-1.LOG"))
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		rows.Write(b)
	}
	whole := Run(Config{Paths: []string{"-"}, Matcher: m, Stdin: bytes.NewReader(rows.Bytes())})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res = Run(Config{Paths: []string{"-"}, Matcher: m, Context: ctx, Stdin: &cancelAfter{r: bytes.NewReader(rows.Bytes()), cancel: cancel}})
	if whole.Interrupted || !res.Interrupted || res.Summary.Records == 0 || res.Summary.Records >= whole.Summary.Records {
		t.Errorf("cancelled while reading: interrupted %v, %d of %d records", res.Interrupted, res.Summary.Records, whole.Summary.Records)
	}
}

// Records a pattern looks for that fall outside the window are counted:
// the report says what --since/--until hid.
func TestRunOutsideWindow(t *testing.T) {
	field := filepath.Join(fixtures, "evtx", "field-case")
	m := matcher(t)
	all := Run(Config{Paths: []string{field}, Matcher: m})
	before := Run(Config{Paths: []string{field}, Matcher: m, Window: Window{Until: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}})
	if before.IncidentsOutsideWindow != 1 || all.IncidentsOutsideWindow != 0 {
		t.Errorf("incidents hidden by the window: %d, want the field case's 1; %d without a window", before.IncidentsOutsideWindow, all.IncidentsOutsideWindow)
	}
	// A window around the incident's middle shows it: nothing hidden.
	inc := all.Incidents[0]
	middle := inc.FirstSeen.Add(inc.LastSeen.Sub(inc.FirstSeen) / 2)
	around := Run(Config{Paths: []string{field}, Matcher: m, Window: Window{Since: middle}})
	if len(around.Incidents) != 1 || around.IncidentsOutsideWindow != 0 {
		t.Errorf("a window holding half the incident: %d shown, %d hidden; want 1 and 0", len(around.Incidents), around.IncidentsOutsideWindow)
	}
	// A window holding only its last record, which alone meets no rule,
	// hides it.
	last := Run(Config{Paths: []string{field}, Matcher: m, Window: Window{Since: inc.LastSeen}})
	if len(last.Incidents) != 0 || last.IncidentsOutsideWindow != 1 {
		t.Errorf("a window holding the last record: %d shown, %d hidden; want 0 and 1", len(last.Incidents), last.IncidentsOutsideWindow)
	}
	if want := wantedRecords(t, m, filepath.Join(field, "SERVER3", "Microsoft-Exchange-HighAvailability%4Operational.evtx")); all.OutsideWindow != 0 ||
		before.OutsideWindow != want || len(before.Incidents) != 0 {
		t.Errorf("outside the window: %d without one, %d before the incident; want 0 and the %d records a pattern looks for",
			all.OutsideWindow, before.OutsideWindow, want)
	}
}

// wantedRecords counts the records of an evtx file that m's prefilter
// lets through: those a pattern looks for, in an incident or not.
func wantedRecords(t *testing.T, m *patterns.Matcher, path string) int64 {
	t.Helper()
	src := kinds.Source{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
	var n int64
	if _, err := kinds.Evtx.Read(src, kinds.Options{Prefilter: m}, func(*patterns.Record) { n++ }); err != nil {
		t.Fatal(err)
	}
	return n
}
