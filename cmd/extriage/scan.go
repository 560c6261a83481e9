package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
)

type scanCmd struct {
	Paths       []string `arg:"" name:"path" help:"Files or folders to scan. Folders are searched recursively; the kind of each file is read from its content, not its name."`
	Format      string   `short:"f" enum:"table,json,ndjson,markdown,html,csv," default:"" help:"Output format: table (for a terminal), json (one document) or ndjson (one incident a line) for scripts, markdown (for a ticket), html (one self-contained file), csv (for a spreadsheet). Default: from the extension of --output, else table."`
	Output      string   `short:"o" placeholder:"FILE" help:"Write the report to FILE instead of standard output. Its extension picks the format when --format is not given (.json .ndjson .md .html .csv .txt)."`
	Jobs        int      `short:"j" default:"0" help:"Number of chunks decoded at once. 0 uses every core."`
	Patterns    []string `placeholder:"DIR" help:"Folder of extra pattern YAML files, read after the built-in catalog: they add patterns, override built-in ones by id, or disable them. Repeatable."`
	AllEvidence bool     `name:"all-evidence" help:"List every evidence record of an incident, not the first 5 (table, markdown, html); one CSV row per record. JSON always lists all."`
	NoPrefilter bool     `name:"no-prefilter" help:"Decode every record's values, even those no pattern can match. Slower; for checking that the prefilter changes nothing."`
}

func (s *scanCmd) Run(e *env) error {
	format, err := s.format()
	if err != nil {
		return err
	}
	out, closeOut, err := s.openOutput(e.stdout)
	if err != nil {
		return err
	}
	defer closeOut()
	cat, err := patterns.Load(s.Patterns...)
	if err != nil {
		return err
	}
	m, err := patterns.Compile(cat)
	if err != nil {
		return err
	}
	res := s.scan(m)
	if err := report.Write(out, format, res, terminalOptions(out, s.AllEvidence)); err != nil {
		return fmt.Errorf("cannot write the report: %w", err)
	}
	if res.Summary.Inputs == 0 {
		fmt.Fprintln(e.stderr, "extriage: nothing was scanned: no .evtx file was found in the paths given")
	}
	return exitStatus(exitCode(res))
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

// result is everything a reporter needs.
type result = report.Result

func (s *scanCmd) scan(m *patterns.Matcher) *result {
	start := time.Now()
	d := discover(s.Paths)
	sum := report.Summary{Started: start.UTC()}
	for _, sk := range d.skipped {
		sum.Skipped = append(sum.Skipped, report.Skipped{File: sk.path, Reason: sk.reason})
	}
	for _, er := range d.errors {
		sum.Errors = append(sum.Errors, report.Error{File: er.path, Message: er.reason})
	}
	cor := patterns.NewCorrelator(m)
	opts := evtx.Options{Jobs: s.Jobs}
	if !s.NoPrefilter {
		opts.Want = m.Wants
	}
	var rec patterns.Record
	for _, in := range d.inputs {
		st, err := evtx.ReadFile(in.path, opts, func(ev *evtx.Event) {
			toRecord(ev, &rec)
			for _, h := range m.Match(&rec) {
				cor.Add(h)
			}
		})
		addEvtx(&sum, in.path, st, err)
	}
	sum.Duration = report.Duration(time.Since(start))
	sum.Partial = len(sum.Errors) > 0
	return &result{Summary: sum, Incidents: report.Wrap(cor.Incidents(), nil)}
}

// toRecord adapts an evtx event to the matcher's record, reusing rec's
// storage: the matcher keeps nothing of it beyond a hit.
func toRecord(ev *evtx.Event, rec *patterns.Record) {
	*rec = patterns.Record{Source: "evtx", File: ev.File, RecordID: ev.RecordID, Time: ev.Time,
		Computer: ev.Computer, Channel: ev.Channel, Provider: ev.Provider, EventID: ev.EventID,
		Level: ev.Level, Values: rec.Values[:0]}
	for _, v := range ev.Values {
		rec.Values = append(rec.Values, patterns.Value{Name: v.Name, Value: v.Value})
	}
}

// exitCode: damage wins over incidents, so a script never mistakes a
// partial scan for a complete one.
func exitCode(r *result) int {
	switch {
	case r.Summary.Inputs == 0: // nothing could be scanned, whatever the reason
		return exitError
	case r.Summary.Partial:
		return exitPartial
	case len(r.Incidents) > 0:
		return exitIncidents
	}
	return exitClean
}
