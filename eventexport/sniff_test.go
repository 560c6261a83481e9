package eventexport

import "testing"

// TestSniff recognises each first text of event-exports.md §0, in any
// encoding, and nothing else.
func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want Format
	}{
		{sampleSaveAsXML, EventViewerXML},
		{sampleRenderedXML, EventXMLStream},
		{"\r\n  " + sampleRenderedXML, EventXMLStream},
		{`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>`, EventXMLStream},
		{"<root><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>", EventXMLStream},
		{"<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>", EventXMLStream},
		{`<?xml version="1.0"?>` + "\n<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>", EventXMLStream},
		{`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">`, CLIXML},
		{"<?xml version=\"1.0\"?>\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">", CLIXML},
		{"Event[0]:\r\n  Log Name: Application\r\n  Source: WLMS\r\n", WevtutilText},
		{"Level,Date and Time,Source,Event ID,Task Category\r\n", EventViewerCSV},
		{"Level\tDate and Time\tSource\tEvent ID\tTask Category\r\nInformation\t4/16/2020 3:47:36 PM\t", EventViewerText},
		{"#TYPE System.Diagnostics.EventLogEntry#system/Microsoft-Windows-GroupPolicy/1500\r\n\"EventID\",\"MachineName\",\"Data\",\"Index\"", EventLogCSV},
		{"\"EventID\",\"MachineName\",\"Data\",\"Index\",\"Category\"\r\n", EventLogCSV},
		{"#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\r\n\"Message\",\"Id\",\"Version\",\"Qualifiers\",\"Level\"\r\n", WinEventCSV},
		{"\"Message\",\"Id\",\"Version\",\"Qualifiers\",\"Level\",\"Task\"\r\n", WinEventCSV},
		{"\"Message\";\"Id\";\"Version\";\"Qualifiers\";\"Level\";\"Task\"\r\n", WinEventCSV},
		{"#TYPE Some.Other.Type\r\n\"Message\",\"Id\",\"Version\",\"Qualifiers\",\"Level\"\r\n", WinEventCSV},
		{"[\r\n    {\r\n        \"Id\":  13,\r\n        \"ProviderName\":  \"e1iexpress\",\r\n        \"TimeCreated\":  \"\\/Date(1595374458918)\\/\",", WinEventJSON},
		{`{"Id": 1, "ProviderName": "x", "TimeCreated": "2022-05-20T03:01:30.2834368-04:00"}`, WinEventJSON},
		{`{"@timestamp": "2022-05-20T03:01:30Z", "winlog": {}}`, Unknown},
		{"ElfFile\x00", Unknown},
		{"PK\x03\x04", Unknown},
		{"#Software: Microsoft Exchange Server\r\n#Fields: date-time,client-ip", Unknown},
		{"<html><body>", Unknown},
		{"<?xml version=\"1.0\"", Unknown},
		{"", Unknown},
	}
	for _, tc := range tests {
		for _, e := range encodings[:6] {
			head := encode(t, tc.head, e)
			if tc.head == "ElfFile\x00" || tc.head == "PK\x03\x04" {
				head = []byte(tc.head) // binary formats come only as they are
			}
			if got := Sniff(head); got != tc.want {
				t.Errorf("%v %q: %v; want %v", e, tc.head, got, tc.want)
			}
		}
	}
}
