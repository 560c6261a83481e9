package eventexport

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzReadXML feeds arbitrary bytes to the XML readers: no panic, no
// record without its file, every problem placed and worded, and the
// records an intact prefix holds survive whatever follows it.
func FuzzReadXML(f *testing.F) {
	f.Add([]byte(sampleSaveAsXML))
	f.Add([]byte(sampleClassic))
	f.Add([]byte(sampleRenderedXML))
	f.Add([]byte(haEvent(1, "EXCH1") + "\n" + haEvent(2, "EXCH2")))
	f.Add([]byte("<root>" + haEvent(1, "EXCH1") + "</root>"))
	f.Add(encode(f, haEvent(3, "EXCH3"), "utf-16le (bom)"))
	f.Add(encode(f, haEvent(4, "EXCH4"), "utf-16le"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Read("fuzz", bytes.NewReader(data), Options{}, func(r *Record) {
			if r.File != "fuzz" || r.Line < 1 {
				t.Fatalf("record without file or line: %+v", r)
			}
		})
		if err != nil {
			return // not an export: the error says so
		}
		if st.Records < 0 || st.Bytes < 0 {
			t.Fatalf("stats %+v", st)
		}
		checkProblems(t, st, 0)
		// An intact event before the input keeps being read in full.
		prefix := haEvent(9, "EXCH9") + "\n"
		if !st.Format.Readable() || bytes.HasPrefix(data, []byte{0xFF}) || bytes.HasPrefix(data, []byte{0xFE}) || bytes.HasPrefix(data, []byte{0xEF}) {
			return
		}
		var first *Record
		if _, err := Read("fuzz", strings.NewReader(prefix+string(data)), Options{}, func(r *Record) {
			if first == nil {
				c := *r
				first = &c
			}
		}); err != nil {
			t.Fatalf("with an event before it: %v", err)
		}
		if first == nil || first.RecordID != 9 || len(first.Values) != 4 {
			t.Fatalf("the intact first event was not read whole: %+v", first)
		}
	})
}

// FuzzReadCSV feeds arbitrary rows after a Get-WinEvent | Export-Csv
// header, or Get-EventLog's: no panic, every record and problem placed.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(winEventRow(",", sysmonRow("5/31/2026 4:36:21 PM", 1657))), false)
	f.Add([]byte(winEventRow(",", sysmonRow("31.05.2026 16:36:21", 1))+winEventRow(",", sysmonRow("3/4/2026 1:00:00 PM", 2))), false)
	f.Add([]byte(`"unterminated,"5"`+"\r\n"), false)
	f.Add([]byte("\"a\"\"b\",\"\"\"\r\n\r\n,,,\n"), true)
	_, eventLogRows, _ := strings.Cut(sampleEventLogCSV, "\n")
	_, eventLogRows, _ = strings.Cut(eventLogRows, "\n")
	f.Add([]byte(eventLogRows), true)
	winEvent := winEventCSV(false, ",")
	eventLog := strings.TrimSuffix(sampleEventLogCSV, eventLogRows)
	f.Fuzz(func(t *testing.T, rows []byte, classic bool) {
		header, want := winEvent, WinEventCSV
		if classic {
			header, want = eventLog, EventLogCSV
		}
		st, err := Read("fuzz", strings.NewReader(header+string(rows)), Options{}, func(r *Record) {
			if r.File != "fuzz" || r.Line < 2 {
				t.Fatalf("record without file or line: %+v", r)
			}
		})
		if err != nil && !(errors.Is(err, ErrNotExport) && strings.Contains(err.Error(), "NUL bytes")) {
			t.Fatalf("a CSV with a valid header: %v", err)
		}
		if err != nil {
			return
		}
		if st.Format != want || st.Records < 0 || st.Lost < 0 {
			t.Fatalf("stats %+v", st)
		}
		checkProblems(t, st, 2)
	})
}

// FuzzReadWevtutilText feeds arbitrary text after a first "Event[0]:"
// block: no panic, every record and problem placed.
func FuzzReadWevtutilText(f *testing.F) {
	f.Add([]byte(sampleWevtutilText))
	f.Add([]byte(haTextEvent(1, "2024-02-12T07:00:00.140") + "Event[2]:\r\n  Date: 31.12.2024 23:00:00\r\n  Description:"))
	f.Add([]byte("Event[x]:\r\nEvent[4294967296]:\r\n  :\r\n  Event ID: -1\r\n"))
	f.Fuzz(func(t *testing.T, rest []byte) {
		st, err := Read("fuzz", strings.NewReader("Event[0]:\r\n"+string(rest)), Options{}, func(r *Record) {
			if r.File != "fuzz" || r.Line < 1 || len(r.Values) > 1 {
				t.Fatalf("record %+v", r)
			}
		})
		if err != nil {
			if strings.Contains(err.Error(), "NUL bytes") {
				return
			}
			t.Fatalf("after a block start: %v", err)
		}
		if st.Format != WevtutilText || st.Records < 1 {
			t.Fatalf("stats %+v", st)
		}
		checkProblems(t, st, 1)
	})
}

// FuzzReadJSON feeds arbitrary JSON-ish text that sniffs as ConvertTo-Json
// output: no panic, every problem placed and worded.
func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(sampleJSON51))
	f.Add([]byte(sampleJSON7))
	f.Add([]byte("[" + sampleJSON7 + "," + sampleJSON7[:80]))
	f.Add([]byte(`[{"Id":"x","ProviderName":1,"TimeCreated":"/Date(-1)/","Properties":[{"Value":{"a":[1]}},null,3]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Read("fuzz", bytes.NewReader(data), Options{}, func(r *Record) {
			if r.File != "fuzz" {
				t.Fatalf("record without file: %+v", r)
			}
		})
		if err != nil || st.Format != WinEventJSON {
			return
		}
		checkProblems(t, st, 0)
	})
}

// FuzzReadCLIXML feeds arbitrary bytes (the seeds are CLIXML of both
// event types): no panic, every record and problem placed.
func FuzzReadCLIXML(f *testing.F) {
	f.Add([]byte(sampleCLIXMLRecord))
	f.Add([]byte(sampleCLIXMLEntry))
	f.Add([]byte(sampleCLIXMLRecord[:300]))
	f.Add([]byte(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj><TNRef RefId="9"/><MS><S N="Message">_x0000__xD800__xZZZZ_</S></MS></Obj></Objs>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Read("fuzz", bytes.NewReader(data), Options{}, func(r *Record) {
			if r.File != "fuzz" || r.Line < 0 {
				t.Fatalf("record without file or line: %+v", r)
			}
		})
		if err != nil {
			return
		}
		checkProblems(t, st, 0)
	})
}

// checkProblems fails t for a problem without its file or message, or on a
// line before minLine (0: lines are not checked, offsets must be >= 0).
func checkProblems(t *testing.T, st Stats, minLine int64) {
	t.Helper()
	for _, p := range st.Problems {
		if p.File != "fuzz" || p.Message == "" || p.Offset < 0 || p.Line < minLine {
			t.Fatalf("problem without file, place or message: %+v", p)
		}
	}
}
