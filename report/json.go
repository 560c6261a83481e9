package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

type jsonReporter struct{}

// jsonDocument is the one JSON document a scan writes.
type jsonDocument struct {
	SchemaVersion int         `json:"schema_version"`
	Summary       jsonSummary `json:"summary"`
	Incidents     []Incident  `json:"incidents"`
}

// jsonSummary is the summary as scripts read it: what the scan recorded,
// plus the figures every other format states, so a script need not derive
// them.
type jsonSummary struct {
	Summary
	BySeverity       map[string]int `json:"incidents_by_severity"`
	Known            int            `json:"incidents_known"`
	RecordsPerSecond float64        `json:"records_per_second"`
	BytesPerSecond   float64        `json:"bytes_per_second"`
}

// Report writes one indented JSON document. Slices are never null, so a
// script can iterate them without a check.
func (jsonReporter) Report(w io.Writer, r *Result, _ Options) error {
	doc := jsonDocument{SchemaVersion: SchemaVersion, Summary: newJSONSummary(r), Incidents: r.Incidents}
	if doc.Incidents == nil {
		doc.Incidents = []Incident{}
	}
	return writeJSON(w, doc, "  ")
}

// writeJSON writes v and a line break. The encoder escapes <, > and & and
// every control character, and never breaks a line inside a value.
func writeJSON(w io.Writer, v any, indent string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeBidi(b.Bytes()))
	return err
}

// escapeBidi writes the bidi controls and the C1 controls (U+0080 to
// U+009F: U+009B is a terminal's CSI, U+0085 a line break) in JSON text as
// \u escapes, which the encoder leaves raw. The data stays as the log had
// it (a script reads the same string back), but a person paging the file
// sees the escape, not text reordered or a terminal driven by it.
func escapeBidi(b []byte) []byte {
	if !bytes.ContainsAny(b, invisibles) {
		return b
	}
	var out bytes.Buffer
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if isBidiControl(r) || isC1Control(r) {
			fmt.Fprintf(&out, "\\u%04x", r)
		} else {
			out.Write(b[:size])
		}
		b = b[size:]
	}
	return out.Bytes()
}

// invisibles are the characters escapeBidi escapes.
var invisibles = func() string {
	var sb strings.Builder
	sb.WriteString("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
	for r := rune(0x80); r <= 0x9f; r++ {
		sb.WriteRune(r)
	}
	return sb.String()
}()

func isC1Control(r rune) bool { return r >= 0x80 && r <= 0x9f }

func newJSONSummary(r *Result) jsonSummary {
	t := countIncidents(r.Incidents)
	s := jsonSummary{Summary: r.Summary, BySeverity: map[string]int{}, Known: t.known}
	for _, sev := range severities {
		s.BySeverity[string(sev)] = t.by[sev]
	}
	s.normalise()
	if secs := time.Duration(s.Duration).Seconds(); secs > 0 {
		s.RecordsPerSecond = round3(float64(s.Records) / secs)
		s.BytesPerSecond = round3(float64(s.Bytes) / secs)
	}
	return s
}

// round3 keeps three decimals: more is noise, and fewer digits keep golden
// files stable across platforms.
func round3(f float64) float64 {
	return float64(int64(f*1000+0.5)) / 1000
}

func (s *Summary) normalise() {
	if s.Errors == nil {
		s.Errors = []Error{}
	}
	if s.Warnings == nil {
		s.Warnings = []Error{}
	}
	if s.Skipped == nil {
		s.Skipped = []Skipped{}
	}
	if s.Files == nil {
		s.Files = []File{}
	}
	if s.Servers == nil {
		s.Servers = []Server{}
	}
}
