package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

type htmlReporter struct{}

//go:embed html.tmpl
var htmlSource string

// htmlTemplate is parsed once. html/template escapes every value by the
// context it lands in, so a log string can only ever be text: the template
// passes no value as template.HTML, CSS, JS or URL.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b }, // SVG coordinates
}).Parse(htmlSource))

// Report writes one self-contained HTML file: styles inline, the timeline
// drawn as inline SVG, no script and nothing fetched, so it opens offline,
// mails as one attachment and prints. Its Content-Security-Policy forbids
// scripts and loads even if a browser bug let markup through.
func (htmlReporter) Report(w io.Writer, r *Result, o Options) error {
	return htmlTemplate.Execute(w, newHTMLPage(r, o))
}

// htmlPage is what the template shows. Every string in it is cleaned of
// control sequences (Clean); the template escapes it.
type htmlPage struct {
	Started    string
	Partial    string // why the scan is partial; "" when complete
	Zone       string // the local-times warning (R30); "" when every time is UTC
	Tally      string
	Severities []htmlSeverity
	Incidents  []htmlIncident
	Servers    []htmlServer
	Matrix     *htmlMatrix // merged reports only
	Summary    htmlSummary
}

// htmlMatrix is the server × incident matrix of a merged report: a row
// per incident, a column per merged report (a server, or a night), and in
// each cell the count that report saw.
type htmlMatrix struct {
	Sources []string
	Rows    []htmlMatrixRow
}

type htmlMatrixRow struct {
	Ref   htmlRef
	Cells []string // "" where the report did not see the incident
}

type htmlSeverity struct {
	Class, Label string
	Count, Known int
}

type htmlIncident struct {
	N                   int
	Class, Severity     string
	Title, Pattern, Key string
	ID                  string
	Count               int
	Counted             string // what Count counts: "records", "messages"
	First, Last         string
	ZoneUnknown         bool
	Known               bool
	Fields              []htmlField
	Explanation         []string
	Caveats             []string
	Remedy              []htmlStep
	Timeline            timeline
	Evidence            []htmlEvidence
	Total, More         int
	MoreText            string
}

type htmlField struct{ Name, Value string }

type htmlStep struct{ Text, SideEffects, Command string }

type htmlEvidence struct {
	Time, File, Where, Signature, Message string
	Class                                 int
}

type htmlServer struct {
	Name                 string
	Records, First, Last string // "" when the scan kept no count for the server
	Incidents            []htmlRef
}

// htmlRef links to an incident by its number: the anchor is ours, never
// built from log text.
type htmlRef struct {
	N                      int
	Class, Severity, Title string
}

type htmlSummary struct {
	Inputs, Size, Duration, Rate string
	Files, Records, Lost         int
	Span                         string
	Coverage, CoverageWarning    string
	Errors, Warnings             []htmlProblem
	Skipped                      []htmlProblem
	Scope                        []scopeItem // how the report was made
	InputFiles                   []htmlInput
}

type htmlInput struct{ File, Size, SHA256 string }

type htmlProblem struct{ File, Where, Message string }

func newHTMLPage(r *Result, o Options) htmlPage {
	s := &r.Summary
	p := htmlPage{Partial: strings.Join(s.partialReasons(), ", "), Zone: zoneWarning(r.Incidents), Tally: r.tallyText()}
	if !s.Started.IsZero() {
		p.Started = s.Started.UTC().Format(timeLayout)
	}
	t := countIncidents(r.Incidents)
	for _, sev := range severities {
		p.Severities = append(p.Severities, htmlSeverity{Class: string(sev), Label: strings.ToUpper(string(sev)), Count: t.by[sev], Known: t.knownBy[sev]})
	}
	for i := range r.Incidents {
		p.Incidents = append(p.Incidents, newHTMLIncident(i+1, &r.Incidents[i], o))
	}
	for _, v := range serverViews(r) {
		sv := htmlServer{Name: serverLabel(v.Name)}
		if v.Read {
			sv.Records, sv.First, sv.Last = fmt.Sprint(v.Records), utcText(v.First), utcText(v.Last)
		}
		for _, i := range v.Incidents {
			inc := &r.Incidents[i]
			sv.Incidents = append(sv.Incidents, htmlRef{N: i + 1, Class: severityClass(inc),
				Severity: strings.ToUpper(Clean(string(inc.Severity), false)), Title: Clean(inc.Title, false)})
		}
		p.Servers = append(p.Servers, sv)
	}
	p.Matrix = newHTMLMatrix(r)
	p.Summary = newHTMLSummary(s)
	p.Summary.Scope = s.scopeItems(t.known)
	return p
}

// newHTMLMatrix builds the matrix from the incidents' SeenIn; nil when no
// incident has one (a report of one scan).
func newHTMLMatrix(r *Result) *htmlMatrix {
	col := map[string]int{}
	var sources []string
	for _, inc := range r.Incidents {
		for _, s := range inc.SeenIn {
			if _, ok := col[s.Source]; !ok {
				col[s.Source] = 0
				sources = append(sources, s.Source)
			}
		}
	}
	if len(sources) == 0 {
		return nil
	}
	slices.Sort(sources)
	m := &htmlMatrix{}
	for i, src := range sources {
		col[src] = i
		m.Sources = append(m.Sources, serverLabel(src))
	}
	for i := range r.Incidents {
		inc := &r.Incidents[i]
		row := htmlMatrixRow{Ref: htmlRef{N: i + 1, Class: severityClass(inc), Severity: strings.ToUpper(Clean(string(inc.Severity), false)),
			Title: Clean(inc.Title, false)}, Cells: make([]string, len(sources))}
		for _, s := range inc.SeenIn {
			row.Cells[col[s.Source]] = fmt.Sprint(s.Count)
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

func newHTMLIncident(n int, inc *Incident, o Options) htmlIncident {
	h := htmlIncident{N: n, Class: severityClass(inc), Severity: strings.ToUpper(Clean(string(inc.Severity), false)),
		Title: Clean(inc.Title, false), Pattern: Clean(inc.Pattern, false), Key: Clean(inc.Key, false),
		ID: Clean(inc.ID, false), Count: inc.Count, Counted: countText(inc.Count, inc.CountUnit), Known: inc.Known, ZoneUnknown: inc.ZoneUnknown,
		First: inc.FirstSeen.UTC().Format(timeLayout), Last: inc.LastSeen.UTC().Format(timeLayout),
		Timeline: newTimeline(inc), Total: max(inc.EvidenceTotal, len(inc.Evidence))}
	for _, k := range slices.Sorted(maps.Keys(inc.Fields)) {
		h.Fields = append(h.Fields, htmlField{Name: Clean(k, false), Value: Clean(fieldString(inc.Fields[k]), false)})
	}
	for _, para := range strings.Split(Clean(inc.Explanation, true), "\n") {
		if strings.TrimSpace(para) != "" {
			h.Explanation = append(h.Explanation, para)
		}
	}
	for _, c := range inc.Caveats {
		h.Caveats = append(h.Caveats, Clean(c, false))
	}
	for _, st := range inc.Remedy {
		h.Remedy = append(h.Remedy, htmlStep{Text: Clean(st.Text, false),
			SideEffects: Clean(sideEffectsText(st), false), Command: Clean(commandBlock(st), true)})
	}
	classes := map[string]int{}
	for _, l := range h.Timeline.Lanes {
		classes[l.Signature] = l.Class
	}
	shown := shownEvidence(inc.Evidence, o)
	for _, e := range shown {
		sig := Clean(e.Signature, false)
		h.Evidence = append(h.Evidence, htmlEvidence{Time: e.Time.UTC().Format(timeLayout), File: Clean(e.File, false),
			Where: where(e), Signature: sig, Message: Clean(e.Message, false), Class: classes[sig]})
	}
	h.More = max(inc.EvidenceTotal, len(inc.Evidence)) - len(shown)
	h.MoreText = strings.Replace(moreEvidence(inc, len(shown)), "...", "…", 1)
	return h
}

// severityClass is the CSS class of an incident's severity: one of ours,
// never the raw value, which comes from a catalog the user may extend.
func severityClass(inc *Incident) string {
	if inc.Severity.Rank() < 0 {
		return "unknown"
	}
	return string(inc.Severity)
}

func newHTMLSummary(s *Summary) htmlSummary {
	h := htmlSummary{Inputs: s.inputsText(), Size: sizeString(s.Bytes), Duration: s.durationText(), Rate: s.rateText(),
		Files: s.Inputs, Records: s.Records, Lost: s.Lost, Coverage: s.coverageText(), CoverageWarning: s.coverageWarning()}
	var first, last time.Time
	for _, sv := range s.Servers {
		if first.IsZero() || sv.First.Before(first) {
			first = sv.First
		}
		if sv.Last.After(last) {
			last = sv.Last
		}
	}
	if !first.IsZero() {
		h.Span = first.UTC().Format(timeLayout) + " to " + last.UTC().Format(timeLayout) + " UTC"
	}
	problems := func(errs []Error) []htmlProblem {
		var out []htmlProblem
		for _, e := range errs {
			out = append(out, htmlProblem{File: Clean(e.File, false), Where: e.where(), Message: Clean(e.Message, false)})
		}
		return out
	}
	h.Errors, h.Warnings = problems(s.Errors), problems(s.Warnings)
	for _, sk := range s.Skipped {
		h.Skipped = append(h.Skipped, htmlProblem{File: Clean(sk.File, false), Message: Clean(sk.Reason, false)})
	}
	for _, f := range s.Files {
		h.InputFiles = append(h.InputFiles, htmlInput{File: Clean(f.Path, false), Size: sizeString(f.Bytes),
			SHA256: cmpOr(f.SHA256, "not read to its end")})
	}
	return h
}
