package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/extriage/extriage/patterns"
)

type markdownReporter struct{}

// Report writes Markdown to paste into a case or a ticket (CommonMark with
// GitHub tables): the overview, the servers, each incident with its
// evidence and fix commands, then the summary. Log strings are escaped so
// that they read as the text they are: they never open a link, an HTML
// tag, a table cell or leave a code block.
func (markdownReporter) Report(w io.Writer, r *Result, o Options) error {
	m := &mdWriter{lines: lines{w: w}, o: o}
	m.line("# extriage report\n")
	if why := r.Summary.partialReasons(); len(why) > 0 {
		m.line("> **Partial scan:** %s. The rest was read; the summary at the end says what and why.\n", strings.Join(why, ", "))
	}
	m.overview(r)
	m.servers(serverViews(r), r.Incidents)
	if len(r.Incidents) > 0 {
		m.line("## Incidents\n")
	}
	for i := range r.Incidents {
		m.incident(i+1, &r.Incidents[i])
	}
	m.summary(r)
	return m.err
}

// mdWriter writes the markdown format's lines.
type mdWriter struct {
	lines
	o Options
}

// row writes one table row of cells that are already escaped.
func (m *mdWriter) row(cells ...string) {
	m.line("| %s |", strings.Join(cells, " | "))
}

func (m *mdWriter) overview(r *Result) {
	m.line("## Overview\n")
	t := countIncidents(r.Incidents)
	m.line("**Incidents:** %s.\n", mdText(r.tallyText()))
	if w := zoneWarning(r.Incidents); w != "" {
		m.line("**Warning:** %s\n", mdText(w))
	}
	if len(r.Incidents) == 0 {
		return
	}
	m.row("Severity", "Incidents", "Known")
	m.row("---", "--:", "--:")
	for _, sev := range severities {
		m.row(string(sev), fmt.Sprint(t.by[sev]), fmt.Sprint(t.knownBy[sev]))
	}
	m.line("")
	m.row("#", "Severity", "Incident", "Count", "First seen (UTC)", "Last seen (UTC)", "Known")
	m.row("--:", "---", "---", "--:", "---", "---", "---")
	for i, inc := range r.Incidents {
		m.row(fmt.Sprint(i+1), mdText(strings.ToUpper(string(inc.Severity))), mdText(inc.Title), fmt.Sprint(inc.Count),
			mdTime(inc.FirstSeen), mdTime(inc.LastSeen), yesNo(inc.Known))
	}
	m.line("")
}

func (m *mdWriter) servers(views []serverView, incs []Incident) {
	if len(views) == 0 {
		return
	}
	m.line("## Servers\n")
	m.row("Server", "Records", "First record (UTC)", "Last record (UTC)", "Incidents")
	m.row("---", "--:", "---", "---", "---")
	for _, v := range views {
		records, first, last := "-", "-", "-"
		if v.Read {
			records, first, last = fmt.Sprint(v.Records), utcText(v.First), utcText(v.Last)
		}
		var names []string
		for _, i := range v.Incidents {
			names = append(names, fmt.Sprintf("%d. %s", i+1, mdText(incs[i].Title)))
		}
		m.row(mdText(serverLabel(v.Name)), records, first, last, strings.Join(names, "; "))
	}
	m.line("")
}

func (m *mdWriter) incident(n int, inc *Incident) {
	m.line("### %d. %s: %s\n", n, strings.ToUpper(mdText(string(inc.Severity))), mdText(inc.Title))
	m.row("", "")
	m.row("---", "---")
	m.row("Pattern", mdText(inc.Pattern))
	m.row("Key", mdText(inc.Key))
	m.row("ID", mdText(inc.ID))
	m.row("Seen", fmt.Sprintf("%d %s, %s to %s %s", inc.Count, countText(inc.Count, inc.CountUnit), mdTime(inc.FirstSeen), mdTime(inc.LastSeen), zoneText(inc)))
	if inc.Known {
		m.row("Known", "yes: in the baseline")
	}
	for _, k := range slices.Sorted(maps.Keys(inc.Fields)) {
		m.row(mdText(k), mdText(fieldString(inc.Fields[k])))
	}
	m.line("")
	m.line("%s\n", mdBlock(inc.Explanation))
	for _, c := range inc.Caveats {
		m.line("> **Caveat:** %s\n", mdText(c))
	}
	m.evidence(inc)
	if len(inc.Remedy) > 0 {
		m.line("#### What to do\n")
	}
	for i, st := range inc.Remedy {
		m.line("**%d.** %s\n", i+1, mdBlock(st.Text))
		if fx := sideEffectsText(st); fx != "" {
			m.line("%s\n", mdBlock(fx))
		}
		if st.Command != "" {
			m.line("%s\n", mdFence(commandBlock(st), "powershell"))
		}
	}
}

func (m *mdWriter) evidence(inc *Incident) {
	ev := inc.Evidence
	if len(ev) == 0 {
		return
	}
	shown := shownEvidence(ev, m.o)
	m.line("#### Evidence\n")
	m.row("Time (UTC)", "File", "Record / line", "Signature", "Message")
	m.row("---", "---", "--:", "---", "---")
	for _, e := range shown {
		m.row(mdTime(e.Time), mdText(e.File), where(e), mdText(e.Signature), mdText(e.Message))
	}
	m.line("")
	if more := moreEvidence(inc, len(shown)); more != "" {
		m.line("%s.\n", more)
	}
}

func (m *mdWriter) summary(r *Result) {
	s := &r.Summary
	m.line("## Summary\n")
	if s.Inputs == 0 {
		m.line("- **Read:** nothing: no input was an event log or a message-trace export that extriage can read.")
	} else {
		m.line("- **Read:** %s: %d %s, %s, %d records.", mdText(s.inputsText()), s.Inputs, plural(s.Inputs, "file", "files"), sizeString(s.Bytes), s.Records)
	}
	if !s.Started.IsZero() {
		m.line("- **Started:** %s UTC, took %s (%s).", mdTime(s.Started), s.durationText(), s.rateText())
	} else {
		m.line("- **Took:** %s (%s).", s.durationText(), s.rateText())
	}
	if c := s.coverageText(); c != "" {
		m.line("- **Coverage:** %s", mdText(c))
	}
	if w := s.coverageWarning(); w != "" {
		m.line("- **Nothing the catalog reads:** %s", mdText(w))
	}
	m.line("- **Incidents:** %s.", mdText(r.tallyText()))
	if why := s.partialReasons(); len(why) > 0 {
		m.line("- **Partial scan:** %s. Everything else was read.", strings.Join(why, ", "))
	} else {
		m.line("- **Complete scan:** every input was read whole.")
	}
	m.line("")
	m.problems("Damaged or unreadable parts", "Problem", s.Errors)
	if len(s.Skipped) > 0 {
		m.line("### Skipped files\n")
		m.row("File", "Reason")
		m.row("---", "---")
		for _, sk := range s.Skipped {
			m.row(mdText(sk.File), mdText(sk.Reason))
		}
		m.line("")
	}
	m.problems("Warnings (nothing lost)", "Warning", s.Warnings)
	m.scope(r)
}

func (m *mdWriter) scope(r *Result) {
	items := r.Summary.scopeItems(countIncidents(r.Incidents).known)
	if len(items) == 0 {
		return
	}
	m.line("### Scope\n")
	for _, it := range items {
		m.line("- **%s:** %s", it.Label, mdText(it.Text))
	}
	m.line("")
	if len(r.Summary.Files) == 0 {
		return
	}
	m.line("### Inputs\n")
	m.row("File", "Size", "SHA-256")
	m.row("---", "---", "---")
	for _, f := range r.Summary.Files {
		m.row(mdText(f.Path), sizeString(f.Bytes), cmpOr(f.SHA256, "not read to its end"))
	}
	m.line("")
}

func (m *mdWriter) problems(title, what string, errs []Error) {
	if len(errs) == 0 {
		return
	}
	m.line("### %s\n", title)
	m.row("File", "Where", what)
	m.row("---", "---", "---")
	for _, e := range errs {
		m.row(mdText(e.File), mdText(e.where()), mdText(e.Message))
	}
	m.line("")
}

// where is an evidence record's place in its file: "record 48211" or
// "line 57".
func where(e patterns.Evidence) string {
	switch {
	case e.Record != 0:
		return fmt.Sprintf("record %d", e.Record)
	case e.Line != 0:
		return fmt.Sprintf("line %d", e.Line)
	}
	return ""
}

func mdTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// mdSpecial are the characters escaped wherever log text appears: those
// that open emphasis, code, links, HTML, entities, table cells,
// strikethrough, headings, quotes and (on some sites) math. A backslash
// before any ASCII punctuation is always a literal in CommonMark, so
// escaping one that needed none costs nothing but a character.
const mdSpecial = "\\`*_[]<>|~&#$"

// mdText escapes one line of log text for Markdown: line breaks become
// spaces and control sequences go (Clean), markup characters are escaped,
// and URLs are kept from becoming links.
func mdText(s string) string {
	s = Clean(s, false)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(mdSpecial, c) >= 0:
			b.WriteByte('\\')
		case c == ':' && strings.HasPrefix(s[i:], "://"):
			b.WriteByte('\\') // "http\://": GitHub links bare URLs
		case c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www") && (i == 3 || !isWordByte(s[i-4])):
			b.WriteByte('\\') // "www\.": and bare www. names
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// mdBlock escapes log text that keeps its line breaks. Each line also
// loses its indentation (four spaces would start a code block) and has a
// leading list, heading or ordered-list marker escaped.
func mdBlock(s string) string {
	lines := strings.Split(Clean(s, true), "\n")
	for i, l := range lines {
		l = mdText(strings.TrimLeft(l, " "))
		if l != "" && strings.IndexByte("-+=", l[0]) >= 0 {
			l = "\\" + l
		} else if j := leadingDigits(l); j > 0 && j < len(l) && (l[j] == '.' || l[j] == ')') {
			l = l[:j] + "\\" + l[j:]
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// mdFence puts code in a fenced block whose fence is longer than any run of
// backticks in it, so no line of the code can close it.
func mdFence(code, lang string) string {
	code = Clean(code, true)
	longest, run := 0, 0
	for i := 0; i < len(code); i++ {
		if code[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + lang + "\n" + code + "\n" + fence
}
