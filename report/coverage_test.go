package report

import (
	"bytes"
	"strings"
	"testing"
)

// "No incident" is never falsely reassuring: a scan of logs the catalog
// does not read says so, in every format; a summary without coverage (an
// older report) says nothing about it.
func TestCoverageWarning(t *testing.T) {
	const warn = "None of the 293 inputs read holds a record the catalog could match: it reads Microsoft-Exchange-HighAvailability/Operational"
	for _, tt := range []struct {
		name     string
		coverage *Coverage
		want     bool
	}{
		{"nothing the catalog reads", &Coverage{Sources: []string{"Microsoft-Exchange-HighAvailability/Operational (provider Microsoft-Exchange-HighAvailability)"}}, true},
		{"some records it reads", &Coverage{Records: 1}, false},
		{"not measured", nil, false},
	} {
		for _, format := range []string{"table", "markdown", "html", "csv"} {
			r := &Result{Summary: Summary{Inputs: 293, Records: 40000, Coverage: tt.coverage}}
			var b bytes.Buffer
			// CSV holds the summary with --csv-summary only.
			if err := Write(&b, format, r, Options{CSVSummary: format == "csv"}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(strings.Join(strings.Fields(b.String()), " "), warn); got != tt.want {
				t.Errorf("%s, %s: warning shown %v, want %v\n%s", tt.name, format, got, tt.want, b.String())
			}
		}
	}
}

// An incident of an unconfirmed basis says so in every format for people.
func TestCaveatShown(t *testing.T) {
	const caveat = "The signature x.sig is marked unconfirmed in the catalog"
	inc := Incident{}
	inc.Pattern, inc.Title, inc.Severity, inc.Caveats = "x.rule", "t", "low", []string{caveat + ": <b>."}
	for _, format := range []string{"table", "markdown", "html", "json"} {
		var b bytes.Buffer
		if err := Write(&b, format, &Result{Incidents: []Incident{inc}}, Options{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), caveat) || (format == "html" || format == "json") && strings.Contains(b.String(), "<b>") {
			t.Errorf("%s: caveat missing or not escaped:\n%s", format, b.String())
		}
	}
}
