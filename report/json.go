package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

type jsonReporter struct{}

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

// Report writes one indented JSON document: schema_version, summary and
// incidents, in that order. It is written piece by piece, one incident at
// a time, so the text of the document is never held whole in memory; the
// bytes are those encoding/json writes for the whole document at once.
// Slices are never null, so a script can iterate them without a check.
func (jsonReporter) Report(w io.Writer, r *Result, _ Options) error {
	bw := bufio.NewWriter(w)
	s := &jsonStream{w: bw}
	s.raw("{\n  \"schema_version\": ")
	s.value(SchemaVersion, "  ")
	s.raw(",\n  \"summary\": ")
	s.value(newJSONSummary(r), "  ")
	s.raw(",\n  \"incidents\": [")
	for i := range r.Incidents {
		if i > 0 {
			s.raw(",")
		}
		s.raw("\n    ")
		s.value(&r.Incidents[i], "    ")
	}
	if len(r.Incidents) > 0 {
		s.raw("\n  ")
	}
	s.raw("]\n}\n")
	if s.err != nil {
		return s.err
	}
	return bw.Flush()
}

// jsonStream writes the pieces of a document, keeping the first error.
type jsonStream struct {
	w   io.Writer
	err error
}

func (s *jsonStream) raw(text string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, text)
	}
}

// value writes v indented as it sits at prefix in the document.
func (s *jsonStream) value(v any, prefix string) {
	if s.err != nil {
		return
	}
	var b []byte
	if b, s.err = json.MarshalIndent(v, prefix, "  "); s.err == nil {
		_, s.err = s.w.Write(escapeBidi(b))
	}
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
// U+009F, which encoding/json passes through and some terminals obey) in
// JSON text as \u escapes. The data stays as the log had it (a script
// reads the same string back), but a person paging the file sees the
// escape, not text reordered or a terminal driven by it.
func escapeBidi(b []byte) []byte {
	if !bytes.ContainsFunc(b, isHiddenControl) {
		return b
	}
	var out bytes.Buffer
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if isHiddenControl(r) && size > 1 {
			fmt.Fprintf(&out, "\\u%04x", r)
		} else {
			out.Write(b[:size])
		}
		b = b[size:]
	}
	return out.Bytes()
}

func isHiddenControl(r rune) bool {
	return isBidiControl(r) || r >= 0x80 && r <= 0x9f
}

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
