package report

import (
	"bufio"
	"io"
)

// timesketchReporter writes one JSONL line per evidence record, so that an
// incident's records land on a Timesketch timeline at their own times.
// Lines are flat (Timesketch keeps every other key as an attribute; nested
// objects are what its importer is reported to stumble on) and carry the
// three keys its importer requires: message, datetime, timestamp_desc.
type timesketchReporter struct{}

// timesketchDataType names our lines. Not Plaso's "windows:evtx:record":
// evidence is a few records of a log, and the analyzers that select that
// type (evtx_gap) would take the records between them for a gap.
const timesketchDataType = "extriage:evidence"

// timesketchLine is one evidence record with its incident.
type timesketchLine struct {
	Message       string `json:"message"`        // the incident's title
	Datetime      string `json:"datetime"`       // ISO 8601 with offset: 2024-02-03T09:12:04.000000+00:00
	Timestamp     int64  `json:"timestamp"`      // microseconds since the epoch
	TimestampDesc string `json:"timestamp_desc"` // "Event time": when the record was written
	DataType      string `json:"data_type"`
	// The incident, flat.
	IncidentID string `json:"incident_id"`
	ProblemID  string `json:"problem_id"`
	Pattern    string `json:"pattern"`
	Severity   string `json:"severity"`
	Key        string `json:"key"`
	Known      bool   `json:"known"`
	Host       string `json:"host,omitempty"`
	// The record.
	File         string `json:"file"`
	RecordNumber uint64 `json:"record_number,omitempty"` // Plaso's name for an evtx record's number
	Line         int64  `json:"line,omitempty"`
	Signature    string `json:"signature"`
	RecordText   string `json:"record_message"`
	// ScanPartial: the scan that found the incident could not read
	// everything; there is no summary line to say it.
	ScanPartial bool `json:"scan_partial"`
	// The versions that made the line (see Scope), flat as Timesketch
	// wants its lines.
	ToolVersion    string `json:"extriage_version,omitempty"`
	CatalogVersion string `json:"catalog_version,omitempty"` // the catalog's SHA-256
}

const timesketchTimeLayout = "2006-01-02T15:04:05.000000-07:00"

// Report writes the lines incident by incident, each incident's evidence
// in time order. An incident whose report keeps only its first and last
// evidence records (evidence_truncated) has only those on the timeline.
func (timesketchReporter) Report(w io.Writer, r *Result, _ Options) error {
	bw := bufio.NewWriter(w)
	partial := len(r.Summary.partialReasons()) > 0
	for i := range r.Incidents {
		inc := &r.Incidents[i]
		for _, e := range inc.Evidence {
			line := timesketchLine{Message: inc.Title, Datetime: e.Time.UTC().Format(timesketchTimeLayout),
				Timestamp: e.Time.UnixMicro(), TimestampDesc: "Event time", DataType: timesketchDataType,
				IncidentID: inc.ID, ProblemID: inc.ProblemID, Pattern: inc.Pattern, Severity: string(inc.Severity),
				Key: inc.Key, Known: inc.Known, Host: incidentHost(inc),
				File: e.File, RecordNumber: e.Record, Line: e.Line, Signature: e.Signature, RecordText: e.Message, ScanPartial: partial,
				ToolVersion: r.Summary.Scope.Tool.String(), CatalogVersion: r.Summary.Scope.Catalog.Hash}
			if err := writeJSON(bw, line, ""); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}
