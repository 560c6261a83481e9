package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/input"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/scan"
	"github.com/extriage/extriage/trace"
)

type scanCmd struct {
	Paths       []string `arg:"" name:"path" help:"Files, folders, .zip archives, or - for standard input. Folders are searched recursively and archives read in place; the kind of each file is read from its content, not its name."`
	Format      string   `short:"f" enum:"table,json,ndjson,markdown,html,csv,ecs,timesketch," default:"" help:"Output format: table (for a terminal), json (one document) or ndjson (one incident a line) for scripts, markdown (for a ticket), html (one self-contained file), csv (for a spreadsheet), ecs (one Elastic Common Schema alert a line) or timesketch (one JSONL line per evidence record) for fleet engines. Default: from the extension of --output, else table."`
	Output      string   `short:"o" placeholder:"FILE" help:"Write the report to FILE instead of standard output. Its extension picks the format when --format is not given (.json .ndjson .md .html .csv .txt)."`
	Jobs        int      `short:"j" default:"0" help:"Number of inputs read at once, and of chunks of one .evtx decoded at once. 0 uses every core."`
	Patterns    []string `placeholder:"DIR" help:"Folder of extra pattern YAML files, read after the built-in catalog: they add patterns, override built-in ones by id, or disable them. Repeatable."`
	AllEvidence bool     `name:"evidence" help:"List every evidence record of an incident, not the first 5 (table, markdown, html); one CSV row per record. JSON always lists all (up to the first and last 1,000 of an incident)."`
	NoPrefilter bool     `name:"no-prefilter" help:"Decode every record's values, even those no pattern can match. Slower; for checking that the prefilter changes nothing."`
	Timezone    string   `placeholder:"ZONE" help:"Time zone of the local times in Get-MessageTrackingLog CSV exports: an offset such as -05:00 or an IANA name such as America/Chicago (follows daylight saving time). Without it such times are read as UTC and the report says so."`
	Since       string   `placeholder:"WHEN" help:"Only records at or after WHEN: an RFC 3339 time (2024-02-03T09:00:00Z; a date alone is midnight UTC) or a duration back from now (72h, 7d)."`
	Until       string   `placeholder:"WHEN" help:"Only records at or before WHEN, written as for --since."`
	MinSeverity string   `name:"min-severity" default:"info" placeholder:"LEVEL" help:"Report only incidents of this severity or higher: info, low, medium, high, critical."`
	FailOn      string   `name:"fail-on" default:"info" placeholder:"LEVEL" help:"Exit 1 when an incident of this severity or higher is found (info, low, medium, high, critical), or never (none). Known incidents (--baseline) never count."`
	Baseline    string   `placeholder:"FILE" help:"A previous JSON or NDJSON report of extriage: incidents whose problem_id it holds are marked known and do not make the exit code 1."`
	Quiet       bool     `short:"q" help:"Print no report on standard output and no notes on standard error, only errors: the exit code says what was found. A report asked for with --output is still written."`
	CPUProfile  string   `name:"cpuprofile" placeholder:"FILE" help:"Write a CPU profile of the scan to FILE, for go tool pprof: where the time of a slow scan goes."`
	DateFormat  string   `name:"date-format" placeholder:"ORDER" help:"Day/month order of culture-formatted dates in Get-MessageTrackingLog CSV exports: dmy (07.10.2020 is 7 October) or mdy (10/7/2020 is 7 October). Default: proved from the file, or assumed and reported."`

	reportFlags `embed:""`
}

func (s *scanCmd) Run(e *env) error {
	if err := checkPaths(s.Paths); err != nil {
		return err
	}
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
	cat, m, err := loadCatalog(s.Patterns...)
	if err != nil {
		return err
	}
	ctx, stop := stopOnSignal()
	defer stop()
	// Opened last of the checks, so a bad flag leaves no file behind, and
	// after --baseline is read, which may be the same file as --output in a
	// script that keeps one report between runs.
	out, err := s.openOutput(e.stdout)
	if err != nil {
		return err
	}
	defer out.abort()
	stopProfile, err := startCPUProfile(s.CPUProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	exclude := out.files() // neither the report being written nor the profile is scanned
	if s.CPUProfile != "" {
		exclude = append(exclude, s.CPUProfile)
	}
	found := scanUntilStopped(ctx, scan.Config{Paths: s.Paths, Exclude: exclude, Matcher: m, Jobs: s.Jobs, NoPrefilter: s.NoPrefilter,
		Location: topts.Location, DateOrder: topts.DateFormat, Window: sel.window, Stdin: e.stdin, Now: e.now,
		Progress: &meter{stderr: e.stderr, quiet: s.Quiet}, Context: ctx})
	if found == nil {
		return interrupted(ctx, e, s.Output)
	}
	incs, hidden := sel.keep(report.Wrap(found.Incidents, sel.known))
	res := &report.Result{Summary: found.Summary, Incidents: incs}
	res.Summary.Scope = s.scope(e, cat.Version, sel, res.Incidents)
	res.Summary.Scope.Filters.RecordsOutsideWindow = found.OutsideWindow
	res.Summary.Scope.Filters.IncidentsOutsideWindow = found.IncidentsOutsideWindow
	res.Summary.Scope.Filters.IncidentsBelowMinSeverity = hidden
	if res.Summary.Inputs == 0 {
		return s.nothingScanned(e, out, format, res)
	}
	if err := out.deliver(ctx, e, format, res, s.Quiet, ""); err != nil {
		return err
	}
	return exitStatus(exitCode(res, sel.failOn))
}

// checkPaths refuses paths that do not exist before anything is scanned:
// a typo in a nightly script must fail as a usage error, not produce a
// report of the other paths that looks like a partial scan. Paths that
// exist but cannot be read are left to the scan, which names them.
func checkPaths(paths []string) error {
	var missing []string
	for _, p := range paths {
		if p == input.StdinName {
			continue
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, strconv.Quote(p))
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s does not exist: check the path; nothing was scanned", missing[0])
	}
	return fmt.Errorf("%s do not exist: check the paths; nothing was scanned", strings.Join(missing, ", "))
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

// output is where the report goes: standard output, or a reportFile that
// becomes --output only when the report is complete.
type output struct {
	io.Writer
	file    *reportFile // nil for standard output
	options report.Options
}

// openOutput checks the output path before the scan starts, so a long scan
// never ends in "cannot write".
func (s *scanCmd) openOutput(stdout io.Writer) (*output, error) {
	if s.Output == "" || s.Output == "-" {
		return &output{Writer: stdout, options: s.reportOptions(stdout)}, nil
	}
	f, err := createReport(s.Output)
	if err != nil {
		return nil, err
	}
	return &output{Writer: f, file: f, options: s.reportOptions(f)}, nil
}

// deliver writes the report (unless quiet sends it nowhere) and, for -o,
// puts it in place and says on stderr where it went and what it found,
// with more said after that. A signal (ctx done) while it writes abandons
// the report: -o FILE stays as it was.
func (o *output) deliver(ctx context.Context, e *env, format string, res *report.Result, quiet bool, more string) error {
	if !quiet || o.file != nil {
		w := stopWriter{w: o, stop: ctx.Err}
		if err := report.Write(w, format, res, o.options); err != nil {
			if ctx.Err() != nil {
				return interrupted(ctx, e, o.path())
			}
			return fmt.Errorf("cannot write the report: %w", err)
		}
	}
	if ctx.Err() != nil { // a signal as the last bytes were written
		return interrupted(ctx, e, o.path())
	}
	if o.file == nil {
		return nil
	}
	if err := o.file.commit(); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(e.stderr, "report written to %s: %s%s\n", o.file.path, outcomeText(res), more)
	}
	return nil
}

// path is the --output file, "" for standard output.
func (o *output) path() string {
	if o.file == nil {
		return ""
	}
	return o.file.path
}

// files are the report file and the temporary file it is written to
// first: never scanned, even when -o names a file in a folder being
// scanned.
func (o *output) files() []string {
	if o.file == nil {
		return nil
	}
	return []string{o.file.path, o.file.tmp.Name()}
}

func (o *output) abort() {
	if o.file != nil {
		o.file.abort()
	}
}

// scanUntilStopped runs the scan, or returns nil as soon as ctx is done:
// an input blocked in a read (a pipe, a hung network share) must not keep
// Ctrl-C from stopping the command. The scan is told through ctx and
// stops at its next check; the process exits without waiting for it.
func scanUntilStopped(ctx context.Context, cfg scan.Config) *scan.Result {
	done := make(chan *scan.Result, 1)
	go func() { done <- scan.Run(cfg) }()
	select {
	case res := <-done:
		if res.Interrupted {
			return nil
		}
		return res
	case <-ctx.Done():
		return nil
	}
}

// nothingScanned ends a scan that read no input at all. A report of
// nothing never replaces --output: last night's report is worth more to a
// script (as its --baseline) than an empty one.
func (s *scanCmd) nothingScanned(e *env, out *output, format string, res *report.Result) error {
	if out.file == nil && !s.Quiet {
		if err := report.Write(out, format, res, out.options); err != nil {
			return fmt.Errorf("cannot write the report: %w", err)
		}
	}
	if !s.Quiet {
		kept := ""
		if out.file != nil {
			kept = "; " + s.Output + " was not written"
		}
		fmt.Fprintf(e.stderr, "extriage: nothing was scanned: no .evtx file or message-trace export was found in the paths given%s\n", kept)
	}
	return exitStatus(exitError)
}

// outcomeText is what a report found, for the line that says where it
// went: "3 incidents (1 high, 2 low), partial scan".
func outcomeText(res *report.Result) string {
	by := map[patterns.Severity]int{}
	for _, inc := range res.Incidents {
		by[inc.Severity]++
	}
	var parts []string
	for _, sev := range []patterns.Severity{patterns.SeverityCritical, patterns.SeverityHigh,
		patterns.SeverityMedium, patterns.SeverityLow, patterns.SeverityInfo} {
		if by[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", by[sev], sev))
		}
	}
	text := "no incident"
	switch n := len(res.Incidents); {
	case n == 1:
		text = "1 incident (" + strings.Join(parts, ", ") + ")"
	case n > 1:
		text = fmt.Sprintf("%d incidents (%s)", n, strings.Join(parts, ", "))
	}
	if res.Summary.Partial {
		text += ", partial scan"
	}
	return text
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

// keep drops the incidents below --min-severity, and says how many.
func (sel selection) keep(incs []report.Incident) ([]report.Incident, int) {
	out := incs[:0]
	for _, inc := range incs {
		if atLeast(inc.Severity, sel.minSeverity) {
			out = append(out, inc)
		}
	}
	return out, len(incs) - len(out)
}

// scope is how the report was made, for the report to state: the build,
// the catalog, the command line, the filters and the time zone.
func (s *scanCmd) scope(e *env, catalog patterns.Version, sel selection, shown []report.Incident) report.Scope {
	sc := report.Scope{Tool: e.build.tool(), Catalog: e.catalogVersion(catalog), CommandLine: e.args, TimeZone: "UTC", TimeZoneAssumed: true,
		Filters: report.Filters{MinSeverity: string(sel.minSeverity), FailOn: string(sel.failOn), Baseline: s.Baseline,
			IncidentsBelowFailOn: belowFailOn(shown, sel.failOn)}}
	if tz := strings.TrimSpace(s.Timezone); tz != "" {
		sc.TimeZone, sc.TimeZoneAssumed = tz, false
	}
	if !sel.window.Since.IsZero() {
		sc.Filters.Since = sel.window.Since.UTC().Format(time.RFC3339Nano)
	}
	if !sel.window.Until.IsZero() {
		sc.Filters.Until = sel.window.Until.UTC().Format(time.RFC3339Nano)
	}
	return sc
}

// belowFailOn counts the new incidents shown that do not fail the run.
func belowFailOn(incs []report.Incident, failOn patterns.Severity) int {
	n := 0
	for _, inc := range incs {
		if !inc.Known && !atLeast(inc.Severity, failOn) {
			n++
		}
	}
	return n
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
