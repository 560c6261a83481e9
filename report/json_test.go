package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// wholeDocument is the JSON report as encoding/json writes it in one
// piece: the shape the streaming writer must reproduce byte for byte.
func wholeDocument(t *testing.T, r *Result) string {
	t.Helper()
	doc := struct {
		SchemaVersion int         `json:"schema_version"`
		Summary       jsonSummary `json:"summary"`
		Incidents     []Incident  `json:"incidents"`
	}{SchemaVersion, newJSONSummary(r), r.Incidents}
	if doc.Incidents == nil {
		doc.Incidents = []Incident{}
	}
	var b bytes.Buffer
	if err := writeJSON(&b, doc, "  "); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestJSONStreamSameBytes: written one incident at a time, the document is
// the one encoding/json writes whole, with no, one and many incidents.
func TestJSONStreamSameBytes(t *testing.T) {
	one := sample()
	one.Incidents = one.Incidents[:1]
	for name, r := range map[string]*Result{"empty": {}, "one": one, "sample": sample()} {
		if got, want := render(t, "json", r, Options{}), wholeDocument(t, r); got != want {
			t.Errorf("%s: the streamed document differs from the whole one:\n%s\nwant\n%s", name, got, want)
		}
	}
}

// writeSizes records the size of each write it is given.
type writeSizes struct {
	total, largest int
}

func (w *writeSizes) Write(p []byte) (int, error) {
	w.total += len(p)
	w.largest = max(w.largest, len(p))
	return len(p), nil
}

// TestJSONStreams: with many incidents, the json and ndjson reporters hand
// the writer the report in pieces, never the whole text at once.
func TestJSONStreams(t *testing.T) {
	r := sample()
	base := r.Incidents[0]
	r.Incidents = nil
	for i := range 2000 {
		inc := base
		inc.ID = fmt.Sprintf("%016x", i)
		r.Incidents = append(r.Incidents, inc)
	}
	for _, format := range []string{"json", "ndjson"} {
		var w writeSizes
		if err := Write(&w, format, r, Options{}); err != nil {
			t.Fatal(err)
		}
		if w.largest*10 > w.total {
			t.Errorf("%s: largest write %d bytes of %d: the report was built in memory, not streamed", format, w.largest, w.total)
		}
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(render(t, "json", r, Options{})), &v); err != nil {
		t.Errorf("the streamed document does not parse: %v", err)
	}
}

// TestJSONEscapesC1: a C1 control from a log (U+009B is a one-byte CSI
// to some terminals) is written as an escape in every JSON format, and
// reads back as itself.
func TestJSONEscapesC1(t *testing.T) {
	r := sample()
	r.Incidents[0].Title = "copy\u009b31m DB1"
	for _, format := range []string{"json", "ndjson", "ecs"} {
		out := render(t, format, r, Options{})
		if strings.Contains(out, "\u009b") || !strings.Contains(out, `copy\u009b31m DB1`) {
			t.Errorf("%s: the C1 control is not escaped", format)
		}
	}
	var v struct{ Message string }
	line, _, _ := strings.Cut(render(t, "ecs", r, Options{}), "\n")
	if err := json.Unmarshal([]byte(line), &v); err != nil || v.Message != "copy\u009b31m DB1" {
		t.Errorf("read back %q, %v", v.Message, err)
	}
}
