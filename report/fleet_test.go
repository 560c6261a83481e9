package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// jsonLines parses each line of out as one JSON object.
func jsonLines(t *testing.T, format, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%s line %d does not parse: %v", format, i+1, err)
		}
		lines = append(lines, v)
	}
	return lines
}

// path reads a nested value: path(v, "event", "kind").
func path(v map[string]any, keys ...string) any {
	var cur any = v
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// TestECSLines: one alert line per incident, with the ECS names and
// types of docs/fleet.md.
func TestECSLines(t *testing.T) {
	r := sample()
	lines := jsonLines(t, "ecs", render(t, "ecs", r, Options{}))
	if len(lines) != len(r.Incidents) {
		t.Fatalf("%d lines for %d incidents", len(lines), len(r.Incidents))
	}
	for i, l := range lines {
		inc := r.Incidents[i]
		first := inc.FirstSeen.UTC().Format("2006-01-02T15:04:05.0000000Z")
		for _, c := range []struct {
			keys []string
			want any
		}{
			{[]string{"@timestamp"}, first}, {[]string{"event", "kind"}, "alert"}, {[]string{"event", "start"}, first},
			{[]string{"event", "end"}, inc.LastSeen.UTC().Format("2006-01-02T15:04:05.0000000Z")},
			{[]string{"event", "severity"}, float64(inc.Severity.Rank() + 1)},
			{[]string{"rule", "id"}, inc.Pattern}, {[]string{"rule", "name"}, inc.Title}, {[]string{"message"}, inc.Title},
			{[]string{"extriage", "id"}, inc.ID}, {[]string{"extriage", "problem_id"}, inc.ProblemID},
			{[]string{"extriage", "scan", "partial"}, true},
			{[]string{"extriage", "evidence_truncated"}, inc.EvidenceTruncated},
		} {
			if got := path(l, c.keys...); got != c.want {
				t.Errorf("incident %d: %s = %v, want %v", i+1, strings.Join(c.keys, "."), got, c.want)
			}
		}
		server, _ := inc.Fields["server"].(string)
		if got := path(l, "host", "name"); server != "" && got != server || server == "" && l["host"] != nil {
			t.Errorf("incident %d: host.name %v, want %q", i+1, got, server)
		}
		ev, _ := path(l, "extriage", "evidence").([]any)
		if len(ev) != len(inc.Evidence) {
			t.Fatalf("incident %d: %d evidence references, want %d", i+1, len(ev), len(inc.Evidence))
		}
		for j, e := range inc.Evidence {
			ref := ev[j].(map[string]any)
			if ref["file"] != e.File || e.Record != 0 && ref["record_id"] != float64(e.Record) || e.Line != 0 && ref["line"] != float64(e.Line) {
				t.Errorf("incident %d evidence %d: %v, want %s record %d line %d", i+1, j+1, ref, e.File, e.Record, e.Line)
			}
		}
	}
}

// TestTimesketchLines: one flat line per evidence record, with the keys
// Timesketch's importer requires and a datetime that matches timestamp.
func TestTimesketchLines(t *testing.T) {
	r := sample()
	var want int
	for _, inc := range r.Incidents {
		want += len(inc.Evidence)
	}
	lines := jsonLines(t, "timesketch", render(t, "timesketch", r, Options{}))
	if len(lines) != want {
		t.Fatalf("%d lines for %d evidence records", len(lines), want)
	}
	for i, l := range lines {
		for k, v := range l {
			switch v.(type) {
			case map[string]any, []any:
				t.Errorf("line %d: %s is not flat: %v", i+1, k, v)
			}
		}
		for _, k := range []string{"message", "datetime", "timestamp_desc", "data_type"} {
			if s, _ := l[k].(string); s == "" {
				t.Errorf("line %d: no %s", i+1, k)
			}
		}
		at, err := time.Parse(time.RFC3339, l["datetime"].(string))
		if err != nil || float64(at.UnixMicro()) != l["timestamp"] || !strings.HasSuffix(l["datetime"].(string), "+00:00") {
			t.Errorf("line %d: datetime %v (%v) and timestamp %v disagree", i+1, l["datetime"], err, l["timestamp"])
		}
		if l["scan_partial"] != true {
			t.Errorf("line %d: scan_partial %v", i+1, l["scan_partial"])
		}
	}
}
