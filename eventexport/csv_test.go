package eventexport

import (
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/trace"
)

// winEventHeader is the 27-name header of Get-WinEvent | Export-Csv, in the
// order of the real file event-exports.md §3a quotes.
var winEventHeader = []string{"Message", "Id", "Version", "Qualifiers", "Level", "Task", "Opcode", "Keywords",
	"RecordId", "ProviderName", "ProviderId", "LogName", "ProcessId", "ThreadId", "MachineName", "UserId",
	"TimeCreated", "ActivityId", "RelatedActivityId", "ContainerLog", "MatchedQueryIds", "Bookmark",
	"LevelDisplayName", "OpcodeDisplayName", "TaskDisplayName", "KeywordsDisplayNames", "Properties"}

// winEventRow writes one row as Windows PowerShell does: every value
// quoted, quotes doubled, a null an empty unquoted field.
func winEventRow(sep string, values map[string]string) string {
	var f []string
	for _, h := range winEventHeader {
		v, ok := values[h]
		if !ok {
			f = append(f, "")
			continue
		}
		f = append(f, `"`+strings.ReplaceAll(v, `"`, `""`)+`"`)
	}
	return strings.Join(f, sep) + "\r\n"
}

func winEventCSV(typeLine bool, sep string, rows ...map[string]string) string {
	var b strings.Builder
	if typeLine {
		b.WriteString("#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\r\n")
	}
	b.WriteString(`"` + strings.Join(winEventHeader, `"`+sep+`"`) + "\"\r\n")
	for _, r := range rows {
		b.WriteString(winEventRow(sep, r))
	}
	return b.String()
}

// sysmonRow holds the values of the §3a sample row; LogName, MachineName
// and the message's later lines are cut from the excerpt, so ours.
func sysmonRow(when string, record int) map[string]string {
	return map[string]string{
		"Message": "Process terminated:\r\nUtcTime: 2026-05-31 20:36:21.383\r\nProcessId: 4242",
		"Id":      "5", "Version": "3", "Level": "4", "Task": "5", "Opcode": "0", "Keywords": "-9223372036854775808",
		"RecordId": itoa(record), "ProviderName": "Microsoft-Windows-Sysmon", "LogName": "Microsoft-Windows-Sysmon/Operational",
		"MachineName": "WS01.contoso.com", "TimeCreated": when, "LevelDisplayName": "Informationen",
		"Properties": "System.Collections.Generic.List`1[System.Diagnostics.Eventing.Reader.EventProperty]",
	}
}

func TestWinEventCSV(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	row := sysmonRow("5/31/2026 4:36:21 PM", 1657)
	tests := []struct {
		name     string
		in       []byte
		opts     Options
		time     string
		warnings int
	}{
		// The message's UtcTime is 20:36:21: the row's local time is New York's.
		{"5.1 with #TYPE, --timezone", []byte(winEventCSV(true, ",", row)), Options{Location: ny}, "2026-05-31T20:36:21Z", 0},
		{"7 without #TYPE, no zone: read as UTC", []byte(winEventCSV(false, ",", row)), Options{}, "2026-05-31T16:36:21Z", 1},
		{"-UseCulture ';', UTF-8 with BOM", encode(t, winEventCSV(false, ";", row), "utf-8 (bom)"), Options{Location: ny}, "2026-05-31T20:36:21Z", 0},
		{"-Encoding Unicode", encode(t, winEventCSV(true, ",", row), "utf-16le (bom)"), Options{Location: ny}, "2026-05-31T20:36:21Z", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, st, err := readWith(t, tc.in, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != WinEventCSV || st.Records != 1 || len(recs) != 1 || st.Damaged() || len(st.Warnings) != tc.warnings {
				t.Fatalf("format %v, %d records, problems %v, warnings %q", st.Format, st.Records, st.Problems, st.Warnings)
			}
			if len(st.Lacks) != 1 || st.Lacks[0] != winEventColumns.lack {
				t.Errorf("lacks %q", st.Lacks)
			}
			r := recs[0]
			want := "file=sample line=2 record=1657 time=" + tc.time + " computer=WS01.contoso.com channel=Microsoft-Windows-Sysmon/Operational provider=Microsoft-Windows-Sysmon id=5 level=4"
			if strings.HasPrefix(tc.name, "5.1") || strings.Contains(tc.name, "Unicode") { // after the #TYPE line
				want = strings.Replace(want, "line=2", "line=3", 1)
			}
			if got := systemText(r); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if v := valuesText(r.Values); v != "Message="+row["Message"]+"\n" {
				t.Errorf("values %q", v)
			}
		})
	}
}

// Dates whose day and month could be either wait for one that proves the
// order; with none, an order is assumed and said.
func TestWinEventCSVDateOrder(t *testing.T) {
	tests := []struct {
		name  string
		times []string
		opts  Options
		want  []string
		warns int
	}{
		{"proved by a later date", []string{"3/4/2026 1:00:00 PM", "5/31/2026 4:36:21 PM"}, Options{},
			[]string{"2026-03-04T13:00:00Z", "2026-05-31T16:36:21Z"}, 1},
		{"day first, proved", []string{"04.03.2026 13:00:00", "31.05.2026 16:36:21"}, Options{},
			[]string{"2026-03-04T13:00:00Z", "2026-05-31T16:36:21Z"}, 1},
		{"never proved: assumed", []string{"3/4/2026 1:00:00 PM", "3/5/2026 1:00:00 PM"}, Options{},
			[]string{"2026-03-04T13:00:00Z", "2026-03-05T13:00:00Z"}, 2},
		{"given", []string{"3/4/2026 1:00:00 PM"}, Options{DateOrder: trace.DateDMY, Location: time.UTC},
			[]string{"2026-04-03T13:00:00Z"}, 0},
	}
	for _, tc := range tests {
		var rows []map[string]string
		for i, when := range tc.times {
			rows = append(rows, sysmonRow(when, i+1))
		}
		recs, st, err := readWith(t, []byte(winEventCSV(false, ",", rows...)), tc.opts)
		if err != nil || len(recs) != len(tc.want) || len(st.Warnings) != tc.warns {
			t.Fatalf("%s: %d records, warnings %q, %v", tc.name, len(recs), st.Warnings, err)
		}
		for i, r := range recs {
			if got := r.Time.Format(time.RFC3339); got != tc.want[i] || r.RecordID != uint64(i+1) {
				t.Errorf("%s: record %d at %s; want record %d at %s", tc.name, r.RecordID, got, i+1, tc.want[i])
			}
		}
	}
}

// A CSV cut in the middle of a row keeps every whole row and names the
// cut one; a row with a bad time is kept without one.
func TestWinEventCSVDamage(t *testing.T) {
	whole := winEventCSV(false, ",", sysmonRow("5/31/2026 4:36:21 PM", 1), sysmonRow("5/31/2026 4:36:22 PM", 2), sysmonRow("5/31/2026 4:36:23 PM", 3))
	cut := whole[:strings.LastIndex(whole, "UtcTime")]
	recs, st, err := readAll(t, []byte(cut))
	if err != nil || len(recs) != 2 || st.Lost != 1 || len(st.Problems) != 1 || st.Problems[0].Line != 8 {
		t.Fatalf("cut: %d records, %d lost, problems %v, %v", len(recs), st.Lost, st.Problems, err)
	}
	bad := strings.Replace(whole, "5/31/2026 4:36:22 PM", "soon", 1)
	recs, st, err = readAll(t, []byte(bad))
	if err != nil || len(recs) != 3 || !recs[1].Time.IsZero() || len(st.Problems) != 1 || st.Problems[0].Line != 5 {
		t.Fatalf("bad time: %d records, problems %v, %v", len(recs), st.Problems, err)
	}
}

// §4's public sample: Get-EventLog System | Export-Csv on a ja-JP machine.
// The first row is verbatim; the second is the sample's second row with
// the fields the excerpt cuts filled in by us.
const sampleEventLogCSV = `#TYPE System.Diagnostics.EventLogEntry#system/Microsoft-Windows-GroupPolicy/1500
"EventID","MachineName","Data","Index","Category","CategoryNumber","EntryType","Message","Source","ReplacementStrings","InstanceId","TimeGenerated","TimeWritten","UserName","Site","Container"
"1500","Example-PC","System.Byte[]","3365","(0)","0","Information","???? …","Microsoft-Windows-GroupPolicy","System.String[]","1500","2017/11/18 15:35:24","2017/11/18 15:35:24","NT AUTHORITY\SYSTEM",,
"7040","Example-PC","System.Byte[]","3362","(0)","0","Information","Windows Modules Installer …","Service Control Manager","System.String[]","1073748864","2017/11/18 15:30:00","2017/11/18 15:30:00","NT AUTHORITY\SYSTEM",,
`

func TestEventLogCSV(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	recs, st, err := readWith(t, []byte(sampleEventLogCSV), Options{Location: tokyo})
	if err != nil || st.Format != EventLogCSV || len(recs) != 2 || st.Damaged() || len(st.Warnings) != 0 {
		t.Fatalf("format %v, %d records, problems %v, warnings %q, %v", st.Format, len(recs), st.Problems, st.Warnings, err)
	}
	if len(st.Lacks) != 1 || !strings.HasPrefix(st.Lacks[0], "ReplacementStrings lost") {
		t.Errorf("lacks %q", st.Lacks)
	}
	want := []string{
		"file=sample line=3 record=3365 time=2017-11-18T06:35:24Z computer=Example-PC channel=system provider=Microsoft-Windows-GroupPolicy id=1500 level=4",
		"file=sample line=4 record=3362 time=2017-11-18T06:30:00Z computer=Example-PC channel=system provider=Service Control Manager id=7040 level=4",
	}
	for i, r := range recs {
		if got := systemText(r); got != want[i] {
			t.Errorf("got  %s\nwant %s", got, want[i])
		}
	}
	if v := valuesText(recs[1].Values); v != "Message=Windows Modules Installer …\n" {
		t.Errorf("values %q", v)
	}
	// Without the #TYPE line the log is unknown, and said to be.
	_, rest, _ := strings.Cut(sampleEventLogCSV, "\n")
	recs, st, err = readWith(t, []byte(rest), Options{Location: tokyo})
	if err != nil || len(recs) != 2 || recs[0].Channel != "" || len(st.Lacks) != 2 || !strings.Contains(st.Lacks[1], "#TYPE") {
		t.Errorf("without #TYPE: %d records, channel %q, lacks %q, %v", len(recs), recs[0].Channel, st.Lacks, err)
	}
}
