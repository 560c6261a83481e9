package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/scan"
	"github.com/extriage/extriage/trace"
)

type scanCmd struct {
	Paths       []string `arg:"" name:"path" help:"Files, folders, .zip archives, or - for standard input. Folders are searched recursively and archives read in place; the kind of each file is read from its content, not its name."`
	Format      string   `short:"f" enum:"table,json,ndjson,markdown,html,csv," default:"" help:"Output format: table (for a terminal), json (one document) or ndjson (one incident a line) for scripts, markdown (for a ticket), html (one self-contained file), csv (for a spreadsheet). Default: from the extension of --output, else table."`
	Output      string   `short:"o" placeholder:"FILE" help:"Write the report to FILE instead of standard output. Its extension picks the format when --format is not given (.json .ndjson .md .html .csv .txt)."`
	Jobs        int      `short:"j" default:"0" help:"Number of inputs read at once, and of chunks of one .evtx decoded at once. 0 uses every core."`
	Patterns    []string `placeholder:"DIR" help:"Folder of extra pattern YAML files, read after the built-in catalog: they add patterns, override built-in ones by id, or disable them. Repeatable."`
	AllEvidence bool     `name:"evidence" help:"List every evidence record of an incident, not the first 5 (table, markdown, html); one CSV row per record. JSON always lists all."`
	NoPrefilter bool     `name:"no-prefilter" help:"Decode every record's values, even those no pattern can match. Slower; for checking that the prefilter changes nothing."`
	Timezone    string   `placeholder:"ZONE" help:"Time zone of the local times in Get-MessageTrackingLog CSV exports: an offset such as -05:00 or an IANA name such as America/Chicago (follows daylight saving time). Without it such times are read as UTC and the report says so."`
	Since       string   `placeholder:"WHEN" help:"Only records at or after WHEN: an RFC 3339 time (2024-02-03T09:00:00Z; a date alone is midnight UTC) or a duration back from now (72h, 7d)."`
	Until       string   `placeholder:"WHEN" help:"Only records at or before WHEN, written as for --since."`
	MinSeverity string   `name:"min-severity" default:"info" placeholder:"LEVEL" help:"Report only incidents of this severity or higher: info, low, medium, high, critical."`
	FailOn      string   `name:"fail-on" default:"info" placeholder:"LEVEL" help:"Exit 1 when an incident of this severity or higher is found (info, low, medium, high, critical), or never (none). Known incidents (--baseline) never count."`
	Baseline    string   `placeholder:"FILE" help:"A previous JSON or NDJSON report of extriage: incidents with an id in it are marked known and do not make the exit code 1."`
	Quiet       bool     `short:"q" help:"Print no report on standard output and no notes on standard error, only errors: the exit code says what was found. A report asked for with --output is still written."`
	CPUProfile  string   `name:"cpuprofile" placeholder:"FILE" help:"Write a CPU profile of the scan to FILE, for go tool pprof: where the time of a slow scan goes."`
	DateFormat  string   `name:"date-format" placeholder:"ORDER" help:"Day/month order of culture-formatted dates in Get-MessageTrackingLog CSV exports: dmy (07.10.2020 is 7 October) or mdy (10/7/2020 is 7 October). Default: proved from the file, or assumed and reported."`
}

func (s *scanCmd) Run(e *env) error {
	format, err := s.format()
	if err != nil {
		return err
	}
	topts, err := s.traceOptions()
	if err != nil {
		return err
	}
	sel, err := s.selection(e.now())
	if err != nil {
		return err
	}
	cat, err := patterns.Load(s.Patterns...)
	if err != nil {
		return err
	}
	m, err := patterns.Compile(cat)
	if err != nil {
		return err
	}
	// Opened last of the checks, so a bad flag leaves no empty file behind,
	// and after --baseline is read, which may be the same file as --output
	// in a script that keeps one report between runs.
	out, closeOut, err := s.openOutput(e.stdout)
	if err != nil {
		return err
	}
	defer closeOut()
	stopProfile, err := startCPUProfile(s.CPUProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	var exclude []string // the report being written is never scanned, even in a folder given
	for _, own := range []string{s.Output, s.CPUProfile} {
		if own != "" && own != "-" {
			exclude = append(exclude, own)
		}
	}
	found := scan.Run(scan.Config{Paths: s.Paths, Exclude: exclude, Matcher: m, Jobs: s.Jobs, NoPrefilter: s.NoPrefilter,
		Location: topts.Location, DateOrder: topts.DateFormat, Window: sel.window, Stdin: e.stdin, Now: e.now, Progress: &meter{stderr: e.stderr, quiet: s.Quiet}})
	res := &report.Result{Summary: found.Summary, Incidents: sel.keep(report.Wrap(found.Incidents, sel.known))}
	if !s.Quiet || s.Output != "" {
		if err := report.Write(out, format, res, terminalOptions(out, s.AllEvidence)); err != nil {
			return fmt.Errorf("cannot write the report: %w", err)
		}
	}
	if res.Summary.Inputs == 0 && !s.Quiet {
		fmt.Fprintln(e.stderr, "extriage: nothing was scanned: no .evtx file or message-trace export was found in the paths given")
	}
	return exitStatus(exitCode(res, sel.failOn))
}

// format decides the output format before anything is scanned.
func (s *scanCmd) format() (string, error) {
	if s.Format != "" {
		return s.Format, nil
	}
	if s.Output == "" || s.Output == "-" || filepath.Ext(s.Output) == "" {
		return "table", nil
	}
	f, err := report.FormatFor(s.Output)
	if err != nil {
		return "", fmt.Errorf("%w, or --format", err)
	}
	return f, nil
}

// openOutput checks the output path before the scan starts, so a long scan
// never ends in "cannot write".
func (s *scanCmd) openOutput(stdout io.Writer) (io.Writer, func(), error) {
	if s.Output == "" || s.Output == "-" {
		return stdout, func() {}, nil
	}
	f, err := os.Create(s.Output)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot write the report to %s: %w", s.Output, err)
	}
	return f, func() { f.Close() }, nil
}

// traceOptions reads --timezone and --date-format before anything is
// scanned, so a typo fails at once.
func (s *scanCmd) traceOptions() (trace.Options, error) {
	loc, err := trace.ParseZone(s.Timezone)
	if err != nil {
		return trace.Options{}, fmt.Errorf("--timezone %q: %w", s.Timezone, err)
	}
	order, err := trace.ParseDateOrder(s.DateFormat)
	if err != nil {
		return trace.Options{}, fmt.Errorf("--date-format %q: %w", s.DateFormat, err)
	}
	return trace.Options{Location: loc, DateFormat: order}, nil
}

// selection is what the scripting flags keep of a scan.
type selection struct {
	window      scan.Window
	minSeverity patterns.Severity
	failOn      patterns.Severity
	known       map[string]bool // incident ids from --baseline
}

// selection reads the scripting flags before the scan starts.
func (s *scanCmd) selection(now time.Time) (selection, error) {
	var sel selection
	var err error
	if sel.window, err = parseWindow(s.Since, s.Until, now); err != nil {
		return sel, err
	}
	if sel.minSeverity, err = parseSeverity("--min-severity", s.MinSeverity, false); err != nil {
		return sel, err
	}
	if sel.failOn, err = parseSeverity("--fail-on", s.FailOn, true); err != nil {
		return sel, err
	}
	if s.Baseline != "" {
		if sel.known, err = report.ReadBaseline(s.Baseline); err != nil {
			return sel, fmt.Errorf("--baseline: %w", err)
		}
	}
	return sel, nil
}

// keep drops the incidents below --min-severity.
func (sel selection) keep(incs []report.Incident) []report.Incident {
	out := incs[:0]
	for _, inc := range incs {
		if atLeast(inc.Severity, sel.minSeverity) {
			out = append(out, inc)
		}
	}
	return out
}

// exitCode: damage wins over incidents, so a script never mistakes a
// partial scan for a complete one. Only new incidents at or above failOn
// count: one already in the baseline is known.
func exitCode(r *report.Result, failOn patterns.Severity) int {
	switch {
	case r.Summary.Inputs == 0: // nothing could be scanned, whatever the reason
		return exitError
	case r.Summary.Partial:
		return exitPartial
	}
	for _, inc := range r.Incidents {
		if !inc.Known && atLeast(inc.Severity, failOn) {
			return exitIncidents
		}
	}
	return exitClean
}

// startCPUProfile starts a CPU profile into path, when given, and returns
// what stops it.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cannot write the CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot start the CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
