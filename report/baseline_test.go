package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/extriage/extriage/patterns"
)

func TestReadBaseline(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r := sample()
	var js, nd bytes.Buffer
	Write(&js, "json", r, Options{})
	Write(&nd, "ndjson", r, Options{})
	want := len(r.Incidents)
	tests := []struct {
		name, path string
		ids        int    // ids expected when there is no error
		says       string // in the error
		notReport  bool   // the error wraps ErrNotReport
	}{
		{"json report", write("good.json", js.String()), want, "", false},
		{"ndjson report", write("good.ndjson", nd.String()), want, "", false},
		{"UTF-8 with a mark", write("bom.json", "\ufeff"+js.String()), want, "", false},
		{"UTF-16 from PowerShell", write("ps.json", utf16le(js.String())), want, "", false},
		{"no incidents", write("empty.json", `{"schema_version":1,"summary":{},"incidents":[]}`), 0, "", false},
		{"missing", filepath.Join(dir, "nope.json"), 0, "does not exist", false},
		{"empty file", write("empty", ""), 0, "empty", true},
		{"not JSON", write("notes.txt", "hello, world"), 0, "not JSON", true},
		{"truncated", write("cut.json", js.String()[:200]), 0, "cut short", true},
		{"other JSON", write("other.json", `{"name":"something else","items":[1,2]}`), 0, "no schema_version", true},
		{"JSON array", write("array.json", `[1,2,3]`), 0, "not a report object", true},
		{"folder", dir, 0, "is a folder", false},
		{"newer schema", write("new.json", `{"schema_version":2,"summary":{},"incidents":[]}`), 0, "schema_version 2, newer", false},
		{"no ids", write("old.json", `{"schema_version":1,"incidents":[{"pattern":"x"}]}`), 0, "no id", false},
		{"before problem_id", write("v1.json", `{"schema_version":1,"incidents":[{"id":"`+r.Incidents[1].ProblemID+`"}]}`), 1, "", false},
		{"ndjson cut", write("cut.ndjson", strings.SplitAfter(nd.String(), "\n")[0]), 0, "truncated", false},
		{"ndjson newer", write("new.ndjson", `{"type":"summary","schema_version":7}`+"\n"), 0, "newer", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, err := ReadBaseline(tt.path)
			if tt.says == "" {
				if err != nil || len(ids) != tt.ids {
					t.Fatalf("got %d ids, %v; want %d ids", len(ids), err, tt.ids)
				}
				for _, inc := range r.Incidents {
					if tt.ids == want && !ids[inc.ProblemID] {
						t.Errorf("problem id %s missing", inc.ProblemID)
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("error %v; want one that names the file and says %q", err, tt.says)
			}
			if errors.Is(err, ErrNotReport) != tt.notReport {
				t.Errorf("errors.Is(err, ErrNotReport) = %v", !tt.notReport)
			}
		})
	}
}

// TestWrap marks exactly the incidents whose problem id is known, and
// every episode of a known problem.
func TestWrap(t *testing.T) {
	var incs []patterns.Incident
	for _, inc := range sample().Incidents {
		incs = append(incs, inc.Incident)
	}
	later := incs[2]
	later.FirstSeen = later.FirstSeen.AddDate(0, 0, 30)
	later.ID = patterns.EpisodeID(later.Pattern, later.Key, later.FirstSeen)
	for i, inc := range Wrap(append(incs, later), map[string]bool{incs[2].ProblemID: true}) {
		if i == len(incs) {
			if !inc.Known {
				t.Error("a later episode of a known problem is not known")
			}
			continue
		}
		if inc.Known != (i == 2) || inc.ID != incs[i].ID {
			t.Errorf("incident %d: id %s known %v", i, inc.ID, inc.Known)
		}
	}
	for _, inc := range Wrap(incs, nil) {
		if inc.Known {
			t.Error("a nil baseline made an incident known")
		}
	}
}

// utf16le is s as Windows PowerShell 5 redirects it: UTF-16LE with a mark.
func utf16le(s string) string {
	b := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}
