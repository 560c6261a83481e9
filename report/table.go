package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/extriage/extriage/patterns"
	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

type tableReporter struct{}

// timeLayout is how people read times in the table: UTC, to the second.
const timeLayout = "2006-01-02 15:04:05"

// Report writes an overview table of the incidents, then each incident's
// story, evidence and fix, then the scan summary.
func (tableReporter) Report(w io.Writer, r *Result, o Options) error {
	p := &printer{w: w, o: o}
	if o.Width <= 0 || o.Width > 160 {
		p.o.Width = 120 // piped: wide enough for the overview, narrow enough to read
	}
	if len(r.Incidents) == 0 {
		p.line("No incident found.")
	} else {
		p.overview(r.Incidents)
		for i := range r.Incidents {
			p.incident(i+1, &r.Incidents[i])
		}
	}
	p.summary(&r.Summary)
	return p.err
}

// printer writes lines, keeping the first write error.
type printer struct {
	w   io.Writer
	o   Options
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// para writes log-derived text wrapped to the width. The first line starts
// with lead; the others are indented to match it.
func (p *printer) para(lead, s string) {
	indent := strings.Repeat(" ", len(lead))
	for _, l := range strings.Split(Clean(s, true), "\n") {
		wrapped := text.WrapSoft(l, max(20, p.o.Width-len(lead)))
		for _, wl := range strings.Split(wrapped, "\n") {
			p.line("%s%s", lead, strings.TrimRight(wl, " "))
			lead = indent
		}
	}
}

func (p *printer) overview(incs []patterns.Incident) {
	t := table.NewWriter()
	t.SetOutputMirror(nil)
	t.AppendHeader(table.Row{"#", "Severity", "Incident", "Count", "First seen (UTC)", "Last seen (UTC)"})
	for i, inc := range incs {
		t.AppendRow(table.Row{i + 1, p.severity(inc.Severity), Clean(inc.Title, false), inc.Count,
			inc.FirstSeen.UTC().Format(timeLayout), inc.LastSeen.UTC().Format(timeLayout)})
	}
	t.SetStyle(table.StyleLight)
	if !p.o.Terminal {
		t.SetStyle(table.StyleDefault)
	}
	// The title takes what the fixed columns leave, wrapping at word breaks.
	t.SetColumnConfigs([]table.ColumnConfig{{Number: 3, WidthMax: max(20, p.o.Width-75), WidthMaxEnforcer: text.WrapSoft}})
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

func (p *printer) incident(n int, inc *patterns.Incident) {
	p.line("[%d] %s  %s  (%s)", n, p.severity(inc.Severity), Clean(inc.Title, false), inc.Pattern)
	p.line("    %d supporting events from %s to %s UTC", inc.Count,
		inc.FirstSeen.UTC().Format(timeLayout), inc.LastSeen.UTC().Format(timeLayout))
	p.line("")
	p.para("    ", inc.Explanation)
	p.evidence(inc.Evidence)
	if len(inc.Remedy) > 0 {
		p.line("")
		p.line("    What to do:")
		for i, st := range inc.Remedy {
			p.para(fmt.Sprintf("    %d. ", i+1), st.Text)
			if st.Command != "" {
				p.line("         %s", Clean(st.Command, false))
			}
		}
	}
	p.line("")
}

func (p *printer) evidence(ev []patterns.Evidence) {
	if len(ev) == 0 {
		return
	}
	shown := ev
	if p.o.Evidence >= 0 && len(ev) > p.o.Evidence {
		shown = ev[:p.o.Evidence]
	}
	p.line("")
	if len(shown) < len(ev) {
		p.line("    Evidence (first %d of %d; --format json lists all):", len(shown), len(ev))
	} else {
		p.line("    Evidence:")
	}
	for _, e := range shown {
		p.line("      %s  %s  %s", e.Time.UTC().Format(timeLayout), Clean(citation(e), false), e.Signature)
	}
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

func (p *printer) summary(s *Summary) {
	p.line("Scanned %d %s (%s), %d records in %s.", s.Inputs, plural(s.Inputs, "file", "files"),
		sizeString(s.Bytes), s.Records, time.Duration(s.Duration).Round(time.Millisecond))
	if s.Partial {
		p.line("PARTIAL SCAN: %d damaged or unreadable %s; %d %s known lost. Everything else was read:",
			len(s.Errors), plural(len(s.Errors), "part", "parts"), s.Lost, plural(s.Lost, "record", "records"))
		for _, e := range s.Errors {
			p.para("  - ", errorString(e))
		}
	}
	if n := len(s.Skipped); n > 0 {
		p.line("Skipped %d %s that %s not an event log:", n, plural(n, "file", "files"), plural(n, "is", "are"))
		for i, sk := range s.Skipped {
			if i == 5 {
				p.line("  ... and %d more (--format json lists all)", n-5)
				break
			}
			p.line("  - %s", Clean(sk.File, false))
		}
	}
}

func errorString(e Error) string {
	var where []string
	if e.Chunk != nil {
		where = append(where, fmt.Sprintf("chunk %d", *e.Chunk))
	}
	if e.Record != 0 {
		where = append(where, fmt.Sprintf("record %d", e.Record))
	}
	if e.Line != 0 {
		where = append(where, fmt.Sprintf("line %d", e.Line))
	}
	if len(where) == 0 {
		return e.File + ": " + e.Message
	}
	return fmt.Sprintf("%s (%s): %s", e.File, strings.Join(where, ", "), e.Message)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sizeString(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", b)
}
