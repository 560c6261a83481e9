package report

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/patterns"
)

// Scope is what a report covers and how it was made, so a report read
// later, or by someone else, states its own limits: which extriage and
// which catalog, the command line, the filters in force and what each
// hid, and the time zone assumed. Each input's size and SHA-256 are in
// Summary.Files.
type Scope struct {
	Tool        Tool             `json:"tool"`
	Catalog     patterns.Version `json:"catalog"`
	CommandLine []string         `json:"command_line"`
	Filters     Filters          `json:"filters"`
	// TimeZone is the zone local times without one were read in: the
	// --timezone given, or "UTC" assumed. .evtx times are always UTC.
	TimeZone        string `json:"time_zone"`
	TimeZoneAssumed bool   `json:"time_zone_assumed"`
	// MergedFrom lists, in a merged report, the reports merged and how
	// each was made.
	MergedFrom []MergedReport `json:"merged_from,omitempty"`
}

// MergedReport is one report a merge read, and the scope it stated.
type MergedReport struct {
	File        string           `json:"file"`
	Tool        Tool             `json:"tool"`
	Catalog     patterns.Version `json:"catalog"`
	CommandLine []string         `json:"command_line"`
}

// Tool is the extriage that wrote the report.
type Tool struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// String is the version on one line: "v1.4.0 (3c1f0a9e2b7d, 2026-11-30T18:02:11Z, modified)".
func (t Tool) String() string {
	var parts []string
	if t.Revision != "" {
		parts = append(parts, t.Revision[:min(12, len(t.Revision))])
	}
	if t.Time != "" {
		parts = append(parts, t.Time)
	}
	if t.Modified {
		parts = append(parts, "modified")
	}
	if len(parts) == 0 {
		return t.Version
	}
	return t.Version + " (" + strings.Join(parts, ", ") + ")"
}

// Filters are the scripting flags in force and what each one hid. A zero
// value is a flag not given.
type Filters struct {
	Since       string `json:"since,omitempty"` // RFC 3339, UTC
	Until       string `json:"until,omitempty"`
	MinSeverity string `json:"min_severity"`
	FailOn      string `json:"fail_on"`
	Baseline    string `json:"baseline,omitempty"` // the file
	// RecordsOutsideWindow are records of the kinds a pattern looks for
	// that were read but not matched: outside --since/--until.
	RecordsOutsideWindow int64 `json:"records_outside_window"`
	// IncidentsOutsideWindow would be found without --since/--until and are
	// not in the report at all.
	IncidentsOutsideWindow int `json:"incidents_outside_window"`
	// IncidentsBelowMinSeverity were found and are not in the report.
	IncidentsBelowMinSeverity int `json:"incidents_below_min_severity"`
	// IncidentsBelowFailOn are in the report but do not make the exit code 1.
	IncidentsBelowFailOn int `json:"incidents_below_fail_on"`
}

// filterTexts says each filter given and what it hid, for people:
// "--min-severity high: 69 incidents below high not shown".
func (s *Scope) filterTexts(known int) []string {
	f := &s.Filters
	var out []string
	if f.Since != "" || f.Until != "" {
		var w []string
		if f.Since != "" {
			w = append(w, "--since "+f.Since)
		}
		if f.Until != "" {
			w = append(w, "--until "+f.Until)
		}
		n, r := f.IncidentsOutsideWindow, f.RecordsOutsideWindow
		out = append(out, fmt.Sprintf("%s: %d %s outside the window not shown (%d %s of the kinds the patterns look for not matched)",
			strings.Join(w, " "), n, plural(n, "incident", "incidents"), r, plural(int(r), "record", "records")))
	}
	if f.MinSeverity != "" && f.MinSeverity != string(patterns.SeverityInfo) {
		n := f.IncidentsBelowMinSeverity
		out = append(out, fmt.Sprintf("--min-severity %s: %d %s below %s not shown", f.MinSeverity, n, plural(n, "incident", "incidents"), f.MinSeverity))
	}
	if f.FailOn != "" && f.FailOn != string(patterns.SeverityInfo) {
		n := f.IncidentsBelowFailOn
		below := "below " + f.FailOn
		if f.FailOn == "none" {
			below = "at any severity"
		}
		out = append(out, fmt.Sprintf("--fail-on %s: %d %s %s shown but not failing the run", f.FailOn, n, plural(n, "incident", "incidents"), below))
	}
	if f.Baseline != "" {
		out = append(out, fmt.Sprintf("--baseline %s: %d %s known from it", f.Baseline, known, plural(known, "incident", "incidents")))
	}
	return out
}

// timeZoneText says how local times were read.
func (s *Scope) timeZoneText() string {
	if s.TimeZone == "" {
		return ""
	}
	if s.TimeZoneAssumed {
		return s.TimeZone + ", assumed (no --timezone given) for trace times written without a zone; .evtx times are UTC"
	}
	return s.TimeZone + " (--timezone) for trace times written without a zone; .evtx times are UTC"
}

// commandText is the command line as one string, arguments with spaces or
// quotes in single quotes.
func (s *Scope) commandText() string {
	args := make([]string, len(s.CommandLine))
	for i, a := range s.CommandLine {
		if a == "" || strings.ContainsAny(a, " \t'\"$`\\;&|<>*?") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		args[i] = a
	}
	return strings.Join(args, " ")
}

// scopeItem is one line of the scope for the formats for people.
type scopeItem struct{ Label, Text string }

// scopeItems are the scope for people, every value cleaned of control
// sequences; empty for a result with no scope (built in code).
func (s *Summary) scopeItems(known int) []scopeItem {
	sc := &s.Scope
	if sc.Tool.Version == "" && len(sc.CommandLine) == 0 {
		return nil
	}
	items := []scopeItem{{"Tool", "extriage " + sc.Tool.String() + ", " + sc.Tool.Go}}
	if sc.Catalog.Files > 0 {
		items = append(items, scopeItem{"Catalog", sc.Catalog.String() + ", SHA-256 " + sc.Catalog.Hash})
	}
	if len(sc.CommandLine) > 0 {
		items = append(items, scopeItem{"Command", sc.commandText()})
	}
	filters := sc.filterTexts(known)
	if len(filters) == 0 {
		filters = []string{"none: every incident found is shown"}
	}
	items = append(items, scopeItem{"Filters", strings.Join(filters, "; ")})
	if tz := sc.timeZoneText(); tz != "" {
		items = append(items, scopeItem{"Time zone", tz})
	}
	for _, m := range sc.MergedFrom {
		items = append(items, scopeItem{"Merged", fmt.Sprintf("%s (extriage %s, catalog %s)", m.File, m.Tool, m.Catalog)})
	}
	for i := range items {
		items[i].Text = Clean(items[i].Text, false)
	}
	return items
}

// fileText is one input for people: "path: 68.0 KiB, SHA-256 56b2…".
func fileText(f File) string {
	s := f.Path + ": " + sizeString(f.Bytes)
	if f.SHA256 != "" {
		s += ", SHA-256 " + f.SHA256
	} else {
		s += ", not read to its end (no SHA-256)"
	}
	return s
}

// noneText is what the formats for people say when no incident is shown:
// that none was found, or how many the filters hid.
func (s *Summary) noneText() string {
	if hidden := s.hiddenText(); hidden != "" {
		return "No incident shown: " + hidden + "."
	}
	return "No incident found."
}

// hiddenText says how many incidents the filters hid: "69 below high not
// shown (--min-severity), 2 outside the window (--since/--until)"; "" for
// none.
func (s *Summary) hiddenText() string {
	f := &s.Scope.Filters
	var parts []string
	if n := f.IncidentsBelowMinSeverity; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s below %s not shown (--min-severity)", n, plural(n, "incident", "incidents"), f.MinSeverity))
	}
	if n := f.IncidentsOutsideWindow; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s outside the window not shown (--since/--until)", n, plural(n, "incident", "incidents")))
	}
	return strings.Join(parts, ", ")
}

// tallyText is the incidents shown in words, and those the filters hid:
// "1 high; 69 incidents below high not shown (--min-severity)".
func (r *Result) tallyText() string {
	text := countIncidents(r.Incidents).text()
	if hidden := r.Summary.hiddenText(); hidden != "" {
		text += "; " + hidden
	}
	return text
}
