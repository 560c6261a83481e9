package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/extriage/extriage/textio"
)

// ReadReport reads a whole report written by the json or ndjson format,
// for merging: every incident, its fields and evidence, and the summary.
// Like ReadBaseline it takes UTF-8 or UTF-16 with a byte-order mark, and
// its errors say what the file is instead.
func ReadReport(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the report: %w", err)
	}
	res, err := readReport(bytes.NewReader(textio.Decode(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// reportLine is a JSON document, or one NDJSON line: Type is set only on
// NDJSON lines, whose incident lines are flat incidents and whose summary
// line is a flat summary.
type reportLine struct {
	Type          string          `json:"type"`
	SchemaVersion *int            `json:"schema_version"`
	Summary       json.RawMessage `json:"summary"`
	Incidents     json.RawMessage `json:"incidents"`
}

func readReport(r io.Reader) (*Result, error) {
	dec := json.NewDecoder(r)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, notReport(err)
	}
	var first reportLine
	if err := json.Unmarshal(raw, &first); err != nil {
		return nil, notReport(err)
	}
	if first.Type != "" {
		return readNDJSONReport(dec, raw)
	}
	if first.SchemaVersion == nil || first.Incidents == nil || first.Summary == nil {
		return nil, fmt.Errorf("%w: it has no schema_version, summary or incidents; write one with --format json", ErrNotReport)
	}
	if err := checkSchema(*first.SchemaVersion); err != nil {
		return nil, err
	}
	res := &Result{}
	if err := json.Unmarshal(first.Summary, &res.Summary); err != nil {
		return nil, notReport(err)
	}
	if err := json.Unmarshal(first.Incidents, &res.Incidents); err != nil {
		return nil, notReport(err)
	}
	return res, nil
}

// readNDJSONReport reads incident lines up to the summary line, which
// carries the schema version and proves the file complete.
func readNDJSONReport(dec *json.Decoder, line json.RawMessage) (*Result, error) {
	res := &Result{}
	for n := 1; ; n++ {
		var head reportLine
		if err := json.Unmarshal(line, &head); err != nil {
			return nil, notReport(err)
		}
		switch head.Type {
		case "incident":
			var inc Incident
			if err := json.Unmarshal(line, &inc); err != nil {
				return nil, notReport(err)
			}
			res.Incidents = append(res.Incidents, inc)
		case "summary":
			if head.SchemaVersion == nil {
				return nil, fmt.Errorf("%w: its summary line has no schema_version", ErrNotReport)
			}
			if err := checkSchema(*head.SchemaVersion); err != nil {
				return nil, err
			}
			return res, notReport(json.Unmarshal(line, &res.Summary))
		default:
			return nil, fmt.Errorf("%w: line %d has type %q", ErrNotReport, n, head.Type)
		}
		line = nil
		if err := dec.Decode(&line); err == io.EOF {
			return nil, errors.New("the NDJSON report ends before its summary line: it is truncated; write it again")
		} else if err != nil {
			return nil, notReport(err)
		}
	}
}

// UnmarshalJSON reads the seconds MarshalJSON writes.
func (d *Duration) UnmarshalJSON(b []byte) error {
	secs, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration_seconds %s: %w", b, err)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}
