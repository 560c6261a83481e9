package report

import (
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"", ""},
		{`=HYPERLINK("http://evil.example","x")`, `'=HYPERLINK("http://evil.example","x")`},
		{"+1", "'+1"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"\t=1+1", "' =1+1"}, // Clean turns the tab into a space; still defused
		{"\r=1+1", "'=1+1"},
		{"\uff1d1+1", "'\uff1d1+1"},
		{"a=b", "a=b"},
		{"1-2", "1-2"},
		{"\x1b[31m=1", "'=1"}, // an escape sequence cannot hide the formula
		{"\u202e=1", "'=1"},
		{"line\nbreak", "line\nbreak"},
	}
	for _, tt := range tests {
		if got := cell(tt.in); got != tt.want {
			t.Errorf("cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := fieldCell(-2); got != "-2" {
		t.Errorf("fieldCell(-2) = %q: a number we format is not a formula", got)
	}
	if got := fieldCell("-2"); got != "'-2" {
		t.Errorf(`fieldCell("-2") = %q: text from a log is defused`, got)
	}
}

// numericColumns hold only numbers this package formats.
var numericColumns = []string{"count", "evidence_record", "evidence_line"}

var number = regexp.MustCompile(`^-?[0-9]+$`)

// TestCSVSafe parses both CSV renderings of the sample back and checks
// every cell: none starts a formula, numbers are numbers, and every row has
// the header's shape.
func TestCSVSafe(t *testing.T) {
	for _, o := range []Options{{}, {AllEvidence: true}} {
		out := render(t, "csv", sample(), o)
		if !strings.HasPrefix(out, "\ufeff") {
			t.Fatal("no UTF-8 byte-order mark")
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v", err)
		}
		header := rows[0]
		kinds := map[string]int{}
		for i, row := range rows[1:] {
			kinds[row[0]]++
			for j, c := range row {
				if c == "" {
					continue
				}
				if slices.Contains(numericColumns, header[j]) {
					if !number.MatchString(c) {
						t.Errorf("row %d %s = %q, not a number", i+2, header[j], c)
					}
					continue
				}
				if strings.ContainsAny(c[:1], "=+-@\t\r") || strings.HasPrefix(c, "\uff1d") {
					t.Errorf("row %d %s = %q starts a formula", i+2, header[j], c)
				}
			}
		}
		wantRows := len(sample().Incidents)
		if o.AllEvidence {
			wantRows = 0
			for _, inc := range sample().Incidents {
				wantRows += len(inc.Evidence)
			}
		}
		if kinds["incident"] != wantRows || kinds["summary"] == 0 {
			t.Errorf("AllEvidence %v: %d incident rows (want %d), %d summary rows", o.AllEvidence, kinds["incident"], wantRows, kinds["summary"])
		}
		for _, defused := range []string{`'=HYPERLINK(`, `'+1 -2 @SUM(A1)`} {
			if o.AllEvidence && !strings.Contains(out, defused) {
				t.Errorf("%q is not in the CSV", defused)
			}
		}
	}
}
