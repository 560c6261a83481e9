package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// traceFact is one entry of fixtures/trace/facts.json: what scanning that
// file alone must report.
type traceFact struct {
	File         string            `json:"file"`
	Dialect      string            `json:"dialect"`
	Encoding     string            `json:"encoding"`
	Options      map[string]string `json:"options"`
	Records      int               `json:"records"`
	Skipped      int               `json:"skipped"`
	ProblemLines []int64           `json:"problem_lines"`
	Fatal        string            `json:"fatal"`
	ZoneUnknown  bool              `json:"zone_unknown"`
	Exit         int               `json:"exit"`
	Incidents    []traceIncident   `json:"incidents"`
}

type traceIncident struct {
	Pattern         string   `json:"pattern"`
	Sender          string   `json:"sender"`
	Recipient       string   `json:"recipient"`
	RecipientDomain string   `json:"recipient_domain"`
	Control         string   `json:"control"`
	RuleID          string   `json:"rule_id"`
	Server          string   `json:"server"`
	Count           int      `json:"count"`
	FirstSeen       string   `json:"first_seen"`
	LastSeen        string   `json:"last_seen"`
	MessageIDs      []string `json:"message_ids"`
	Lines           []int64  `json:"lines"`
	Mailbox         string   `json:"mailbox"`
	Forwarders      []string `json:"forwarders"`
}

// traceReport is the part of the JSON report these tests read.
type traceReport struct {
	Summary struct {
		Inputs   int          `json:"inputs"`
		Records  int          `json:"records"`
		Lost     int          `json:"records_lost"`
		Errors   []reportLine `json:"errors"`
		Warnings []reportLine `json:"warnings"`
		Files    []struct {
			Dialect  string `json:"dialect"`
			Encoding string `json:"encoding"`
		} `json:"files"`
		Partial bool `json:"partial"`
	} `json:"summary"`
	Incidents []reportIncident `json:"incidents"`
}

type reportLine struct {
	File    string `json:"file"`
	Line    int64  `json:"line"`
	Message string `json:"message"`
}

type reportIncident struct {
	Pattern   string         `json:"pattern"`
	Fields    map[string]any `json:"fields"`
	Count     int            `json:"count"`
	FirstSeen time.Time      `json:"first_seen"`
	LastSeen  time.Time      `json:"last_seen"`
	Evidence  []reportLine   `json:"evidence"`
	// ZoneUnknown: local times of an unknown zone, read as UTC (R30).
	ZoneUnknown bool `json:"zone_unknown"`
}

func loadTraceFacts(t *testing.T) []traceFact {
	b, err := os.ReadFile(filepath.Join(fixtures, "trace", "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var facts []traceFact
	if err := json.Unmarshal(b, &facts); err != nil {
		t.Fatal(err)
	}
	return facts
}

func scanTrace(t *testing.T, args ...string) (traceReport, int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"scan", "-f", "json"}, args...), &out, &errOut)
	var rep traceReport
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("scan %v: output is not JSON (%v); stderr: %s", args, err, errOut.String())
		}
	}
	return rep, code, errOut.String()
}

// Each trace fixture, scanned alone, yields exactly the incidents of its
// facts, and its damage is named by file and line.
func TestScanTraceFixtures(t *testing.T) {
	for _, f := range loadTraceFacts(t) {
		t.Run(f.File, func(t *testing.T) {
			args := []string{filepath.Join(fixtures, filepath.FromSlash(f.File))}
			if tz := f.Options["timezone"]; tz != "" {
				args = append(args, "--timezone", tz)
			}
			if df := f.Options["date_format"]; df != "" {
				args = append(args, "--date-format", df)
			}
			rep, code, stderr := scanTrace(t, args...)
			if code != f.Exit {
				t.Errorf("exit %d, want %d; stderr: %s", code, f.Exit, stderr)
			}
			if f.Exit == exitError {
				return // not a trace at all: named on stderr, checked in TestTraceJunk
			}
			checkTraceSummary(t, f, rep)
			checkTraceIncidents(t, f, rep)
		})
	}
}

func checkTraceSummary(t *testing.T, f traceFact, rep traceReport) {
	s := rep.Summary
	if len(s.Files) != 1 || s.Files[0].Dialect != f.Dialect || s.Files[0].Encoding != f.Encoding {
		t.Errorf("files %+v, want dialect %s encoding %s", s.Files, f.Dialect, f.Encoding)
	}
	if s.Records != f.Records || s.Lost != f.Skipped {
		t.Errorf("records %d lost %d, want %d and %d", s.Records, s.Lost, f.Records, f.Skipped)
	}
	var lines []int64
	for _, e := range s.Errors {
		if e.Line > 0 {
			lines = append(lines, e.Line)
		}
	}
	if !slices.Equal(lines, f.ProblemLines) {
		t.Errorf("problem lines %v, want %v", lines, f.ProblemLines)
	}
	if f.Fatal != "" && !slices.ContainsFunc(s.Errors, func(e reportLine) bool { return strings.Contains(e.Message, f.Fatal) }) {
		t.Errorf("no error says %q: %+v", f.Fatal, s.Errors)
	}
	zone := slices.ContainsFunc(s.Warnings, func(w reportLine) bool { return strings.Contains(w.Message, "--timezone") })
	if zone != f.ZoneUnknown {
		t.Errorf("zone-unknown warning %v, want %v: %+v", zone, f.ZoneUnknown, s.Warnings)
	}
	if s.Partial != (f.Exit == exitPartial) {
		t.Errorf("partial %v with exit %d", s.Partial, f.Exit)
	}
}

func checkTraceIncidents(t *testing.T, f traceFact, rep traceReport) {
	if len(rep.Incidents) != len(f.Incidents) {
		t.Errorf("%d incidents, want %d", len(rep.Incidents), len(f.Incidents))
	}
	for _, want := range f.Incidents {
		i := slices.IndexFunc(rep.Incidents, func(inc reportIncident) bool {
			return inc.Pattern == want.Pattern && strings.EqualFold(str(inc.Fields["sender"]), want.Sender) &&
				strings.EqualFold(str(inc.Fields["recipient"]), want.Recipient) &&
				strings.EqualFold(str(inc.Fields["mailbox"]), want.Mailbox)
		})
		which := want.Pattern + " " + want.Sender + " -> " + want.Recipient + want.Mailbox
		if i < 0 {
			t.Errorf("no %s incident", which)
			continue
		}
		got := rep.Incidents[i]
		check := func(what string, got, want any) {
			if !jsonEqual(got, want) {
				t.Errorf("%s: %s = %v, want %v", which, what, got, want)
			}
		}
		check("count", got.Count, want.Count)
		check("zone_unknown", got.ZoneUnknown, f.ZoneUnknown)
		check("first_seen", got.FirstSeen.Format(time.RFC3339Nano), want.FirstSeen)
		check("last_seen", got.LastSeen.Format(time.RFC3339Nano), want.LastSeen)
		if want.RecipientDomain != "" {
			check("recipient_domain", got.Fields["recipient_domain"], want.RecipientDomain)
		}
		if len(want.Forwarders) > 0 || got.Fields["forwarders"] != nil {
			check("forwarders", got.Fields["forwarders"], want.Forwarders)
		}
		if want.Control != "" {
			check("control", got.Fields["control"], want.Control)
		}
		if want.RuleID != "" {
			check("rule_id", got.Fields["rule_id"], want.RuleID)
		}
		if want.Server != "" {
			check("servers", got.Fields["servers"], []string{want.Server})
		}
		check("message_ids", got.Fields["message_ids"], want.MessageIDs)
		var lines []int64
		for _, e := range got.Evidence {
			lines = append(lines, e.Line)
		}
		slices.Sort(lines)
		check("evidence lines", lines, want.Lines)
	}
}

func str(v any) string { s, _ := v.(string); return s }

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// Binary junk named on the command line is an error that names the file;
// met in a folder it is damage too: its name says it is a tracking log
// (.LOG), so it is a log that cannot be read, not a file beside the logs.
func TestTraceJunk(t *testing.T) {
	junk := filepath.Join(fixtures, "trace", "damaged-junk")
	files, _ := filepath.Glob(filepath.Join(junk, "*"))
	if len(files) != 1 {
		t.Fatalf("junk fixture: %v", files)
	}
	rep, code, stderr := scanTrace(t, files[0])
	if code != exitError || !strings.Contains(stderr, "nothing was scanned") {
		t.Errorf("junk named: exit %d; stderr: %s", code, stderr)
	}
	if len(rep.Summary.Errors) != 1 || rep.Summary.Errors[0].File != files[0] ||
		!strings.Contains(rep.Summary.Errors[0].Message, "not a Windows event log or a message-trace export") {
		t.Errorf("junk named: errors %+v", rep.Summary.Errors)
	}
	rep, code, _ = scanTrace(t, junk, filepath.Join(fixtures, "trace", "negative-enhanced-summary"))
	if code != exitPartial || len(rep.Summary.Errors) != 1 || rep.Summary.Errors[0].File != files[0] ||
		!strings.Contains(rep.Summary.Errors[0].Message, "its name says it is an export (.log)") {
		t.Errorf("junk in a folder: exit %d, errors %+v; want 3 and the file named as damaged", code, rep.Summary.Errors)
	}
}

// One scan over the .evtx and the trace fixtures reports both kinds of
// incident, and the trace incidents are those of the facts, all together.
func TestScanMixed(t *testing.T) {
	rep, code, stderr := scanTrace(t, "--timezone", "-05:00", fixtures)
	if code != exitPartial {
		t.Errorf("exit %d, want 3 (the damaged fixtures); stderr: %s", code, stderr)
	}
	kinds := map[string]int{}
	for _, inc := range rep.Incidents {
		kinds[strings.SplitN(inc.Pattern, ".", 2)[0]]++
	}
	want := 0
	for _, f := range loadTraceFacts(t) {
		want += len(f.Incidents)
	}
	if kinds["ha"] == 0 || kinds["mailflow"] != want {
		t.Errorf("incidents by family %v, want ha > 0 and mailflow %d", kinds, want)
	}
}
