package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type eventOut struct {
	File     string
	Record   uint64
	Line     int64
	Time     string
	Computer string
	Source   string
	Channel  string
	Provider string
	EventID  *uint32 `json:"event_id"`
	Level    *uint8
	Values   []struct {
		Position    int
		Name, Value string
	}
	Columns map[string]string
	Message string
}

func eventsJSON(t *testing.T, args ...string) ([]eventOut, int) {
	t.Helper()
	out, errOut, code := runOut(t, append([]string{"events", "--format", "json"}, args...)...)
	var recs []eventOut
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("events %v: not JSON (%v)\n%s\n%s", args, err, out, errOut)
	}
	return recs, code
}

// --id 738 over the field case lists exactly its 738 records, as the
// generator's facts say, with their values by position and name and the
// message the catalog renders for them.
func TestEventsFieldCase(t *testing.T) {
	var f fact
	for _, x := range loadFacts(t) {
		if x.Incident == "ha.lagged-copy-not-lagging" && strings.Contains(x.File, "field-case") {
			f = x
		}
	}
	recs, code := eventsJSON(t, "--id", "738", filepath.Join(fixtures, "evtx", "field-case"))
	if code != exitClean || len(recs) != f.Support.Count738 || len(recs) == 0 {
		t.Fatalf("exit %d, %d records, want %d", code, len(recs), f.Support.Count738)
	}
	for _, r := range recs {
		if *r.EventID != 738 || r.Channel != "Microsoft-Exchange-HighAvailability/Operational" || !slices.Contains(f.Support.RecordIDs, r.Record) {
			t.Errorf("record %+v", r)
		}
		if len(r.Values) != 5 || r.Values[0].Position != 1 || r.Values[0].Value != f.Database || r.Values[1].Value != f.Server ||
			!strings.Contains(r.Values[3].Value, "Blocked") {
			t.Errorf("values %+v", r.Values)
		}
		if !strings.HasPrefix(r.Message, "Replay Lag Manager suppressed a request to disable replay lag for database copy 'DB1\\SERVER3'") {
			t.Errorf("message %q", r.Message)
		}
	}
}

func TestEventsFilters(t *testing.T) {
	field := filepath.Join(fixtures, "evtx", "field-case")
	trace := filepath.Join(fixtures, "trace", "extended-report")
	count := func(args ...string) int {
		recs, code := eventsJSON(t, args...)
		if code != exitClean {
			t.Errorf("%v: exit %d", args, code)
		}
		return len(recs)
	}
	all := count(field)
	for _, tt := range []struct {
		name string
		args []string
		want int
	}{
		{"range", []string{"--id", "700-750", field}, 1 + 6 + 1},
		{"comma list and repeat", []string{"--id", "708,2001", "--id", "738", field}, 1 + 1 + 6 + 1},
		{"provider", []string{"--provider", "microsoft-exchange-managedavailability", field}, 1},
		{"channel none", []string{"--channel", "Application", field}, 0},
		{"computer by host", []string{"--computer", "server3", field}, all},
		{"computer other", []string{"--computer", "SERVER4", field}, 0},
		{"contains a value", []string{"--contains", "fastlagplaydowndesired", field}, 1},
		{"since", []string{"--since", "2024-02-13T00:00:00Z", "--id", "738", field}, 1},
		{"trace rows", []string{trace}, 27},
		{"trace rows have no event id", []string{"--id", "1-65535", trace}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := count(tt.args...); got != tt.want {
				t.Errorf("%d records, want %d", got, tt.want)
			}
		})
	}
	if out, _, _ := runOut(t, "events", "--channel", "Application", field); out != "No record matched.\n" {
		t.Errorf("table of nothing: %q", out)
	}
	if _, errOut, code := runOut(t, "events", "--id", "9-1", field); code != exitError || !strings.Contains(errOut, "a range (700-750)") {
		t.Errorf("bad --id: exit %d, %s", code, errOut)
	}
}

// --stats counts every record the scan counts; damaged input is named and
// exits 3, as scan does.
func TestEventsStats(t *testing.T) {
	for _, dir := range []string{filepath.Join(fixtures, "evtx"), "../../../shared/corpus/evtx"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			if _, _, code := runOut(t, "events", "--stats", "--channel", "none", dir); code == exitError {
				t.Skipf("%s cannot be read; clone the project beside shared/ to run this test", dir)
			}
			doc, scanCode := scanJSON(t, dir)
			out, errOut, code := runOut(t, "events", "--stats", "--format", "ndjson", dir)
			total := 0
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var row struct{ Count int }
				if err := json.Unmarshal(sc.Bytes(), &row); err != nil || row.Count <= 0 {
					t.Fatalf("row %s: %v", sc.Text(), err)
				}
				total += row.Count
			}
			if total != doc.Summary.Records || (code == exitPartial) != (scanCode == exitPartial) {
				t.Errorf("stats count %d records (exit %d), scan %d (exit %d)", total, code, doc.Summary.Records, scanCode)
			}
			if code == exitPartial && !strings.Contains(errOut, "chunk") {
				t.Errorf("damage not named: %s", errOut)
			}
		})
	}
}

// Hostile strings from a log stay inert in every format.
func TestEventsHostile(t *testing.T) {
	dir := writeFiles(t, map[string]string{"MessageTraceDetail_x.csv": "\"Organization\",\"MessageId\",\"MessageTraceId\",\"Date\",\"Event\",\"Action\",\"Detail\",\"Data\",\"SenderAddress\",\"RecipientAddress\"\r\n" +
		"\"=cmd|' /C calc'!A0\",\"<1@x>\",\"250bcead-0338-441e-abfb-1c854ab1fa99\",\"2/14/2024 8:05:11 AM\",\"Drop\",\"\",\"=HYPERLINK(\"\"http://x\"\")\x1b]0;owned\x07\u0085\u202e\",\"\",\"a@contoso.com\",\"b@x.example\"\r\n"})
	for _, format := range []string{"table", "json", "ndjson", "csv"} {
		out, errOut, code := runOut(t, "events", "--format", format, "--date-format", "mdy", dir)
		if code != exitClean {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		if strings.ContainsAny(out, "\x1b\x07\u0085\u202e") {
			t.Errorf("%s: a control character got through:\n%q", format, out)
		}
		if format == "csv" {
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
			if err != nil || len(rows) != 2 {
				t.Fatalf("csv: %v, %d rows", err, len(rows))
			}
			for _, c := range rows[1] {
				if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
					t.Errorf("csv: the cell %q starts a formula", c)
				}
			}
		}
		if !strings.Contains(out, "HYPERLINK") {
			t.Errorf("%s: the value is lost:\n%s", format, out)
		}
	}
}

// Every text cell of an events CSV row is defused.
func TestEventsCSVRow(t *testing.T) {
	id := uint32(1)
	row := csvRow(eventJSON{File: "=a.evtx", Computer: "+SERVER", Channel: "-C", Provider: "@P", EventID: &id, Level: new(uint8),
		Message: "=HYPERLINK(\"x\")", Values: []valueJSON{{Position: 1, Value: "=1+1"}}})
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
			t.Errorf("column %s: %q starts a formula", csvColumns[i], c)
		}
	}
}
