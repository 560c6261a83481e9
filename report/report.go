package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/extriage/extriage/patterns"
)

// SchemaVersion is the version of the JSON document's shape. It changes
// only when a field is removed or changes meaning.
const SchemaVersion = 1

// ShownEvidence is how many evidence records the formats written for people
// list per incident unless Options.AllEvidence is set: enough to check the
// story, few enough to read.
const ShownEvidence = 5

// Result is what a scan produced: the incidents and the summary.
type Result struct {
	Summary   Summary    `json:"summary"`
	Incidents []Incident `json:"incidents"`
}

// Incident is an incident as reported: Known says a baseline (an earlier
// report) already had its problem, so a script or a reader can tell new
// problems from old ones. It marshals flat: id, pattern, ..., known.
type Incident struct {
	patterns.Incident
	Known bool `json:"known"`
	// SeenIn is set by merging reports: the count each merged report (one
	// server, or one night) contributed, for the server × incident matrix.
	SeenIn []Sighting `json:"seen_in,omitempty"`
}

// Sighting is one merged report's share of an incident.
type Sighting struct {
	Source string `json:"source"` // the report's server, or its file name
	Count  int    `json:"count"`
}

// Wrap turns the incidents a scan found into reported ones, marking those
// whose problem id is in known (as ReadBaseline returns it; nil: nothing
// is known). Every episode of a known problem is known: a nightly scan of
// rotated logs sees the same problem start later each night.
func Wrap(incs []patterns.Incident, known map[string]bool) []Incident {
	out := make([]Incident, len(incs))
	for i, inc := range incs {
		out[i] = Incident{Incident: inc, Known: known[cmpOr(inc.ProblemID, inc.ID)]}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Options tune rendering.
type Options struct {
	// AllEvidence lists every evidence record in the formats for people
	// (otherwise the first ShownEvidence) and makes CSV one row per record.
	AllEvidence bool
	Terminal    bool // output is a terminal: colour and width
	Width       int  // terminal width, 0 if unknown: 80 columns
	// NoColor keeps colour out of a report for a terminal (--no-color);
	// so does a NO_COLOR environment variable that is set and not empty
	// (no-color.org).
	NoColor bool
	// CSVDelimiter separates CSV cells: ',' (0 means ','), ';' as Excel
	// expects in locales whose decimal mark is a comma (de, fr, nl), or '\t'.
	CSVDelimiter rune
	// CSVSummary writes the summary rows as the CSV instead of the
	// incident rows, so that each CSV has one shape.
	CSVSummary bool
}

// lookupEnv reads the environment; tests replace it.
var lookupEnv = os.LookupEnv

// colour says whether to colour: on a terminal, unless told not to.
func (o Options) colour() bool {
	if v, ok := lookupEnv("NO_COLOR"); ok && v != "" {
		return false
	}
	return o.Terminal && !o.NoColor
}

// Reporter renders a result in one format.
type Reporter interface {
	Report(w io.Writer, r *Result, o Options) error
}

// Reporters maps format names to their reporters.
var Reporters = map[string]Reporter{
	"table":    tableReporter{},
	"json":     jsonReporter{},
	"ndjson":   ndjsonReporter{},
	"markdown": markdownReporter{},
	"html":     htmlReporter{},
	"csv":      csvReporter{},
	// For engines people already run (docs/fleet.md).
	"ecs":        ecsReporter{},
	"timesketch": timesketchReporter{},
}

// Write renders r in the named format.
func Write(w io.Writer, format string, r *Result, o Options) error {
	rep, ok := Reporters[format]
	if !ok {
		return fmt.Errorf("unknown format %q", format)
	}
	return rep.Report(w, r, o)
}

// extensions maps output file extensions to formats, in the order the
// error message lists them.
var extensions = []struct{ ext, format string }{
	{".json", "json"}, {".ndjson", "ndjson"}, {".md", "markdown"}, {".markdown", "markdown"},
	{".html", "html"}, {".htm", "html"}, {".csv", "csv"}, {".txt", "table"}, {".log", "table"},
}

// FormatFor picks the format from an output file's extension, so that
// "-o report.html" needs no --format. Callers check it before scanning.
func FormatFor(path string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	var known []string
	for _, e := range extensions {
		if e.ext == ext {
			return e.format, nil
		}
		known = append(known, e.ext)
	}
	return "", fmt.Errorf("cannot tell the report format from the name %q: use one of the extensions %s",
		path, strings.Join(known, " "))
}
