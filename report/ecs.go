package report

import (
	"bufio"
	"io"
	"time"

	"github.com/extriage/extriage/patterns"
)

// ecsReporter writes the incidents as alerts in the Elastic Common Schema:
// NDJSON, one line per incident, with the ECS and Winlogbeat field names
// that Elastic and OpenSearch rules and dashboards expect (see
// docs/fleet.md). Everything that is ours sits under one extriage object,
// so it never collides with an ECS name.
type ecsReporter struct{}

// ecsTimeLayout is @timestamp with a fixed fraction of seven digits: the
// 100 ns ticks Windows records times in, so an evtx time is exact.
const ecsTimeLayout = "2006-01-02T15:04:05.0000000Z"

// ecsAlert is one line. Optional fields are omitted, never empty.
type ecsAlert struct {
	Timestamp string      `json:"@timestamp"`
	Event     ecsEvent    `json:"event"`
	Rule      ecsRule     `json:"rule"`
	Host      *ecsHost    `json:"host,omitempty"`
	Message   string      `json:"message"`
	Extriage  ecsExtriage `json:"extriage"`
}

type ecsEvent struct {
	Kind string `json:"kind"` // "alert": found by a rule run outside the Elastic Stack
	// Start and End are the incident's first and last record.
	Start string `json:"start"`
	End   string `json:"end"`
	// Severity is a number in ECS (type long): ours from info 1 to
	// critical 5, so a query can say event.severity >= 4.
	Severity int `json:"severity"`
}

type ecsRule struct {
	ID   string `json:"id"`   // the pattern
	Name string `json:"name"` // the incident's title
}

type ecsHost struct {
	Name string `json:"name"`
}

// ecsExtriage is what only extriage knows: the incident as the JSON
// report has it, with evidence cited by reference (file and record or
// line), not copied.
type ecsExtriage struct {
	ID                string          `json:"id"`
	ProblemID         string          `json:"problem_id"`
	Severity          string          `json:"severity"`
	Key               string          `json:"key"`
	Known             bool            `json:"known"`
	Count             int             `json:"count"`
	CountUnit         string          `json:"count_unit"`
	Fields            map[string]any  `json:"fields"`
	Explanation       string          `json:"explanation"`
	Remedy            []patterns.Step `json:"remedy"`
	EvidenceTotal     int             `json:"evidence_total"`
	EvidenceTruncated bool            `json:"evidence_truncated"`
	Evidence          []ecsEvidence   `json:"evidence"`
	Scan              ecsScan         `json:"scan"`
}

// ecsEvidence cites one record: record_id as Winlogbeat names an evtx
// record's EventRecordID, line for a trace row.
type ecsEvidence struct {
	File      string `json:"file"`
	RecordID  uint64 `json:"record_id,omitempty"`
	Line      int64  `json:"line,omitempty"`
	Time      string `json:"time"`
	Signature string `json:"signature"`
}

// ecsScan says on every line whether the scan that found it was partial,
// as there is no summary line to say it.
type ecsScan struct {
	Started string `json:"started,omitempty"`
	Partial bool   `json:"partial"`
	// The report's scope (see Scope), so each line says what made it.
	ToolVersion    string   `json:"tool_version,omitempty"`
	CatalogVersion string   `json:"catalog_version,omitempty"` // the catalog's SHA-256
	CommandLine    []string `json:"command_line,omitempty"`
	Filters        *Filters `json:"filters,omitempty"`
	TimeZone       string   `json:"time_zone,omitempty"`
}

// Report writes one alert line per incident, as it goes; no incident, no
// line.
func (ecsReporter) Report(w io.Writer, r *Result, _ Options) error {
	bw := bufio.NewWriter(w)
	sc := &r.Summary.Scope
	scan := ecsScan{Started: ecsTime(r.Summary.Started), Partial: len(r.Summary.partialReasons()) > 0,
		ToolVersion: sc.Tool.String(), CatalogVersion: sc.Catalog.Hash, CommandLine: sc.CommandLine, TimeZone: sc.TimeZone}
	if sc.Filters != (Filters{}) {
		scan.Filters = &sc.Filters
	}
	for i := range r.Incidents {
		if err := writeJSON(bw, newECSAlert(&r.Incidents[i], scan), ""); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func newECSAlert(inc *Incident, scan ecsScan) ecsAlert {
	a := ecsAlert{
		Timestamp: ecsTime(inc.FirstSeen),
		Event: ecsEvent{Kind: "alert", Start: ecsTime(inc.FirstSeen), End: ecsTime(inc.LastSeen),
			Severity: max(0, inc.Severity.Rank()+1)},
		Rule:    ecsRule{ID: inc.Pattern, Name: inc.Title},
		Message: inc.Title,
		Extriage: ecsExtriage{ID: inc.ID, ProblemID: inc.ProblemID, Severity: string(inc.Severity), Key: inc.Key,
			Known: inc.Known, Count: inc.Count, CountUnit: inc.CountUnit, Fields: inc.Fields, Explanation: inc.Explanation,
			Remedy: inc.Remedy, EvidenceTotal: max(inc.EvidenceTotal, len(inc.Evidence)),
			EvidenceTruncated: inc.EvidenceTruncated, Evidence: []ecsEvidence{}, Scan: scan},
	}
	if host := incidentHost(inc); host != "" {
		a.Host = &ecsHost{Name: host}
	}
	if a.Extriage.Fields == nil {
		a.Extriage.Fields = map[string]any{}
	}
	if a.Extriage.Remedy == nil {
		a.Extriage.Remedy = []patterns.Step{}
	}
	for _, e := range inc.Evidence {
		a.Extriage.Evidence = append(a.Extriage.Evidence, ecsEvidence{File: e.File, RecordID: e.Record, Line: e.Line,
			Time: ecsTime(e.Time), Signature: e.Signature})
	}
	return a
}

// incidentHost is the one server an incident is on: its server field, or
// its servers field when that names exactly one; "" otherwise, since
// host.name holds one host.
func incidentHost(inc *Incident) string {
	if s, ok := inc.Fields["server"].(string); ok {
		return s
	}
	if list, ok := inc.Fields["servers"].([]string); ok && len(list) == 1 {
		return list[0]
	}
	return ""
}

func ecsTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(ecsTimeLayout)
}
