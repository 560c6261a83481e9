package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/extriage/extriage/patterns"
	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

type tableReporter struct{}

// timeLayout is how people read times in the table: UTC, to the second.
const timeLayout = "2006-01-02 15:04:05"

// Report writes, for a terminal or a text file: a partial-scan warning
// first (a reader must not miss it), the incidents by severity, the
// overview table, the servers, each incident's story, evidence and fix,
// then the scan summary.
func (tableReporter) Report(w io.Writer, r *Result, o Options) error {
	p := &printer{lines: lines{w: w}, o: o}
	if o.Width <= 0 || o.Width > 160 {
		p.o.Width = 120 // piped: wide enough for the overview, narrow enough to read
	}
	if why := r.Summary.partialReasons(); len(why) > 0 {
		p.line("%s: %s; the rest was read (details at the end).\n", p.warn("PARTIAL SCAN"), strings.Join(why, ", "))
	}
	if len(r.Incidents) == 0 {
		p.line("%s\n", r.Summary.noneText())
	} else {
		p.line("%s %s.\n", p.bold("Incidents:"), countIncidents(r.Incidents).text())
		if w := zoneWarning(r.Incidents); w != "" {
			p.para("", p.warn("Warning:")+" "+w)
			p.line("")
		}
		p.overview(r.Incidents)
	}
	p.servers(serverViews(r), r.Incidents)
	for i := range r.Incidents {
		p.incident(i+1, &r.Incidents[i])
	}
	p.summary(r)
	return p.err
}

// printer writes the table format's lines.
type printer struct {
	lines
	o Options
}

// lines writes formatted lines, keeping the first write error, so a
// reporter checks it once at the end.
type lines struct {
	w   io.Writer
	err error
}

func (l *lines) line(format string, args ...any) {
	if l.err == nil {
		_, l.err = fmt.Fprintf(l.w, format+"\n", args...)
	}
}

// para writes log-derived text wrapped to the width. The first line starts
// with lead; the others are indented to match it.
func (p *printer) para(lead, s string) {
	indent := strings.Repeat(" ", text.StringWidthWithoutEscSequences(lead))
	for _, l := range strings.Split(Clean(s, true), "\n") {
		wrapped := text.WrapSoft(l, max(20, p.o.Width-len(indent)))
		for _, wl := range strings.Split(wrapped, "\n") {
			p.line("%s", strings.TrimRight(lead+wl, " "))
			lead = indent
		}
	}
}

// newTable returns a table in the house style: rounded on a terminal, plain
// ASCII when piped, so a file or a ticket gets no box-drawing surprises.
func (p *printer) newTable() table.Writer {
	t := table.NewWriter()
	t.SetStyle(table.StyleDefault)
	if p.o.Terminal {
		t.SetStyle(table.StyleRounded)
	}
	return t
}

func (p *printer) overview(incs []Incident) {
	t := p.newTable()
	t.AppendHeader(table.Row{"#", "Severity", "Incident", "Count", "First seen (UTC)", "Last seen (UTC)"})
	for i, inc := range incs {
		title := Clean(inc.Title, false)
		if inc.Known {
			title += " [known]"
		}
		t.AppendRow(table.Row{i + 1, p.severity(inc.Severity), title, inc.Count,
			inc.FirstSeen.UTC().Format(timeLayout), inc.LastSeen.UTC().Format(timeLayout)})
	}
	// The title takes what the fixed columns leave, wrapping at word breaks.
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 3, WidthMax: max(20, p.o.Width-75), WidthMaxEnforcer: text.WrapSoft}})
	p.line("%s\n", t.Render())
}

// servers lists each server with the time its records cover and the
// incidents that name it, by number.
func (p *printer) servers(views []serverView, incs []Incident) {
	if len(views) == 0 {
		return
	}
	p.line("%s", p.bold("Servers"))
	t := p.newTable()
	t.AppendHeader(table.Row{"Server", "Records", "First record (UTC)", "Last record (UTC)", "Incidents"})
	for _, v := range views {
		records, first, last := "-", "-", "-"
		if v.Read {
			records, first, last = fmt.Sprint(v.Records), utcText(v.First), utcText(v.Last)
		}
		var nums []string
		for _, i := range v.Incidents {
			nums = append(nums, fmt.Sprintf("[%d] %s", i+1, strings.ToUpper(string(incs[i].Severity))))
		}
		t.AppendRow(table.Row{serverLabel(v.Name), records, first, last, strings.Join(nums, ", ")})
	}
	t.SetColumnConfigs([]table.ColumnConfig{
		{Number: 1, WidthMax: 30, WidthMaxEnforcer: text.WrapHard},
		{Number: 2, Align: text.AlignRight},
		{Number: 5, WidthMax: max(20, p.o.Width-90), WidthMaxEnforcer: text.WrapSoft},
	})
	p.line("%s\n", t.Render())
}

func (p *printer) severity(s patterns.Severity) string {
	label := strings.ToUpper(string(s))
	if !p.o.Terminal {
		return label
	}
	switch s {
	case patterns.SeverityCritical, patterns.SeverityHigh:
		return text.Colors{text.FgHiRed, text.Bold}.Sprint(label)
	case patterns.SeverityMedium:
		return text.FgYellow.Sprint(label)
	}
	return label
}

// bold and warn colour our own labels on a terminal only; log text is never
// passed to them uncleaned.
func (p *printer) bold(s string) string {
	if !p.o.Terminal {
		return s
	}
	return text.Bold.Sprint(s)
}

func (p *printer) warn(s string) string {
	if !p.o.Terminal {
		return s
	}
	return text.Colors{text.FgHiYellow, text.Bold}.Sprint(s)
}

func (p *printer) incident(n int, inc *Incident) {
	known := ""
	if inc.Known {
		known = "  [known: in the baseline]"
	}
	p.line("[%d] %s  %s  (%s)%s", n, p.severity(inc.Severity), Clean(inc.Title, false), Clean(inc.Pattern, false), known)
	p.line("    %d %s from %s to %s %s", inc.Count, countText(inc.Count, inc.CountUnit),
		inc.FirstSeen.UTC().Format(timeLayout), inc.LastSeen.UTC().Format(timeLayout), zoneText(inc))
	p.line("    Key %s, id %s", Clean(inc.Key, false), Clean(inc.ID, false))
	// Only the fields that say where: the explanation tells the rest, and
	// --format json or markdown lists every field.
	var fields []string
	for _, k := range mainFields {
		if v, ok := inc.Fields[k]; ok {
			fields = append(fields, k+" "+fieldString(v))
		}
	}
	if len(fields) > 0 {
		p.para("    ", strings.Join(fields, ", "))
	}
	p.line("")
	p.para("    ", inc.Explanation)
	p.evidence(inc)
	if len(inc.Remedy) > 0 {
		p.line("")
		p.line("    What to do:")
		for i, st := range inc.Remedy {
			p.para(fmt.Sprintf("    %d. ", i+1), st.Text)
			if fx := sideEffectsText(st); fx != "" {
				p.para("       ", fx)
			}
			if st.Command != "" {
				for _, l := range strings.Split(Clean(commandBlock(st), true), "\n") {
					p.line("         %s", l)
				}
			}
		}
	}
	p.line("")
}

func (p *printer) evidence(inc *Incident) {
	ev := inc.Evidence
	if len(ev) == 0 {
		return
	}
	shown := shownEvidence(ev, p.o)
	p.line("")
	p.line("    Evidence:")
	for _, e := range shown {
		p.line("      %s  %s  %s", e.Time.UTC().Format(timeLayout), Clean(citation(e), false), Clean(e.Signature, false))
		// What the record said, on one line: enough to recognise a message
		// by its subject or an event by its reason; JSON has it whole.
		if msg := Clean(e.Message, false); msg != "" {
			p.line("        %s", text.Trim(msg, max(20, p.o.Width-8)))
		}
	}
	if more := moreEvidence(inc, len(shown)); more != "" {
		p.para("      ", more)
	}
}

// shownEvidence is the evidence a format for people lists.
func shownEvidence(ev []patterns.Evidence, o Options) []patterns.Evidence {
	if o.AllEvidence || len(ev) <= ShownEvidence {
		return ev
	}
	return ev[:ShownEvidence]
}

// citation says where a piece of evidence is: file and record or line.
func citation(e patterns.Evidence) string {
	switch {
	case e.Record != 0:
		return fmt.Sprintf("%s record %d", e.File, e.Record)
	case e.Line != 0:
		return fmt.Sprintf("%s line %d", e.File, e.Line)
	}
	return e.File
}

func (p *printer) summary(r *Result) {
	s := &r.Summary
	p.line("%s", p.bold("Summary"))
	if s.Inputs == 0 {
		p.para("  ", "Nothing could be read: no input was an event log or a message-trace export that extriage can read (see below).")
	} else {
		p.para("  ", fmt.Sprintf("Read %s: %d %s, %s, %d records in %s (%s).", s.inputsText(), s.Inputs,
			plural(s.Inputs, "file", "files"), sizeString(s.Bytes), s.Records, s.durationText(), s.rateText()))
	}
	p.para("  ", fmt.Sprintf("Incidents: %s.", r.tallyText()))
	if why := s.partialReasons(); len(why) > 0 {
		p.line("  %s: %s. Everything else was read.", p.warn("PARTIAL SCAN"), strings.Join(why, ", "))
	} else {
		p.line("  Complete scan: every input was read whole.")
	}
	p.problems("Damaged or unreadable parts", s.Errors)
	if n := len(s.Skipped); n > 0 {
		p.line("  Skipped %d %s:", n, plural(n, "file", "files"))
		for i, sk := range s.Skipped {
			if i == 5 && !p.o.AllEvidence {
				p.line("    ... and %d more (--format json lists all)", n-5)
				break
			}
			p.para("    - ", sk.File+": "+sk.Reason)
		}
	}
	p.problems("Warnings (nothing lost)", s.Warnings)
	p.scope(r)
}

// shownInputs is how many inputs the table lists with their size and
// SHA-256 unless --evidence: the JSON report lists all.
const shownInputs = 20

func (p *printer) scope(r *Result) {
	items := r.Summary.scopeItems(countIncidents(r.Incidents).known)
	if len(items) == 0 {
		return
	}
	p.line("%s", p.bold("Scope"))
	for _, it := range items {
		p.para("  ", it.Label+": "+it.Text)
	}
	files := r.Summary.Files
	if len(files) == 0 {
		return
	}
	p.line("  Inputs:")
	for i, f := range files {
		if i == shownInputs && !p.o.AllEvidence {
			p.line("    ... and %d more (--evidence or --format json lists all)", len(files)-shownInputs)
			break
		}
		p.para("    - ", fileText(f))
	}
}

func (p *printer) problems(title string, errs []Error) {
	if len(errs) == 0 {
		return
	}
	p.line("  %s:", title)
	for _, e := range errs {
		p.para("    - ", errorString(e))
	}
}

func errorString(e Error) string {
	if w := e.where(); w != "" {
		return fmt.Sprintf("%s (%s): %s", e.File, w, e.Message)
	}
	return e.File + ": " + e.Message
}
