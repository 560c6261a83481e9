package eventexport

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Samples from event-exports.md, verbatim (their "…" are the doc's cuts;
// between elements they are text the reader ignores, inside a value they
// stay part of it).
const (
	// §1a: Fabien2434/L-Observateur-d-v-nements-Windows, README.md.
	sampleSaveAsXML = `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-DNS-Server-Service' Guid='{71a551f5-…}'/><EventID>4013</EventID>…<TimeCreated SystemTime='2025-02-19T13:25:02.6560439Z'/><EventRecordID>183</EventRecordID>…<Channel>DNS Server</Channel><Computer>SRVWIN-EKO.Ekoloclast.lan</Computer>…</System><EventData Name='DNS_EVENT_DS_OPEN_WAIT'></EventData><RenderingInfo Culture='fr-FR'><Message>Le serveur DNS attend …</Message><Level>Avertissement</Level><Task></Task><Opcode>Informations</Opcode>…</RenderingInfo></Event></Events>
`
	// §1a: classic-provider positional values (DarkCTF 2020 write-up); the
	// excerpt's two lines are the System content and the EventData.
	sampleClassicSystem = `<Provider Name='PowerShell'/><EventID Qualifiers='0'>400</EventID>…<Channel>Windows PowerShell</Channel>…`
	sampleClassicData   = `<EventData><Data>Available</Data><Data>None</Data><Data>  NewEngineState=Available …</Data></EventData>`
	// §2: AWS CloudWatch Windows event-log integration test fixture.
	sampleRenderedXML = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Service Control Manager' Guid='{…}' EventSourceName='Service Control Manager'/><EventID Qualifiers='16384'>7036</EventID>…<TimeCreated SystemTime='2023-05-22T14:43:53.1670895Z'/><EventRecordID>64199</EventRecordID>…<Channel>System</Channel>…</System><EventData><Data Name='param1'>AppX Deployment Service (AppXSVC)</Data><Data Name='param2'>running</Data><Binary>4100…</Binary></EventData><RenderingInfo Culture='en-US'><Message>The AppX Deployment Service (AppXSVC) service entered the running state.</Message>…<Keywords><Keyword>Classic</Keyword></Keywords></RenderingInfo></Event>`
)

// sampleClassic wraps the classic excerpt the way Event Viewer saves it.
var sampleClassic = `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` + sampleClassicSystem + `</System>` + sampleClassicData + `</Event></Events>`

// haEvent is a HighAvailability event in $e.ToXml()'s shape: values are
// UserData/EventXML children (§6, after CSS-Exchange CollectOverMetrics.ps1).
// Its numbers are ours; the element names are the ones §6 cites.
func haEvent(record int, server string) string {
	return `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Exchange-HighAvailability'/><EventID>300</EventID><Level>2</Level><TimeCreated SystemTime='2026-04-10T08:00:0` + string(rune('0'+record%10)) + `.000000000Z'/><EventRecordID>` + itoa(record) + `</EventRecordID><Channel>Microsoft-Exchange-HighAvailability/Operational</Channel><Computer>` + server + `</Computer></System><UserData><EventXML xmlns='myNs'><DatabaseName>DB01</DatabaseName><ActionInitiator>Automatic</ActionInitiator><ActiveServer>` + server + `</ActiveServer><ElapsedTime>12</ElapsedTime></EventXML></UserData></Event>`
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		if n /= 10; n == 0 {
			return s
		}
	}
}

func mustTime(s string) time.Time {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return tm
}

// TestXMLSamples reads each public sample into the record the .evtx reader
// would give.
func TestXMLSamples(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		format Format
		want   Record
		values string
	}{
		{"Event Viewer Save as XML, fr-FR", sampleSaveAsXML, EventViewerXML,
			Record{Line: 2},
			"Message=Le serveur DNS attend …\n"},
		{"classic provider, positional values", sampleClassic, EventViewerXML,
			Record{Line: 2},
			"=Available\n=None\n=  NewEngineState=Available …\n"},
		{"wevtutil /f:RenderedXml", sampleRenderedXML, EventXMLStream,
			Record{Line: 1},
			"param1=AppX Deployment Service (AppXSVC)\nparam2=running\nBinary=4100…\nMessage=The AppX Deployment Service (AppXSVC) service entered the running state.\n"},
		{"ToXml with UserData", haEvent(7, "EXCH1"), EventXMLStream,
			Record{Line: 1},
			"DatabaseName=DB01\nActionInitiator=Automatic\nActiveServer=EXCH1\nElapsedTime=12\n"},
	}
	tests[0].want.Event.Provider, tests[0].want.EventID, tests[0].want.RecordID = "Microsoft-Windows-DNS-Server-Service", 4013, 183
	tests[0].want.Time, tests[0].want.Channel, tests[0].want.Computer = mustTime("2025-02-19T13:25:02.6560439Z"), "DNS Server", "SRVWIN-EKO.Ekoloclast.lan"
	tests[1].want.Provider, tests[1].want.EventID, tests[1].want.Channel = "PowerShell", 400, "Windows PowerShell"
	tests[2].want.Provider, tests[2].want.EventID, tests[2].want.RecordID = "Service Control Manager", 7036, 64199
	tests[2].want.Time, tests[2].want.Channel = mustTime("2023-05-22T14:43:53.1670895Z"), "System"
	tests[3].want.Provider, tests[3].want.EventID, tests[3].want.RecordID, tests[3].want.Level = "Microsoft-Exchange-HighAvailability", 300, 7, 2
	tests[3].want.Time, tests[3].want.Channel, tests[3].want.Computer = mustTime("2026-04-10T08:00:07Z"), "Microsoft-Exchange-HighAvailability/Operational", "EXCH1"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, st, err := readAll(t, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != tc.format || st.Records != 1 || len(recs) != 1 || st.Damaged() {
				t.Fatalf("format %v, %d records, problems %v; want %v, 1 record, none", st.Format, st.Records, st.Problems, tc.format)
			}
			if len(st.Lacks) != 0 {
				t.Errorf("lacks %q: XML carries all an .evtx does", st.Lacks)
			}
			got := recs[0]
			if v := valuesText(got.Values); v != tc.values {
				t.Errorf("values:\n%s\nwant:\n%s", v, tc.values)
			}
			tc.want.File = "sample"
			if g, w := systemText(got), systemText(tc.want); g != w {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

// TestXMLEncodings reads one stream in every encoding an export arrives in.
func TestXMLEncodings(t *testing.T) {
	// A value outside ASCII proves the text was decoded, not just passed.
	stream := strings.Replace(haEvent(1, "EXCH1")+"\r\n"+haEvent(2, "EXCH2")+"\r\n", "DB01", "DB-Zürich", 2)
	declared := `<?xml version="1.0" encoding="UTF-16" standalone="yes"?>` + "\r\n<Events>" + strings.Replace(haEvent(3, "EXCH3"), "DB01", "DB-Zürich", 1) + "</Events>"
	for _, e := range encodings {
		for _, in := range []string{stream, declared} {
			recs, st, err := readAll(t, encode(t, in, e))
			if err != nil {
				t.Fatalf("%v: %v", e, err)
			}
			if st.Encoding != e || st.Damaged() || len(recs) == 0 {
				t.Fatalf("%v: read as %v, %d records, problems %v", e, st.Encoding, len(recs), st.Problems)
			}
			if in == stream && (len(recs) != 2 || recs[1].Line != 2 || recs[1].Computer != "EXCH2") {
				t.Errorf("%v: records %+v; want EXCH1 on line 1, EXCH2 on line 2", e, recs)
			}
			if v := recs[0].Values[0].Value; v != "DB-Zürich" {
				t.Errorf("%v: DatabaseName %q", e, v)
			}
		}
	}
}

// TestXMLDamage checks that damaged exports keep every intact event and
// say where they broke.
func TestXMLDamage(t *testing.T) {
	ev := func(i int) string { return haEvent(i, "EXCH1") + "\n" }
	full := "<Events>\n" + ev(1) + ev(2) + ev(3) + "</Events>\n"
	cut := strings.Index(full, ev(3)) + len(ev(3))/2
	broken := strings.Replace(full, "<EventRecordID>2</EventRecordID>", "<EventRecordID>2</EventRecordI>", 1)
	tests := []struct {
		name    string
		in      string
		records []uint64
		lost    int
		line    int64
		says    string
	}{
		{"whole", full, []uint64{1, 2, 3}, 0, 0, ""},
		{"cut inside the third event", full[:cut], []uint64{1, 2}, 1, 4, "ends inside the event that starts on line 4"},
		{"cut after the last event", strings.TrimSuffix(full, "</Events>\n"), []uint64{1, 2, 3}, 0, 5, "cut off after its last complete event"},
		{"second event broken", broken, []uint64{1, 3}, 1, 3, "event that starts on line 3 is broken"},
		{"garbage between events", strings.Replace(full, ev(2), ev(2)+"<<>>junk\n", 1), []uint64{1, 2, 3}, 0, 4, "broken between events"},
		{"rootless, cut in a start tag", (ev(1) + ev(2))[:len(ev(1))+10], []uint64{1}, 0, 2, "cut off after its last complete event"},
		{"rootless, cut in an event", (ev(1) + ev(2))[:len(ev(1))+100], []uint64{1}, 1, 2, "ends inside the event that starts on line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, st, err := readAll(t, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint64
			for _, r := range recs {
				ids = append(ids, r.RecordID)
			}
			if len(ids) != len(tc.records) || st.Records != len(ids) || st.Lost != tc.lost {
				t.Fatalf("records %v (stats %d), %d lost; want %v, %d lost", ids, st.Records, st.Lost, tc.records, tc.lost)
			}
			for i := range ids {
				if ids[i] != tc.records[i] {
					t.Fatalf("records %v; want %v", ids, tc.records)
				}
			}
			if tc.says == "" {
				if st.Damaged() {
					t.Fatalf("problems %v in an intact export", st.Problems)
				}
				return
			}
			if len(st.Problems) != 1 {
				t.Fatalf("problems %v; want one", st.Problems)
			}
			p := st.Problems[0]
			if p.Line != tc.line || !strings.Contains(p.Message, tc.says) || p.File != "sample" {
				t.Errorf("problem %q at line %d; want line %d saying %q", p.Error(), p.Line, tc.line, tc.says)
			}
		})
	}
}

// TestXMLCaps checks that a hostile event cannot grow memory: its values
// are cut at the caps, the cut is reported, and the next event is read.
func TestXMLCaps(t *testing.T) {
	many := strings.Repeat("<Data>x</Data>", maxValues+10)
	long := strings.Repeat("y", maxEventText+10)
	in := "<Event><System><EventRecordID>1</EventRecordID></System><EventData>" + many + "<Data>" + long + "</Data></EventData></Event>\n" + haEvent(2, "EXCH1")
	recs, st, err := readAll(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(recs[0].Values) != maxValues || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, "the rest was not read") {
		t.Fatalf("%d records, %d values, problems %v", len(recs), len(recs[0].Values), st.Problems)
	}
}

// TestXMLBadTime keeps an event whose time does not parse, and says so.
func TestXMLBadTime(t *testing.T) {
	in := strings.Replace(haEvent(1, "EXCH1"), "2026-04-10T08:00:01.000000000Z", "yesterday", 1)
	recs, st, err := readAll(t, []byte(in))
	if err != nil || len(recs) != 1 || !recs[0].Time.IsZero() || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, `"yesterday"`) {
		t.Fatalf("err %v, records %+v, problems %v", err, recs, st.Problems)
	}
}

// TestReadRefuses names formats it recognises but does not read, and input
// that is no export at all.
func TestReadRefuses(t *testing.T) {
	for in, want := range map[string]error{
		"Level\tDate and Time\tSource\tEvent ID\tTask Category\n": ErrUnreadable,
		"Level,Date and Time,Source,Event ID,Task Category\n":     ErrUnreadable,
		"hello, world\n": ErrNotExport,
		"":               ErrNotExport,
		"ElfFile\x00":    ErrNotExport,
	} {
		_, _, err := readAll(t, []byte(in))
		if err == nil || !errors.Is(err, want) {
			t.Errorf("%q: %v; want %v", in, err, want)
		}
		if want == ErrUnreadable && err != nil && !strings.Contains(err.Error(), "wevtutil epl") {
			t.Errorf("%q: %v does not say what to send instead", in, err)
		}
	}
}

// TestXMLUTF16OddByte keeps the events of a UTF-16 export cut in the
// middle of a character, and says the text ends there.
func TestXMLUTF16OddByte(t *testing.T) {
	full := encode(t, haEvent(1, "EXCH1")+"\r\n"+haEvent(2, "EXCH2")+"\r\n", "utf-16le (bom)")
	recs, st, err := readAll(t, full[:len(full)-201])
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, "ends inside the event that starts on line 2") || !strings.Contains(st.Problems[0].Message, "odd byte") {
		t.Fatalf("%d records, problems %v", len(recs), st.Problems)
	}
}
