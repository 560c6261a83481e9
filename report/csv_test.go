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
	for _, o := range []Options{{}, {AllEvidence: true}, {CSVDelimiter: ';'}, {CSVSummary: true}, {CSVSummary: true, CSVDelimiter: '\t'}} {
		out := render(t, "csv", sample(), o)
		if !strings.HasPrefix(out, "\ufeff") {
			t.Fatal("no UTF-8 byte-order mark")
		}
		rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
		if o.CSVDelimiter != 0 {
			rd.Comma = o.CSVDelimiter
		}
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("%+v: the CSV does not parse: %v", o, err)
		}
		header := rows[0]
		for i, row := range rows[1:] {
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
		wantRows, wantHeader := len(sample().Incidents), "id"
		switch {
		case o.CSVSummary:
			wantRows, wantHeader = len(summaryRows(sample())), "item"
		case o.AllEvidence:
			wantRows = 0
			for _, inc := range sample().Incidents {
				wantRows += len(inc.Evidence)
			}
		}
		if len(rows)-1 != wantRows || header[0] != wantHeader {
			t.Errorf("%+v: %d rows under %q..., want %d under %q", o, len(rows)-1, header[0], wantRows, wantHeader)
		}
		for _, defused := range []string{`'=HYPERLINK(`, `'+1 -2 @SUM(A1)`} {
			if o.AllEvidence && !strings.Contains(out, defused) {
				t.Errorf("%q is not in the CSV", defused)
			}
		}
	}
}

// TestCSVDelimiter: the values --csv-delimiter takes, and an error that
// says which it takes.
func TestCSVDelimiter(t *testing.T) {
	for in, want := range map[string]rune{"": ',', ",": ',', ";": ';', "tab": '\t'} {
		if got, err := ParseCSVDelimiter(in); got != want || err != nil {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	if _, err := ParseCSVDelimiter("|"); err == nil || !strings.Contains(err.Error(), `";"`) {
		t.Errorf("| gave %v", err)
	}
}
