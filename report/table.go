package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

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
	switch {
	case o.Width <= 0:
		p.o.Width = pipedWidth
	case o.Width > 160:
		p.o.Width = 160 // wider lines are hard to follow
	}
	if why := r.Summary.partialReasons(); len(why) > 0 {
		p.para(p.warn("PARTIAL SCAN")+": ", strings.Join(why, ", ")+"; the rest was read (details at the end).")
		p.line("")
	}
	if len(r.Incidents) == 0 {
		p.line("%s\n", r.Summary.noneText())
		if w := r.Summary.coverageWarning(); w != "" {
			p.para("", w)
			p.line("")
		}
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
	if p.count > screenLines && len(r.Incidents) > 1 {
		p.again(r.Incidents)
	}
	return p.err
}

const (
	// pipedWidth is the width of a report written to a file or a pipe: it
	// reads in any terminal, mail or ticket.
	pipedWidth = 80
	// wideLayout is the width from which the overview also has the times.
	wideLayout = 110
	// screenLines: a report longer than this has scrolled its overview
	// away, so the incident list is repeated at its end.
	screenLines = 60
)

// again repeats the incident list at the end of a long report, where the
// reader is.
func (p *printer) again(incs []Incident) {
	p.line("")
	p.line("%s", p.bold("Incidents (the list again; details above)"))
	for i := range incs {
		inc := &incs[i]
		lead := fmt.Sprintf("  [%d] %s  ", i+1, p.severity(inc.Severity))
		p.para(lead, fmt.Sprintf("%s, %d %s", Clean(inc.Title, false), inc.Count, countText(inc.Count, inc.CountUnit)))
	}
}

// printer writes the table format's lines.
type printer struct {
	lines
	o Options
}

// lines writes formatted lines, keeping the first write error, so a
// reporter checks it once at the end.
type lines struct {
	w     io.Writer
	err   error
	count int // lines written
}

func (l *lines) line(format string, args ...any) {
	if l.err == nil {
		s := fmt.Sprintf(format+"\n", args...)
		l.count += strings.Count(s, "\n")
		_, l.err = io.WriteString(l.w, s)
	}
}

// para writes log-derived text wrapped to the width. The first line starts
// with lead; the others are indented to match it.
func (p *printer) para(lead, s string) {
	indent := strings.Repeat(" ", text.StringWidthWithoutEscSequences(lead))
	for _, l := range strings.Split(Clean(s, true), "\n") {
		for _, wl := range wrapWords(l, max(20, p.o.Width-len(indent))) {
			p.line("%s", strings.TrimRight(lead+wl, " "))
			lead = indent
		}
	}
}

// wrapWords breaks s at spaces into lines of at most width columns. A
// word longer than the width (a path, a server or pattern name) gets a
// line of its own, whole: a name split across lines cannot be searched
// for or pasted. A no-break space (nbsp) holds two words together and is
// written as a space.
func wrapWords(s string, width int) []string {
	var out []string
	cur, curWidth := "", 0
	for _, word := range strings.Split(s, " ") {
		if word == "" {
			continue
		}
		w := text.StringWidthWithoutEscSequences(word)
		switch {
		case cur == "":
			cur, curWidth = word, w
		case curWidth+1+w <= width:
			cur, curWidth = cur+" "+word, curWidth+1+w
		default:
			out = append(out, cur)
			cur, curWidth = word, w
		}
	}
	out = append(out, cur)
	for i := range out {
		out[i] = strings.ReplaceAll(out[i], nbsp, " ")
	}
	return out
}

// wrapCell is wrapWords as a table column enforcer.
func wrapCell(s string, width int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, wrapWords(l, width)...)
	}
	return strings.Join(out, "\n")
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

// overview lists the incidents in a table that fits the width: with their
// times when there is room, else number, severity, title and count (the
// times are in each incident's detail).
func (p *printer) overview(incs []Incident) {
	t := p.newTable()
	wide := p.o.Width >= wideLayout
	if wide {
		t.AppendHeader(table.Row{"#", "Severity", "Incident", "Count", "First seen (UTC)", "Last seen (UTC)"})
	} else {
		t.AppendHeader(table.Row{"#", "Severity", "Incident", "Count"})
	}
	maxCount := 0
	for i, inc := range incs {
		title := Clean(inc.Title, false)
		if inc.Known {
			title += " [known]"
		}
		row := table.Row{i + 1, p.severity(inc.Severity), title, inc.Count}
		if wide {
			row = append(row, inc.FirstSeen.UTC().Format(timeLayout), inc.LastSeen.UTC().Format(timeLayout))
		}
		t.AppendRow(row)
		maxCount = max(maxCount, inc.Count)
	}
	// The title takes what the other columns leave, wrapping at spaces.
	fixed := 75
	if !wide {
		// Borders and padding of four columns, then #, SEVERITY, COUNT.
		fixed = 13 + len(fmt.Sprint(len(incs))) + len("SEVERITY") + max(len("COUNT"), len(fmt.Sprint(maxCount)))
	}
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 3, WidthMax: max(20, p.o.Width-fixed), WidthMaxEnforcer: wrapCell}})
	p.line("%s\n", t.Render())
}

// servers lists each server with the time its records cover and the
// incidents that name it, by number.
func (p *printer) servers(views []serverView, incs []Incident) {
	if len(views) == 0 {
		return
	}
	p.line("%s", p.bold("Servers"))
	if p.o.Width < wideLayout {
		p.serverList(views, incs)
		return
	}
	t := p.newTable()
	t.AppendHeader(table.Row{"Server", "Records", "First record (UTC)", "Last record (UTC)", "Incidents"})
	for _, v := range views {
		records, first, last := "-", "-", "-"
		if v.Read {
			records, first, last = fmt.Sprint(v.Records), utcText(v.First), utcText(v.Last)
		}
		t.AppendRow(table.Row{serverLabel(v.Name), records, first, last, strings.ReplaceAll(strings.Join(incidentNumbers(v, incs), ", "), nbsp, " ")})
	}
	// Server names are never split; the incident list wraps in what is left.
	t.SetColumnConfigs([]table.ColumnConfig{
		{Number: 2, Align: text.AlignRight},
		{Number: 5, WidthMax: max(20, p.o.Width-90), WidthMaxEnforcer: wrapCell},
	})
	p.line("%s\n", t.Render())
}

// serverList is the servers table as lines, for a narrow width: one
// server a line, wrapped at spaces.
func (p *printer) serverList(views []serverView, incs []Incident) {
	for _, v := range views {
		what := "no record read"
		if v.Read {
			what = fmt.Sprintf("%d records, %s to %s UTC", v.Records, timeText(v.First, timeLayout), timeText(v.Last, timeLayout))
		}
		if nums := incidentNumbers(v, incs); len(nums) > 0 {
			what += "; incidents " + strings.Join(nums, ", ")
		}
		p.para("  "+serverLabel(v.Name)+": ", what)
	}
	p.line("")
}

// incidentNumbers names the incidents of a server: "[2] MEDIUM", held
// together by a no-break space.
func incidentNumbers(v serverView, incs []Incident) []string {
	var nums []string
	for _, i := range v.Incidents {
		nums = append(nums, fmt.Sprintf("[%d]%s%s", i+1, nbsp, strings.ToUpper(string(incs[i].Severity))))
	}
	return nums
}

// nbsp keeps two words on one line when wrapWords wraps.
const nbsp = "\u00a0"

// timeText is a server's first or last record time, "-" when unknown.
func timeText(t time.Time, layout string) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(layout)
}

func (p *printer) severity(s patterns.Severity) string {
	label := strings.ToUpper(string(s))
	if !p.o.colour() {
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
	if !p.o.colour() {
		return s
	}
	return text.Bold.Sprint(s)
}

func (p *printer) warn(s string) string {
	if !p.o.colour() {
		return s
	}
	return text.Colors{text.FgHiYellow, text.Bold}.Sprint(s)
}

func (p *printer) incident(n int, inc *Incident) {
	known := ""
	if inc.Known {
		known = "  [known: in the baseline]"
	}
	p.para(fmt.Sprintf("[%d] %s  ", n, p.severity(inc.Severity)),
		fmt.Sprintf("%s  (%s)%s", Clean(inc.Title, false), Clean(inc.Pattern, false), known))
	p.para("    ", fmt.Sprintf("%d %s from %s to %s %s", inc.Count, countText(inc.Count, inc.CountUnit),
		inc.FirstSeen.UTC().Format(timeLayout), inc.LastSeen.UTC().Format(timeLayout), zoneText(inc)))
	p.para("    ", fmt.Sprintf("Key %s, id %s", Clean(inc.Key, false), Clean(inc.ID, false)))
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
	// Evidence no checksum vouches for (scan sets the field): shown beside
	// where, so nobody acts on a count without seeing it.
	if v, ok := inc.Fields["caveat"]; ok {
		p.para("    Caveat: ", fieldString(v))
	}
	p.line("")
	p.para("    ", inc.Explanation)
	for _, c := range inc.Caveats {
		p.para("    "+p.warn("Caveat:")+" ", c)
	}
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
		// One line when it fits; else the file, a name that is never
		// split, gets a line of its own.
		when, cite, sig := e.Time.UTC().Format(timeLayout), Clean(citation(e), false), Clean(e.Signature, false)
		if one := fmt.Sprintf("      %s  %s  %s", when, cite, sig); text.StringWidthWithoutEscSequences(one) <= p.o.Width {
			p.line("%s", one)
		} else {
			p.line("      %s", strings.Join(slices.DeleteFunc([]string{when, where(e), sig}, func(s string) bool { return s == "" }), "  "))
			p.line("        %s", Clean(e.File, false))
		}
		// What the record said, on one line: enough to recognise a message
		// by its subject or an event by its reason; JSON has it whole.
		if msg := Clean(e.Message, false); msg != "" {
			p.line("        %s", excerpt(msg, max(20, p.o.Width-8)))
		}
	}
	if more := moreEvidence(inc, len(shown)); more != "" {
		p.para("      ", more)
	}
}

// excerpt is the start of s that fits width, cut at a space, with "…"
// when something was cut.
func excerpt(s string, width int) string {
	if text.StringWidthWithoutEscSequences(s) <= width {
		return s
	}
	cut := text.Trim(s, width-2)
	if i := strings.LastIndexByte(cut, ' '); i > width/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + " …"
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
	if c := s.coverageText(); c != "" {
		p.para("  ", c)
	}
	p.para("  ", fmt.Sprintf("Incidents: %s.", r.tallyText()))
	if why := s.partialReasons(); len(why) > 0 {
		p.para("  "+p.warn("PARTIAL SCAN")+": ", strings.Join(why, ", ")+". Everything else was read.")
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
