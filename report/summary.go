package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/patterns"
)

// Summary says what a scan read, what it could not read and why.
type Summary struct {
	Inputs  int       `json:"inputs"`  // files scanned as logs
	Records int       `json:"records"` // records read from them
	Lost    int       `json:"records_lost"`
	Skipped []Skipped `json:"skipped"` // files passed over: not a log extriage reads
	Errors  []Error   `json:"errors"`  // damaged or unreadable parts: make the scan partial
	// Warnings are things the reader had to assume (an unknown time zone, a
	// guessed day/month order) or values it could not use: nothing was lost.
	Warnings []Error   `json:"warnings"`
	Files    []File    `json:"files"`
	Servers  []Server  `json:"servers"` // the time span each server's records cover
	Partial  bool      `json:"partial"`
	Started  time.Time `json:"started"`
	Duration Duration  `json:"duration_seconds"`
	Bytes    int64     `json:"bytes"`
	// Scope is how the report was made and what its filters hid.
	Scope Scope `json:"scope"`

	// TimesUnknown counts the records whose time is zero or outside
	// 1970-2099: read, but in no server's time span.
	TimesUnknown int `json:"records_time_unknown"`
}

// File is the outcome for one input file.
type File struct {
	Path     string `json:"file"`
	Kind     string `json:"kind"` // the input kind: "evtx", "trace", ...
	Bytes    int64  `json:"bytes"`
	Records  int    `json:"records"`
	Lost     int    `json:"records_lost"`
	Problems int    `json:"problems"`
	Dirty    bool   `json:"dirty,omitempty"`
	// The format within the kind (a trace dialect) and the encoding found
	// from the content; empty for a kind that has one (evtx).
	Dialect  string `json:"dialect,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	// Lacks lists what the file's format cannot give ("rendered messages
	// only: no record ids").
	Lacks []string `json:"lacks,omitempty"`
	// Noun names the file's kind in the summary text; the scan fills it from
	// the kind. Not in the JSON document: Kind names the kind there.
	Noun Noun `json:"-"`
	// SHA256 is of the file's bytes (a zip member's content), computed as
	// they were read; "" when the file was not read to its end.
	SHA256 string `json:"sha256,omitempty"`
}

// Noun is how the summary counts files of one kind: "3 event logs (.evtx)",
// "2 message traces (1 message-trace, 1 tracking-log)".
type Noun struct {
	One, Many string // "event log", "event logs"; empty: "<kind> file(s)"
	// Format, when set, follows the count of every file of the kind
	// (".evtx"); when empty the files are counted by their Dialect.
	Format string
}

// Server is the time span of the records read for one server (the evtx
// Computer, the trace server column); "" collects trace rows that name none.
type Server struct {
	Name    string    `json:"server"`
	Records int       `json:"records"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
}

// Error is one damaged or unreadable part of an input.
type Error struct {
	File    string `json:"file"`
	Chunk   *int   `json:"chunk,omitempty"`
	Offset  *int64 `json:"offset,omitempty"`
	Record  uint64 `json:"record,omitempty"`
	Line    int64  `json:"line,omitempty"`
	Message string `json:"message"`
}

// Skipped is a file that was not scanned, with the reason.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Duration marshals as seconds, which scripts compare more easily.
type Duration time.Duration

// MarshalJSON writes the duration in seconds with millisecond precision.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(time.Duration(d).Seconds(), 'f', 3, 64)), nil
}

// severities lists the severities most severe first, the order reports
// use.
var severities = []patterns.Severity{patterns.SeverityCritical, patterns.SeverityHigh,
	patterns.SeverityMedium, patterns.SeverityLow, patterns.SeverityInfo}

// tally counts incidents by severity, and the known ones among them.
type tally struct {
	total, known int
	by, knownBy  map[patterns.Severity]int
}

func countIncidents(incs []Incident) tally {
	t := tally{total: len(incs), by: map[patterns.Severity]int{}, knownBy: map[patterns.Severity]int{}}
	for _, inc := range incs {
		t.by[inc.Severity]++
		if inc.Known {
			t.known++
			t.knownBy[inc.Severity]++
		}
	}
	return t
}

// text says the tally in words, most severe first: "1 high, 2 medium (1
// known from the baseline, 2 new)".
func (t tally) text() string {
	if t.total == 0 {
		return "no incident"
	}
	var parts []string
	for _, sev := range severities {
		if n := t.by[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	if n := t.total - sumBy(t.by); n > 0 { // a severity the catalog should not have used
		parts = append(parts, fmt.Sprintf("%d of unknown severity", n))
	}
	s := strings.Join(parts, ", ")
	if t.known > 0 {
		s += fmt.Sprintf(" (%d known from the baseline, %d new)", t.known, t.total-t.known)
	}
	return s
}

func sumBy(m map[patterns.Severity]int) int {
	n := 0
	for _, sev := range severities {
		n += m[sev]
	}
	return n
}

// partialReasons says why the scan is partial, or nothing when every input
// given was read whole. It agrees with Partial and so with exit code 3:
// files that are no log at all (a README beside the exports) are listed as
// skipped but do not make a scan partial, or every nightly run over a real
// export folder would be.
func (s *Summary) partialReasons() []string {
	var why []string
	if n := len(s.Errors); n > 0 {
		why = append(why, fmt.Sprintf("%d damaged or unreadable %s", n, plural(n, "part", "parts")))
	} else if s.Partial {
		why = append(why, "some input could not be read")
	}
	if s.Lost > 0 {
		why = append(why, fmt.Sprintf("%d %s known lost", s.Lost, plural(s.Lost, "record", "records")))
	}
	return why
}

// inputsText says what was read by kind, kinds in the order of their
// names: "3 event logs (.evtx) and 2 message traces (1 message-trace, 1
// tracking-log)".
func (s *Summary) inputsText() string {
	type group struct {
		noun    Noun
		files   int
		formats map[string]int
	}
	groups := map[string]*group{}
	for _, f := range s.Files {
		g := groups[f.Kind]
		if g == nil {
			g = &group{noun: f.Noun, formats: map[string]int{}}
			if g.noun.One == "" {
				g.noun.One, g.noun.Many = f.Kind+" file", f.Kind+" files"
			}
			groups[f.Kind] = g
		}
		g.files++
		g.formats[cmp.Or(f.Dialect, "unknown format")]++
	}
	var parts []string
	for _, kind := range slices.Sorted(maps.Keys(groups)) {
		g := groups[kind]
		detail := g.noun.Format
		if detail == "" {
			var fs []string
			for _, name := range slices.Sorted(maps.Keys(g.formats)) {
				fs = append(fs, fmt.Sprintf("%d %s", g.formats[name], Clean(name, false)))
			}
			detail = strings.Join(fs, ", ")
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s)", g.files, plural(g.files, g.noun.One, g.noun.Many), detail))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d %s", s.Inputs, plural(s.Inputs, "file", "files"))
	}
	return strings.Join(parts, " and ")
}

// rateText says how fast the scan read: "12.5 MiB/s, 48000 records/s".
func (s *Summary) rateText() string {
	secs := time.Duration(s.Duration).Seconds()
	if secs <= 0 {
		return "rate not measured"
	}
	return fmt.Sprintf("%.1f MiB/s, %.0f records/s", float64(s.Bytes)/(1<<20)/secs, float64(s.Records)/secs)
}

// durationText rounds the duration for people.
func (s *Summary) durationText() string {
	return time.Duration(s.Duration).Round(time.Millisecond).String()
}

// where says which part of a file an error is about: "chunk 2, file
// offset 143400, record 41813" or "line 57"; "" for the whole file.
func (e Error) where() string {
	var where []string
	if e.Chunk != nil {
		where = append(where, fmt.Sprintf("chunk %d", *e.Chunk))
	}
	if e.Offset != nil {
		where = append(where, fmt.Sprintf("file offset %d", *e.Offset))
	}
	if e.Record != 0 {
		where = append(where, fmt.Sprintf("record %d", e.Record))
	}
	if e.Line != 0 {
		where = append(where, fmt.Sprintf("line %d", e.Line))
	}
	return strings.Join(where, ", ")
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

// utcText is a time for people, UTC to the second; "-" for no time.
func utcText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(timeLayout)
}
