package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/patterns"
)

type csvReporter struct{}

var (
	incidentColumns = append(append([]string{"id", "problem_id", "severity", "pattern", "title", "key", "count",
		"first_seen_utc", "last_seen_utc", "known"}, mainFields...), "other_fields", "explanation", "remedy_commands", "scan")
	// summaryColumns are the columns of Options.CSVSummary.
	summaryColumns = []string{"item", "key", "severity", "count", "first_utc", "last_utc", "text"}

	evidenceColumns = []string{"evidence_file", "evidence_record", "evidence_line", "evidence_time_utc",
		"evidence_signature", "evidence_message"}
)

// Report writes one row per incident, or with Options.AllEvidence one row
// per evidence record, and nothing else, so that a spreadsheet's filters
// and pivots see rows of one shape; the scan column of every row says
// whether the scan was complete. With Options.CSVSummary it writes the
// summary instead (files, records, servers, damage, skipped files,
// warnings, incidents by severity), one item a row. Cells are separated by
// Options.CSVDelimiter (';' for the Excel of locales whose decimal mark is
// a comma). The file starts with a UTF-8 byte-order mark: without it
// Excel reads the file in the local code page and garbles non-ASCII names.
func (csvReporter) Report(w io.Writer, r *Result, o Options) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what spreadsheet programs write and expect
	if o.CSVDelimiter != 0 {
		cw.Comma = o.CSVDelimiter
	}
	if o.CSVSummary {
		cw.Write(summaryColumns)
		for _, row := range summaryRows(r) {
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	}
	header := incidentColumns
	if o.AllEvidence {
		header = append(slices.Clone(header), evidenceColumns...)
	}
	cw.Write(header)
	scan := scanText(&r.Summary)
	for _, inc := range r.Incidents {
		row := incidentRow(&inc, scan)
		if !o.AllEvidence {
			cw.Write(row)
			continue
		}
		for _, e := range inc.Evidence {
			cw.Write(append(slices.Clone(row), evidenceRow(e)...))
		}
	}
	cw.Flush()
	return cw.Error()
}

// ParseCSVDelimiter reads a --csv-delimiter value: "," (the default), ";"
// or "tab".
func ParseCSVDelimiter(s string) (rune, error) {
	switch s {
	case "", ",":
		return ',', nil
	case ";":
		return ';', nil
	case "tab", "\t":
		return '\t', nil
	}
	return 0, fmt.Errorf("want \",\", \";\" (for Excel in German, French, Dutch and other locales that write 1,5) or \"tab\", not %q", s)
}

// scanText says in each incident row whether the scan was complete.
func scanText(s *Summary) string {
	if why := s.partialReasons(); len(why) > 0 {
		return "partial scan: " + strings.Join(why, ", ")
	}
	return "complete"
}

func incidentRow(inc *Incident, scan string) []string {
	row := []string{cell(inc.ID), cell(inc.ProblemID), cell(string(inc.Severity)), cell(inc.Pattern), cell(inc.Title),
		cell(inc.Key), strconv.Itoa(inc.Count), csvTime(inc.FirstSeen), csvTime(inc.LastSeen), yesNo(inc.Known)}
	for _, f := range mainFields {
		row = append(row, fieldCell(inc.Fields[f]))
	}
	var other []string
	for _, k := range slices.Sorted(maps.Keys(inc.Fields)) {
		if !slices.Contains(mainFields, k) {
			other = append(other, k+"="+fieldString(inc.Fields[k]))
		}
	}
	var cmds []string
	for _, st := range inc.Remedy {
		if st.Command != "" {
			cmds = append(cmds, commandBlock(st))
		}
	}
	// One command per line: joined with "; " they would read as one
	// command line to paste, which they are not.
	return append(row, cell(strings.Join(other, "; ")), cell(inc.Explanation), cell(strings.Join(cmds, "\n")), scan)
}

func evidenceRow(e patterns.Evidence) []string {
	return []string{cell(e.File), uintCell(e.Record), intCell(e.Line), csvTime(e.Time), cell(e.Signature), cell(e.Message)}
}

// summaryRows are the summary in summaryColumns: item says what the row
// is, key what it is about, count the number, text the words.
func summaryRows(r *Result) [][]string {
	s := &r.Summary
	row := func(title, key, count string, first, last time.Time, text string) []string {
		return []string{title, cell(key), "", count, csvTime(first), csvTime(last), cell(text)}
	}
	n := strconv.Itoa
	var z time.Time
	scan := "complete: every input was read whole"
	if why := s.partialReasons(); len(why) > 0 {
		scan = "partial scan: " + strings.Join(why, ", ")
	}
	rows := [][]string{
		row("scan", "", "", s.Started, z, scan),
		row("files read", "", n(s.Inputs), z, z, s.inputsText()+", "+sizeString(s.Bytes)),
		row("records read", "", n(s.Records), z, z, ""),
		row("records lost", "", n(s.Lost), z, z, ""),
		row("duration", "", strconv.FormatInt(time.Duration(s.Duration).Milliseconds(), 10), z, z, "milliseconds; "+s.rateText()),
	}
	if s.Coverage != nil {
		rows = append(rows, row("records the catalog reads", "", n(s.Coverage.Records), z, z, s.coverageWarning()))
	}
	for _, v := range serverViews(r) {
		if v.Read {
			rows = append(rows, row("server", serverLabel(v.Name), n(v.Records), v.First, v.Last, "records read and the time they cover"))
		}
	}
	t := countIncidents(r.Incidents)
	for _, sev := range severities {
		r := row("incidents", "", n(t.by[sev]), z, z, fmt.Sprintf("%d known from the baseline", t.knownBy[sev]))
		r[slices.Index(summaryColumns, "severity")] = string(sev)
		rows = append(rows, r)
	}
	for _, e := range s.Errors {
		rows = append(rows, row("damaged", e.File, "", z, z, joinWhere(e)))
	}
	for _, sk := range s.Skipped {
		rows = append(rows, row("skipped", sk.File, "", z, z, sk.Reason))
	}
	for _, e := range s.Warnings {
		rows = append(rows, row("warning", e.File, "", z, z, joinWhere(e)))
	}
	for _, it := range s.scopeItems(t.known) {
		rows = append(rows, row(strings.ToLower(it.Label), "", "", z, z, it.Text))
	}
	for _, f := range s.Files {
		rows = append(rows, row("input", f.Path, strconv.FormatInt(f.Bytes, 10), z, z, "bytes; SHA-256 "+cmpOr(f.SHA256, "none: not read to its end")))
	}
	return rows
}

func joinWhere(e Error) string {
	if w := e.where(); w != "" {
		return w + ": " + e.Message
	}
	return e.Message
}

// cell makes log text safe for a spreadsheet: control sequences go, and a
// value that a spreadsheet would run as a formula is defused. "=", "+",
// "-" and "@" start formulas (=HYPERLINK(...) can leak data or lure a
// click; -2+cmd|... has run programs through DDE); a leading tab or CR, or
// spaces, can hide such a start from a naive check and some programs trim
// them, so the first character after them is the one checked. A leading
// apostrophe makes spreadsheets take the cell as text and is not shown.
// Only text is defused: numbers we format ourselves (counts, record
// numbers, integer fields) are never from a log as text, cannot carry a
// formula, and so stay numbers.
func cell(s string) string {
	s = Clean(s, true)
	t := strings.TrimLeft(s, " \t\r\n")
	if t == "" {
		return s
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	// The full-width forms: whether a spreadsheet treats them as formula
	// starts depends on its locale; a quote costs a reader nothing.
	for _, p := range []string{"\uff1d", "\uff0b", "\uff0d", "\uff20"} {
		if strings.HasPrefix(t, p) {
			return "'" + s
		}
	}
	return s
}

// fieldCell writes a main field: a number as a number, text defused.
func fieldCell(v any) string {
	if n, ok := v.(int); ok {
		return strconv.Itoa(n)
	}
	return cell(fieldString(v))
}

func uintCell(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}

func intCell(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// csvTime is a UTC time in the form spreadsheets read as a date; empty for
// no time.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
