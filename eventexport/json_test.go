package eventexport

import (
	"strings"
	"testing"
)

// §3b's public excerpts, made whole: the keys and values they show are
// verbatim; ProviderName, LogName, MachineName and RecordId, which they
// cut, are ours.
const (
	sampleJSON51 = "[\r\n    {\r\n        \"Id\":  13,\r\n        \"Level\":  4,\r\n        \"RecordId\":  77,\r\n        \"ProviderName\":  \"Microsoft-Windows-Hyper-V-Netvsc\",\r\n        \"LogName\":  \"System\",\r\n        \"MachineName\":  \"HV01\",\r\n" +
		"        \"TimeCreated\":  \"\\/Date(1595374458918)\\/\",\r\n        \"Properties\":  [\r\n                           \"System.Diagnostics.Eventing.Reader.EventProperty\",\r\n                           \"System.Diagnostics.Eventing.Reader.EventProperty\"\r\n                       ],\r\n" +
		"        \"Message\":  \"Miniport NIC \\u0027Microsoft Hyper-V Network Adapter #3\\u0027 disconnected\"\r\n    }\r\n]\r\n"
	sampleJSON7 = `{ "Id": 142, "Level": 2, "RecordId": 9, "ProviderName": "Microsoft-Windows-WinRM", "LogName": "Microsoft-Windows-WinRM/Operational", "MachineName": "WS01",
  "UserId": { "BinaryLength": 12, "AccountDomainSid": null, "Value": "S-1-5-18" },
  "TimeCreated": "2022-05-20T03:01:30.2834368-04:00",
  "Properties": [ { "Value": "Enumeration" }, { "Value": 2150858770 } ],
  "Bookmark": {},
  "Message": "WSMan operation Enumeration failed, error code 2150858770" }`
)

func TestWinEventJSON(t *testing.T) {
	tests := []struct {
		name, in, want, values string
		lacks                  int
	}{
		{"5.1, UTF-16 with BOM", string(encode(t, sampleJSON51, "utf-16le (bom)")),
			"file=sample line=0 record=77 time=2020-07-21T23:34:18.918Z computer=HV01 channel=System provider=Microsoft-Windows-Hyper-V-Netvsc id=13 level=4",
			"Message=Miniport NIC 'Microsoft Hyper-V Network Adapter #3' disconnected\n", 1},
		{"7, one object", sampleJSON7,
			"file=sample line=0 record=9 time=2022-05-20T07:01:30.2834368Z computer=WS01 channel=Microsoft-Windows-WinRM/Operational provider=Microsoft-Windows-WinRM id=142 level=2",
			"=Enumeration\n=2150858770\nMessage=WSMan operation Enumeration failed, error code 2150858770\n", 0},
	}
	for _, tc := range tests {
		recs, st, err := readAll(t, []byte(tc.in))
		if err != nil || st.Format != WinEventJSON || len(recs) != 1 || st.Damaged() || len(st.Lacks) != tc.lacks {
			t.Fatalf("%s: format %v, %d records, problems %v, lacks %q, %v", tc.name, st.Format, len(recs), st.Problems, st.Lacks, err)
		}
		if got := systemText(recs[0]); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
		if v := valuesText(recs[0].Values); v != tc.values {
			t.Errorf("%s: values %q", tc.name, v)
		}
	}
}

// A truncated array keeps every whole object and names the cut one.
func TestWinEventJSONDamage(t *testing.T) {
	two := "[" + sampleJSON7 + ",\r\n" + sampleJSON7 + "]"
	recs, st, err := readAll(t, []byte(two[:len(two)-60]))
	if err != nil || len(recs) != 1 || st.Lost != 1 || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, "truncated") || st.Problems[0].Offset == 0 {
		t.Fatalf("%d records, %d lost, problems %v, %v", len(recs), st.Lost, st.Problems, err)
	}
	recs, st, err = readAll(t, []byte(strings.Replace(two, `"Level": 2,`, `"Level": 2,,`, 1)))
	if err != nil || len(recs) != 0 || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, "broken") {
		t.Fatalf("broken: %d records, problems %v, %v", len(recs), st.Problems, err)
	}
}

// Text after the array is read to the end and named.
func TestWinEventJSONTrailing(t *testing.T) {
	recs, st, err := readAll(t, []byte("["+sampleJSON7+"]\r\n\r\n"))
	if err != nil || len(recs) != 1 || st.Damaged() {
		t.Fatalf("clean end: %d records, problems %v, %v", len(recs), st.Problems, err)
	}
	recs, st, err = readAll(t, []byte("["+sampleJSON7+"]\r\nPS C:\\> "))
	if err != nil || len(recs) != 1 || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].Message, "6 bytes of text after the events") {
		t.Fatalf("trailing: %d records, problems %v, %v", len(recs), st.Problems, err)
	}
}
