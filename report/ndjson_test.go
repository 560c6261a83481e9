package report

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestNDJSON: every line is one JSON object; incidents first, in order,
// flat with their known flag; the summary last, with the schema version.
func TestNDJSON(t *testing.T) {
	r := sample()
	out := render(t, "ndjson", r, Options{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(r.Incidents)+1 {
		t.Fatalf("%d lines, want %d incidents and a summary", len(lines), len(r.Incidents))
	}
	for i, line := range lines {
		var v struct {
			Type          string `json:"type"`
			ID            string `json:"id"`
			Known         *bool  `json:"known"`
			SchemaVersion int    `json:"schema_version"`
			Partial       bool   `json:"partial"`
			BySeverity    map[string]int
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line %d does not parse: %v: %s", i+1, err, line)
		}
		if i < len(r.Incidents) {
			inc := r.Incidents[i]
			if v.Type != "incident" || v.ID != inc.ID || v.Known == nil || *v.Known != inc.Known {
				t.Errorf("line %d: type %q id %q known %v, want incident %s known %v", i+1, v.Type, v.ID, v.Known, inc.ID, inc.Known)
			}
			continue
		}
		if v.Type != "summary" || v.SchemaVersion != SchemaVersion || !v.Partial {
			t.Errorf("last line: type %q, schema_version %d, partial %v", v.Type, v.SchemaVersion, v.Partial)
		}
	}
}

// TestNDJSONEmpty: a scan without incidents is one summary line.
func TestNDJSONEmpty(t *testing.T) {
	out := render(t, "ndjson", &Result{}, Options{})
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, `{"type":"summary","schema_version":1,`) {
		t.Errorf("got %q", out)
	}
}

// TestJSONFlat: the JSON document's incidents carry known beside id and the
// other fields, not nested.
func TestJSONFlat(t *testing.T) {
	out := render(t, "json", sample(), Options{})
	var doc struct {
		Incidents []map[string]any `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	first := doc.Incidents[0]
	if first["known"] != true || first["id"] == nil || first["pattern"] == nil || first["Incident"] != nil {
		t.Errorf("first incident is not flat with known: %v", first)
	}
	if strings.Contains(out, "\u202e") {
		t.Error("a raw bidi override is in the JSON; it should be written as an escape")
	}
}
