package scan

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/extriage/extriage/patterns"
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
