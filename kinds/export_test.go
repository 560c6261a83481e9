package kinds

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/extriage/extriage/patterns"
)

const exportEvent = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Exchange-HighAvailability'/><EventID>300</EventID><Level>2</Level><TimeCreated SystemTime='2026-04-10T08:00:00.1234567Z'/><EventRecordID>7</EventRecordID><Channel>Microsoft-Exchange-HighAvailability/Operational</Channel><Computer>EXCH1</Computer></System><UserData><EventXML xmlns='myNs'><DatabaseName>DB01</DatabaseName></EventXML></UserData></Event>`

func stringSource(name, s string) Source {
	return Source{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }}
}

func TestExportSniff(t *testing.T) {
	tests := []struct {
		head string
		want Kind
	}{
		{exportEvent, Export},
		{"Level,Date and Time,Source,Event ID,Task Category\r\n", Export}, // named, though not read yet
		{"ElfFile\x00", Evtx},
		{"<html>", nil},
	}
	trace, err := os.ReadFile(filepath.Join(fixtures, "trace", "extended-report", "extended_report_contoso.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tests = append(tests, struct {
		head string
		want Kind
	}{string(trace[:min(len(trace), HeadSize)]), Trace})
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("%q: %v; want %v", tt.head, got, tt.want)
		}
	}
}

// An export's records are events with their line; damage and what was
// lost reach the summary's stats; the prefilter keeps the counts exact.
func TestExportRead(t *testing.T) {
	in := exportEvent + "\n" + exportEvent + "\n" + exportEvent[:100]
	var lines []int64
	st, err := Export.Read(stringSource("ha.xml", in), Options{}, func(r *patterns.Record) {
		if r.Source != "evtx" || r.RecordID != 7 || r.Computer != "EXCH1" || r.File != "ha.xml" || len(r.Values) != 1 {
			t.Errorf("record %+v", r)
		}
		lines = append(lines, r.Line)
	})
	if err != nil || !st.Scanned || st.Records != 2 || st.Lost != 1 || st.ProblemCount != 1 || st.Problems[0].Line != 3 ||
		st.Format != "wevtutil qe XML" || st.Encoding != "utf-8" || st.Bytes != int64(len(in)) || len(lines) != 2 || lines[1] != 2 {
		t.Fatalf("stats %+v, lines %v, %v", st, lines, err)
	}
	if sp := st.Servers["EXCH1"]; sp == nil || sp.Records != 2 {
		t.Errorf("servers %+v", st.Servers)
	}
	none := prefilter{}
	st, err = Export.Read(stringSource("ha.xml", in), Options{Prefilter: none}, func(r *patterns.Record) {
		t.Errorf("the prefilter declined every event, yet %+v came", r)
	})
	if err != nil || st.Records != 2 {
		t.Errorf("with the prefilter: %+v, %v", st, err)
	}
	st, err = Export.Read(stringSource("ev.csv", "Level,Date and Time,Source,Event ID,Task Category\r\n"), Options{}, func(*patterns.Record) {})
	if err == nil || st.Scanned || !strings.Contains(err.Error(), "send the .evtx instead") {
		t.Errorf("a format not read yet: %+v, %v", st, err)
	}
}

// A Get-WinEvent | Export-Csv row, or a wevtutil text block, keeps only
// the rendered message: the catalog's message template reads the fields
// back from it, and the hit cites the line.
func TestExportMessageFields(t *testing.T) {
	cat, err := patterns.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := patterns.Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	// The 738 message as the catalog's template words it; the values are ours.
	msg := `Replay Lag Manager suppressed a request to disable replay lag for database copy 'DB1\SERVER3' after a suppression interval of 1.00:00:00. Disable Reason: There were database availability check failures for database 'DB1' that may be lowering its availability. Availability Count: 2. Expected Availability Count: 3.`
	csv := "\"Message\",\"Id\",\"Version\",\"Qualifiers\",\"Level\",\"RecordId\",\"ProviderName\",\"LogName\",\"MachineName\",\"TimeCreated\",\"Properties\"\r\n" +
		`"` + msg + `","738","0",,"3","48211","Microsoft-Exchange-HighAvailability","Microsoft-Exchange-HighAvailability/Operational","SERVER3.contoso.com","2/12/2024 6:00:00 AM","System.Collections.Generic.List` + "`" + `1[System.Diagnostics.Eventing.Reader.EventProperty]"` + "\r\n"
	// The same event as wevtutil qe /f:text writes it.
	text := "Event[0]:\r\n  Log Name: Microsoft-Exchange-HighAvailability/Operational\r\n  Source: Microsoft-Exchange-HighAvailability\r\n" +
		"  Date: 2024-02-12T06:00:00.140\r\n  Event ID: 738\r\n  Computer: SERVER3.contoso.com\r\n  Description:\r\n" + msg + "\r\n"
	for _, tc := range []struct {
		name, in, format string
		record           uint64
		line             int64
		warnings         int
	}{
		{"ha.csv", csv, "Get-WinEvent | Export-Csv", 48211, 2, 2},
		{"ha.txt", text, "wevtutil qe text", 0, 1, 1},
	} {
		var hits []patterns.Hit
		st, err := Export.Read(stringSource(tc.name, tc.in), Options{Prefilter: m}, func(r *patterns.Record) {
			hits = append(hits, m.Match(r)...)
		})
		if err != nil || st.Records != 1 || st.Format != tc.format || len(st.Lacks) == 0 || len(st.Warnings) != tc.warnings {
			t.Fatalf("%s: stats %+v, %v", tc.name, st, err)
		}
		if len(hits) != 1 {
			t.Fatalf("%s: %d hits; want the 738", tc.name, len(hits))
		}
		h := hits[0]
		if h.Fields["database"] != "DB1" || h.Fields["server"] != "SERVER3" || h.RecordID != tc.record || h.Line != tc.line {
			t.Errorf("%s: hit %+v", tc.name, h)
		}
	}
}
