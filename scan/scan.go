package scan

import (
	"io"
	"runtime"
	"time"

	"github.com/extriage/extriage/input"
	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/trace"
)

// Config is what one scan reads and how.
type Config struct {
	Paths   []string          // files, folders, zip archives, input.StdinName
	Matcher *patterns.Matcher // the compiled catalog; required
	// Jobs is the number of inputs read at once, and of chunks of one .evtx
	// decoded at once; 0 or less uses every core.
	Jobs int
	// NoPrefilter decodes every record, even those no pattern can match:
	// for checking that the prefilter changes nothing.
	NoPrefilter bool
	// Location is the zone of local times written without one (--timezone);
	// nil: such times are read as UTC, and the summary says so.
	Location *time.Location
	// DateOrder is the day/month order of culture-formatted dates
	// (--date-format); trace.DateAuto proves it from each file or assumes it.
	DateOrder trace.DateOrder
	Window    Window    // records outside it make no hit
	Stdin     io.Reader // what input.StdinName reads; nil for os.Stdin
	Now       func() time.Time
	Progress  Progress // nil: no progress is shown
}

// Progress is told how far a scan has got. Read is called from several
// goroutines at once.
type Progress interface {
	Start(inputs int, bytes int64) // the inputs found and their known size
	Read(n int64)                  // n more bytes of some input were read
	Stop()                         // the scan is over
}

// Result is what a scan found.
type Result struct {
	// Summary says what was read, skipped and damaged: Inputs == 0 means
	// nothing could be scanned, Partial that some input was damaged or
	// unreadable.
	Summary report.Summary
	// Incidents are every incident found, before any selection by severity
	// or baseline.
	Incidents []patterns.Incident
}

// Window is the time range a scan keeps; a zero bound is open.
type Window struct{ Since, Until time.Time }

// Contains reports whether t is inside the window. A record whose time is
// unknown is outside any bounded window: it cannot be shown to be inside.
func (w Window) Contains(t time.Time) bool {
	if w.Since.IsZero() && w.Until.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	return (w.Since.IsZero() || !t.Before(w.Since)) && (w.Until.IsZero() || !t.After(w.Until))
}

// Run scans the inputs cfg names and returns what it found.
func Run(cfg Config) *Result {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	exp := input.Expand(cfg.Paths, input.Options{Stdin: cfg.Stdin})
	sum := report.Summary{Started: start.UTC()}
	for _, sk := range exp.Skipped {
		sum.Skipped = append(sum.Skipped, report.Skipped{File: sk.Name, Reason: sk.Reason})
	}
	for _, er := range exp.Errors {
		sum.Errors = append(sum.Errors, report.Error{File: er.Name, Message: errText(er.Name, er.Err)})
	}
	jobs := cfg.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	m := cfg.Matcher
	sc := &scanner{m: m, cor: patterns.NewCorrelator(m), window: cfg.Window, progress: cfg.Progress,
		opts: kinds.Options{Jobs: jobs, Location: cfg.Location, DateOrder: cfg.DateOrder}}
	if sc.progress == nil {
		sc.progress = noProgress{}
	}
	if !cfg.NoPrefilter {
		sc.opts.Prefilter = m
	}
	var total int64
	for _, in := range exp.Inputs {
		total += max(in.Size, 0)
	}
	sc.progress.Start(len(exp.Inputs), total)
	all := kinds.Spans{}
	for _, o := range sc.run(exp.Inputs, jobs) {
		addOutcome(&sum, all, &o)
	}
	sc.progress.Stop()
	sum.Servers = servers(all)
	sum.Duration = report.Duration(now().Sub(start))
	sum.Partial = len(sum.Errors) > 0
	return &Result{Summary: sum, Incidents: sc.cor.Incidents()}
}

type noProgress struct{}

func (noProgress) Start(int, int64) {}
func (noProgress) Read(int64)       {}
func (noProgress) Stop()            {}
