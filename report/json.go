package report

import (
	"encoding/json"
	"io"

	"github.com/extriage/extriage/patterns"
)

type jsonReporter struct{}

// jsonDocument is the one JSON document a scan writes.
type jsonDocument struct {
	SchemaVersion int                 `json:"schema_version"`
	Summary       Summary             `json:"summary"`
	Incidents     []patterns.Incident `json:"incidents"`
}

// Report writes one indented JSON document. Slices are never null, so a
// script can iterate them without a check.
func (jsonReporter) Report(w io.Writer, r *Result, _ Options) error {
	doc := jsonDocument{SchemaVersion: SchemaVersion, Summary: r.Summary, Incidents: r.Incidents}
	if doc.Incidents == nil {
		doc.Incidents = []patterns.Incident{}
	}
	doc.Summary.normalise()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func (s *Summary) normalise() {
	if s.Errors == nil {
		s.Errors = []Error{}
	}
	if s.Skipped == nil {
		s.Skipped = []Skipped{}
	}
	if s.Files == nil {
		s.Files = []File{}
	}
}
