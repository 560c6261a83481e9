package scan

import (
	"context"
	"io"
	"runtime"
	"slices"
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
	Exclude []string          // files never scanned, wherever found: the report being written
	Matcher *patterns.Matcher // the compiled catalog; required unless Visit is set
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
	// Visit, when set, is given every record read inside Window instead of
	// the matcher, for commands that list records rather than incidents
	// (Matcher may then be nil). Inputs are then read one at a time, so
	// Visit is called from one goroutine, in input and file order; rec is
	// reused after it returns.
	Visit func(rec *patterns.Record)
	// Want, with Visit, picks the evtx records whose values are decoded and
	// visited (nil: every record); the others are counted as read.
	Want func(channel, provider string, eventID uint32) bool
	// Context stops the scan when it is done (Ctrl-C): no input is started
	// after that, and inputs being read stop at their next read. nil never
	// stops.
	Context context.Context
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
	// Interrupted says that Config.Context stopped the scan: the result
	// holds only part of what the inputs hold, and is no report.
	Interrupted bool
	// OutsideWindow counts the records a pattern looks for (those the
	// prefilter let through) that were not matched because they are outside
	// Config.Window.
	OutsideWindow int64
	// IncidentsOutsideWindow counts the incidents a scan without the window
	// finds that this one does not show at all: those --since/--until hid.
	IncidentsOutsideWindow int
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
	exp := input.Expand(cfg.Paths, input.Options{Stdin: cfg.Stdin, Exclude: cfg.Exclude})
	sum := report.Summary{Started: start.UTC(), Coverage: &report.Coverage{}}
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
	ctx := cfg.Context
	if ctx == nil {
		ctx = context.Background()
	}
	m := cfg.Matcher
	if m == nil {
		m, _ = patterns.Compile(&patterns.Catalog{}) // an empty catalog always compiles
	}
	sc := &scanner{ctx: ctx, m: m, cor: patterns.NewCorrelator(m), window: cfg.Window, progress: cfg.Progress, visit: cfg.Visit,
		opts: kinds.Options{Jobs: jobs, Location: cfg.Location, DateOrder: cfg.DateOrder}}
	if sc.progress == nil {
		sc.progress = noProgress{}
	}
	if cfg.Window != (Window{}) && cfg.Visit == nil {
		sc.unwindowed = patterns.NewCorrelator(m)
	}
	var next kinds.Prefilter
	switch {
	case cfg.Visit != nil:
		next, jobs = visitFilter{want: cfg.Want}, 1
	case !cfg.NoPrefilter:
		next = m
	}
	sc.opts.Prefilter = &coverage{m: m, next: next}
	var total int64
	for _, in := range exp.Inputs {
		total += max(in.Size, 0)
	}
	sc.progress.Start(len(exp.Inputs), total)
	all := kinds.Spans{}
	unverified := unverifiedRuns{}
	outcomes := sc.run(exp.Inputs, jobs)
	for _, o := range outcomes {
		addOutcome(&sum, all, &o)
		if o.kind != nil && o.kind.String() == "trace" && m.ReadsTrace() {
			sum.Coverage.Records += o.stats.Records
		}
		if len(o.stats.Unverified) > 0 {
			unverified[o.name] = o.stats.Unverified
		}
	}
	warnCountedTwice(&sum, outcomes)
	sum.Coverage.Records += int(sc.opts.Prefilter.(*coverage).n.Load())
	sum.Coverage.Sources = m.Sources()
	sc.progress.Stop()
	sum.Servers = servers(all)
	sum.Duration = report.Duration(now().Sub(start))
	sum.Partial = len(sum.Errors) > 0
	incs := sc.cor.Incidents()
	addCaveats(incs, unverified)
	return &Result{Summary: sum, Incidents: incs, Interrupted: ctx.Err() != nil,
		OutsideWindow: sc.outside.Load(), IncidentsOutsideWindow: sc.hiddenByWindow(incs)}
}

type noProgress struct{}

func (noProgress) Start(int, int64) {}
func (noProgress) Read(int64)       {}
func (noProgress) Stop()            {}

// hiddenByWindow counts the incidents a scan without the window finds
// that the windowed scan does not show at all: no shown incident of the
// same problem overlaps it (one whose records inside the window no longer
// meet its rule is hidden too).
func (sc *scanner) hiddenByWindow(shown []patterns.Incident) int {
	if sc.unwindowed == nil {
		return 0
	}
	byProblem := map[string][]*patterns.Incident{}
	for i := range shown {
		byProblem[shown[i].ProblemID] = append(byProblem[shown[i].ProblemID], &shown[i])
	}
	n := 0
	for _, inc := range sc.unwindowed.Incidents() {
		overlaps := func(s *patterns.Incident) bool {
			return !s.FirstSeen.After(inc.LastSeen) && !s.LastSeen.Before(inc.FirstSeen)
		}
		if !slices.ContainsFunc(byProblem[inc.ProblemID], overlaps) {
			n++
		}
	}
	return n
}
