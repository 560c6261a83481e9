package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/extriage/extriage/textio"
)

// ErrNotReport is wrapped by ReadBaseline's error for a file that is not a
// JSON or NDJSON report written by extriage.
var ErrNotReport = errors.New("not an extriage JSON report")

// ReadBaseline reads a previous report, as written by the json or ndjson
// format, and returns the problem ids of its incidents: problem_id, or for
// a report written before problem_id existed its id, which was then the
// same hash of pattern and key. Its errors say what to do:
// the file may be missing, not a report, or from a newer extriage. It
// reads UTF-8, or UTF-16 with a byte-order mark.
func ReadBaseline(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("baseline %s does not exist: pass a report written earlier with --format json", path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the baseline: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("baseline %s is a folder: pass a report file written earlier with --format json", path)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("cannot read the baseline: %w", err)
	}
	// Windows PowerShell 5 writes "extriage scan -f json > base.json" as
	// UTF-16 with a mark, and some editors add a mark to UTF-8.
	ids, err := readBaseline(bytes.NewReader(textio.Decode(b)))
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return ids, nil
}

// baselineLine is the part of a JSON document, or of one NDJSON line, that
// a baseline needs. Type is set only on NDJSON lines.
type baselineLine struct {
	Type          string `json:"type"`
	SchemaVersion *int   `json:"schema_version"`
	baselineIncident
	Incidents *[]baselineIncident `json:"incidents"`
}

// baselineIncident is what a baseline reads of an incident.
type baselineIncident struct {
	ID        string `json:"id"`
	ProblemID string `json:"problem_id"`
}

// problem is the incident's problem id, "" if it has none.
func (b baselineIncident) problem() string {
	if b.ProblemID != "" {
		return b.ProblemID
	}
	return b.ID
}

func readBaseline(r io.Reader) (map[string]bool, error) {
	dec := json.NewDecoder(r)
	var first baselineLine
	if err := dec.Decode(&first); err != nil {
		return nil, notReport(err)
	}
	if first.Type != "" {
		return readNDJSONBaseline(dec, first)
	}
	if first.SchemaVersion == nil || first.Incidents == nil {
		return nil, fmt.Errorf("%w: it has no schema_version or no incidents; write one with --format json", ErrNotReport)
	}
	if err := checkSchema(*first.SchemaVersion); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for i, inc := range *first.Incidents {
		if inc.problem() == "" {
			return nil, missingID(i + 1)
		}
		ids[inc.problem()] = true
	}
	return ids, nil
}

// readNDJSONBaseline reads the lines after first: incidents, then the
// summary, which carries the schema version and proves the file complete.
func readNDJSONBaseline(dec *json.Decoder, line baselineLine) (map[string]bool, error) {
	ids := map[string]bool{}
	for n := 1; ; n++ {
		switch line.Type {
		case "incident":
			if line.problem() == "" {
				return nil, missingID(n)
			}
			ids[line.problem()] = true
		case "summary":
			if line.SchemaVersion == nil {
				return nil, fmt.Errorf("%w: its summary line has no schema_version", ErrNotReport)
			}
			return ids, checkSchema(*line.SchemaVersion)
		default:
			return nil, fmt.Errorf("%w: line %d has type %q", ErrNotReport, n, line.Type)
		}
		line = baselineLine{}
		if err := dec.Decode(&line); err == io.EOF {
			return nil, errors.New("the NDJSON report ends before its summary line: it is truncated; write the baseline again")
		} else if err != nil {
			return nil, notReport(err)
		}
	}
}

func checkSchema(v int) error {
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("it has schema_version %d, newer than this extriage reads (%d): use the extriage that wrote it, or write the baseline again with this one", v, SchemaVersion)
	case v < 1:
		return fmt.Errorf("%w: schema_version %d", ErrNotReport, v)
	}
	return nil
}

func missingID(n int) error {
	return fmt.Errorf("incident %d has no id: the report was written by an extriage too old for baselines; write the baseline again", n)
}

// notReport turns a decoding error into one that says what the file is
// not; a read error is passed on as it is.
func notReport(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%w: the file is empty", ErrNotReport)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: its JSON ends early, so the file is cut short; write the baseline again", ErrNotReport)
	case errors.As(err, &syn):
		return fmt.Errorf("%w: it is not JSON (%v at byte %d); write one with --format json", ErrNotReport, syn, syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("%w: it is JSON, but not a report object; write one with --format json", ErrNotReport)
	}
	return err
}
