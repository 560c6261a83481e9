package report

import (
	"fmt"
	"io"

	"github.com/extriage/extriage/patterns"
)

// SchemaVersion is the version of the JSON document's shape. It changes
// only when a field is removed or changes meaning.
const SchemaVersion = 1

// Result is what a scan produced: the incidents and the summary.
type Result struct {
	Summary   Summary             `json:"summary"`
	Incidents []patterns.Incident `json:"incidents"`
}

// Options tune rendering.
type Options struct {
	Evidence int  // evidence records shown per incident in human formats
	Terminal bool // output is a terminal: colour and width
	Width    int  // terminal width, 0 if unknown
}

// Reporter renders a result in one format.
type Reporter interface {
	Report(w io.Writer, r *Result, o Options) error
}

// Reporters maps format names to their reporters.
var Reporters = map[string]Reporter{
	"table": tableReporter{},
	"json":  jsonReporter{},
}

// Write renders r in the named format.
func Write(w io.Writer, format string, r *Result, o Options) error {
	rep, ok := Reporters[format]
	if !ok {
		return fmt.Errorf("unknown format %q", format)
	}
	return rep.Report(w, r, o)
}
