package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A report states its scope: the command line, the filters in force and
// what each hid, the time zone. The counts are checked against a scan
// without the filters.
func TestScope(t *testing.T) {
	all, _ := scanAll(t, []string{fixtures})
	var low, belowHigh int
	for _, inc := range all.Incidents {
		switch inc["severity"] {
		case "info", "low":
			low++
			belowHigh++
		case "medium":
			belowHigh++
		}
	}
	if low == 0 || belowHigh == low {
		t.Fatalf("the fixtures lack incidents of the severities this test needs")
	}
	base := filepath.Join(t.TempDir(), "base.json")
	var out, errOut bytes.Buffer
	run([]string{"scan", "-q", "-o", base, filepath.Join(fixtures, "evtx", "field-case")}, &out, &errOut)
	args := []string{"scan", "-f", "json", "--min-severity", "medium", "--fail-on", "high", "--baseline", base,
		"--since", "2024-02-13", "--timezone", "-05:00", fixtures}
	out.Reset()
	run(args, &out, &errOut)
	var doc struct {
		Summary struct {
			Scope struct {
				CommandLine []string `json:"command_line"`
				Filters     struct {
					Since, MinSeverity, FailOn, Baseline string
					RecordsOutsideWindow                 int64 `json:"records_outside_window"`
					BelowMin                             int   `json:"incidents_below_min_severity"`
					BelowFailOn                          int   `json:"incidents_below_fail_on"`
				} `json:"filters"`
				TimeZone string `json:"time_zone"`
				Assumed  bool   `json:"time_zone_assumed"`
			} `json:"scope"`
		} `json:"summary"`
		Incidents []struct {
			Severity string `json:"severity"`
			Known    bool   `json:"known"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	sc := doc.Summary.Scope
	if strings.Join(sc.CommandLine, " ") != "extriage "+strings.Join(args, " ") {
		t.Errorf("command line %q", sc.CommandLine)
	}
	if sc.TimeZone != "-05:00" || sc.Assumed {
		t.Errorf("time zone %q, assumed %v", sc.TimeZone, sc.Assumed)
	}
	f := sc.Filters
	if f.Since != "2024-02-13T00:00:00Z" || f.Baseline != base || f.RecordsOutsideWindow == 0 {
		t.Errorf("filters %+v", f)
	}
	// The window hides incidents too; count what the others hid among
	// what the window left.
	var belowFailOn int
	for _, inc := range doc.Incidents {
		if !inc.Known && inc.Severity == "medium" {
			belowFailOn++
		}
	}
	if f.BelowFailOn != belowFailOn {
		t.Errorf("incidents below --fail-on %d, want %d", f.BelowFailOn, belowFailOn)
	}
	out.Reset()
	run([]string{"scan", "-f", "json", "--min-severity", "medium", fixtures}, &out, &errOut)
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Scope.Filters.BelowMin != low || len(doc.Incidents) != len(all.Incidents)-low {
		t.Errorf("--min-severity medium: %d hidden, %d shown; want %d and %d", doc.Summary.Scope.Filters.BelowMin, len(doc.Incidents), low, len(all.Incidents)-low)
	}
}

// --since/--until: the incidents a scan without the window finds, less
// those the windowed scan shows, are said to be hidden.
func TestScopeWindowHides(t *testing.T) {
	all, _ := scanAll(t, []string{fixtures})
	var out, errOut bytes.Buffer
	run([]string{"scan", "-f", "json", "--since", "2024-02-13", fixtures}, &out, &errOut)
	var doc struct {
		Summary struct {
			Scope struct {
				Filters struct {
					Hidden int `json:"incidents_outside_window"`
				} `json:"filters"`
			} `json:"scope"`
		} `json:"summary"`
		Incidents []json.RawMessage `json:"incidents"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	hidden := doc.Summary.Scope.Filters.Hidden
	if hidden == 0 || hidden != len(all.Incidents)-len(doc.Incidents) {
		t.Errorf("%d incidents hidden by the window; want %d (%d without it, %d with)", hidden,
			len(all.Incidents)-len(doc.Incidents), len(all.Incidents), len(doc.Incidents))
	}
}

// A table with every incident hidden by --min-severity says so, instead
// of "No incident found".
func TestHiddenIncidentsSaid(t *testing.T) {
	var out, errOut bytes.Buffer
	run([]string{"scan", "--min-severity", "critical", filepath.Join(fixtures, "evtx", "field-case")}, &out, &errOut)
	for _, want := range []string{"No incident shown: 1 incident below critical not shown (--min-severity).",
		"--min-severity critical: 1 incident below critical not shown"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table does not say %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "No incident found") {
		t.Error(`the table says "No incident found" though one was hidden`)
	}
	out.Reset()
	run([]string{"scan", "--since", "2024-02-15", filepath.Join(fixtures, "evtx", "field-case")}, &out, &errOut)
	if want := "No incident shown: 1 incident outside the window not shown (--since/--until)."; !strings.Contains(out.String(), want) {
		t.Errorf("the table does not say %q:\n%s", want, out.String())
	}
}
