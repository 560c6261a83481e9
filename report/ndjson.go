package report

import (
	"bufio"
	"io"
)

type ndjsonReporter struct{}

// ndjsonIncident is one incident line; the type field lets a reader of the
// stream tell it from the summary line.
type ndjsonIncident struct {
	Type string `json:"type"`
	Incident
}

// ndjsonSummary is the last line. It carries the schema version: a stream
// that ends without it was cut short.
type ndjsonSummary struct {
	Type          string `json:"type"`
	SchemaVersion int    `json:"schema_version"`
	jsonSummary
}

// Report writes one incident per line, then the summary line, so a script
// can act on each incident as it reads it. No log string can split a line:
// the encoder escapes line breaks inside values.
// Each line goes to the writer as it is encoded, through a buffer that
// is flushed at the end: memory holds one line, not the report.
func (ndjsonReporter) Report(w io.Writer, r *Result, _ Options) error {
	bw := bufio.NewWriter(w)
	for _, inc := range r.Incidents {
		if err := writeJSON(bw, ndjsonIncident{Type: "incident", Incident: inc}, ""); err != nil {
			return err
		}
	}
	if err := writeJSON(bw, ndjsonSummary{Type: "summary", SchemaVersion: SchemaVersion, jsonSummary: newJSONSummary(r)}, ""); err != nil {
		return err
	}
	return bw.Flush()
}
