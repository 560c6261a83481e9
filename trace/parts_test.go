package trace

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestSplitMulti(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"alice@contoso.test", []string{"alice@contoso.test"}},
		{"alice@contoso.test;bob@contoso.test", []string{"alice@contoso.test", "bob@contoso.test"}},
		{"a@contoso.test; b@contoso.test", []string{"a@contoso.test", "b@contoso.test"}},
		{"'o''brien@contoso.test';'semi;colon@contoso.test';plain@contoso.test", []string{"o'brien@contoso.test", "semi;colon@contoso.test", "plain@contoso.test"}},
		{"'" + ledAF + "'", []string{ledAF}},
		{"250 2.1.5 Recipient OK;'" + statusETR + "'", []string{"250 2.1.5 Recipient OK", statusETR}},
		// A hand-joined export does not quote the blob: its ';' must not split it.
		{blob520 + ";250 2.1.5 Recipient OK", []string{blob520, "250 2.1.5 Recipient OK"}},
		{"a;;b", []string{"a", "", "b"}},
		{"'never closed;x", []string{"'never closed", "x"}},
		{"x@y;", []string{"x@y", ""}},
	}
	for _, tc := range tests {
		if got := SplitMulti(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SplitMulti(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want StatusParts
	}{
		{"none", "250 2.1.5 Recipient OK", StatusParts{}},
		{"2016 order", blob520, StatusParts{Found: true,
			LED:  "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)",
			FQDN: "mx.partner.example", IP: "192.0.2.25"}},
		{"detail with prefix and ';' inside LED", "Reason: [{LED=" + ledAF + "};{MSG=};{FQDN=};{IP=};{LRT=}]", StatusParts{Found: true, LED: ledAF}},
		{"2013 order", "[{LRT=10/7/2020 7:27:20 PM};{LED=451 4.4.0 DNS query failed};{FQDN=mx.partner.example};{IP=}]",
			StatusParts{Found: true, LRT: "10/7/2020 7:27:20 PM", LED: "451 4.4.0 DNS query failed", FQDN: "mx.partner.example"}},
		{"brace inside a value", "[{LED=550 5.7.1 {weird};{x} text};{MSG=m};{FQDN=};{IP=};{LRT=}]",
			StatusParts{Found: true, LED: "550 5.7.1 {weird};{x} text", MSG: "m"}},
		{"cut short", "[{LED=550 5.4.1 Recipient address rejected", StatusParts{Found: true, LED: "550 5.4.1 Recipient address rejected"}},
		{"not a blob", "[{foo}]", StatusParts{}},
	}
	for _, tc := range tests {
		if got := ParseStatus(tc.in); got != tc.want {
			t.Errorf("%s: ParseStatus = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestParseStamp(t *testing.T) {
	utc := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339Nano, s); return tm }
	ny, _ := ParseZone("America/New_York")
	tests := []struct {
		in    string
		order DateOrder
		loc   *time.Location
		want  string // "" = rejected
		class dateClass
	}{
		{"2024-01-25T15:16:09.843Z", DateAuto, nil, "2024-01-25T15:16:09.843Z", classNeutral},
		{"2024-05-07T10:15:31.4570000Z", DateAuto, nil, "2024-05-07T10:15:31.457Z", classNeutral},
		{"2024-05-07T10:15:31.123456789123Z", DateAuto, nil, "2024-05-07T10:15:31.123456789Z", classNeutral},
		{"2020-10-07T19:27:20+02:00", DateAuto, ny, "2020-10-07T17:27:20Z", classNeutral},
		{"2020-10-07T19:27:20-0530", DateAuto, nil, "2020-10-08T00:57:20Z", classNeutral},
		{"2020-10-07 19:27:20", DateAuto, ny, "2020-10-07T23:27:20Z", classNeutral},
		{"2020/10/07 19:27", DateAuto, nil, "2020-10-07T19:27:00Z", classNeutral},
		{"07.10.2020 19:27:20", DateDMY, nil, "2020-10-07T19:27:20Z", classOpen},
		{"7.10.2020 9:27:20", DateDMY, nil, "2020-10-07T09:27:20Z", classOpen},
		{"10/7/2020 7:27:20 PM", DateMDY, nil, "2020-10-07T19:27:20Z", classOpen},
		{"10/7/2020 12:05:00 AM", DateMDY, nil, "2020-10-07T00:05:00Z", classOpen},
		{"10/7/2020 12:05:00 PM", DateMDY, nil, "2020-10-07T12:05:00Z", classOpen},
		{"10/7/2020 07:27:20 p.m.", DateMDY, nil, "2020-10-07T19:27:20Z", classOpen},
		{"25/12/2020 23:00:00", DateDMY, nil, "2020-12-25T23:00:00Z", classDMY},
		{"12/25/2020 11:00:00 PM", DateMDY, nil, "2020-12-25T23:00:00Z", classMDY},
		{"07.07.2020 10:00:00", DateAuto, nil, "2020-07-07T10:00:00Z", classNeutral},
		{"2020-10-07", DateAuto, nil, "2020-10-07T00:00:00Z", classNeutral},
		{"07-10-2020 19:27:20", DateDMY, nil, "2020-10-07T19:27:20Z", classOpen},
		{"29.02.2023 10:00:00", DateDMY, nil, "", classDMY}, // no 29 February in 2023
		{"2020-13-01T00:00:00Z", DateAuto, nil, "", classNeutral},
		{"10/7/2020 13:27:20 PM", DateMDY, nil, "", classOpen},
		{"2020-10-07T24:00:00Z", DateAuto, nil, "", classNeutral},
		{"2020-10-07T19:27:20Zjunk", DateAuto, nil, "", 0},
		{"yesterday", DateAuto, nil, "", 0},
		{"", DateAuto, nil, "", 0},
		{"2020-10-07T19:27:20+99:00", DateAuto, nil, "", 0},
	}
	for _, tc := range tests {
		st, ok := parseStamp(tc.in)
		got := ""
		if ok {
			if tm, valid := st.utc(tc.order, tc.loc); valid {
				got = tm.Format(time.RFC3339Nano)
				if !tm.Equal(utc(tc.want)) {
					t.Errorf("%q: %v", tc.in, tm)
				}
			}
			if st.class() != tc.class {
				t.Errorf("%q: class %d, want %d", tc.in, st.class(), tc.class)
			}
		}
		if got != tc.want {
			t.Errorf("parse %q (%v) = %q, want %q", tc.in, tc.order, got, tc.want)
		}
	}
}

func TestParseZone(t *testing.T) {
	at := time.Date(2020, 7, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		offset int // seconds east at 2020-07-01
		nilLoc bool
		bad    bool
	}{
		{in: "", nilLoc: true},
		{in: "UTC"}, {in: "z"}, {in: "GMT"},
		{in: "-05:00", offset: -5 * 3600},
		{in: "+0530", offset: 5*3600 + 1800},
		{in: "+2", offset: 2 * 3600},
		{in: "UTC+02:00", offset: 2 * 3600},
		{in: "GMT-3", offset: -3 * 3600},
		{in: "Europe/Berlin", offset: 2 * 3600}, // summer time
		{in: "America/New_York", offset: -4 * 3600},
		{in: "+25:00", bad: true},
		{in: "W. Europe Standard Time", bad: true},
		{in: "Mars/Olympus", bad: true},
	}
	for _, tc := range tests {
		loc, err := ParseZone(tc.in)
		switch {
		case tc.bad:
			if err == nil || !strings.Contains(err.Error(), tc.in) {
				t.Errorf("ParseZone(%q) error = %v, want one naming the value", tc.in, err)
			}
		case err != nil:
			t.Errorf("ParseZone(%q): %v", tc.in, err)
		case tc.nilLoc:
			if loc != nil {
				t.Errorf("ParseZone(%q) = %v, want nil (unknown)", tc.in, loc)
			}
		default:
			if _, off := at.In(loc).Zone(); off != tc.offset {
				t.Errorf("ParseZone(%q) offset %d, want %d", tc.in, off, tc.offset)
			}
		}
	}
}

func TestParseDateOrder(t *testing.T) {
	for in, want := range map[string]DateOrder{"": DateAuto, "auto": DateAuto, "dmy": DateDMY, "DD.MM.YYYY": DateDMY, "mdy": DateMDY, "MM/dd/yyyy": DateMDY} {
		if got, err := ParseDateOrder(in); err != nil || got != want {
			t.Errorf("ParseDateOrder(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseDateOrder("ymd"); err == nil {
		t.Error("ParseDateOrder(ymd) accepted")
	}
}

// Sniff works on a cut-off head, even one cut inside a UTF-16 code unit, as
// long as it holds the header line (the extended report's is ~1 KiB in UTF-16).
func TestSniffPartialHead(t *testing.T) {
	data := encodeUTF16(extendedReport(), false, false)
	for _, n := range []int{1100, 1501, len(data)} {
		if d, ok := Sniff(data[:n]); !ok || d != DialectExtendedReport {
			t.Errorf("Sniff(first %d bytes) = %v, %v", n, d, ok)
		}
	}
	raw := []byte("\uFEFF#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.039\r\n#Log-type: Message Tracking Log\r\n")
	if d, ok := Sniff(raw); !ok || d != DialectTrackingLog {
		t.Errorf("Sniff(raw header without #Fields yet) = %v, %v", d, ok)
	}
	if _, ok := Sniff([]byte("#Software: Microsoft Exchange Server\r\n")); ok {
		t.Error("Sniff accepted a header that could be any Exchange log")
	}
}

// Reading one byte at a time splits UTF-16 code units, surrogate pairs and
// CRLFs across reads; the rows must not change.
func TestReadOneByteAtATime(t *testing.T) {
	inputs := map[string][]byte{
		"raw":      []byte(rawLog()),
		"extended": encodeUTF16(extendedReport()+quoteAll(",", fill(headerExtended, map[string]string{"date_time_utc": "2024-05-07T10:15:30Z", "event_id": "RECEIVE", "message_subject": "emoji 📨 and 𝄞"})...), false, false),
		"detail":   encodeUTF16(traceDetail(), true, true),
		"summary":  []byte(enhancedSummary("origin_timestamp_utc")),
	}
	for name, data := range inputs {
		want, wantSt := mustRead(t, name, data, Options{})
		var got []*Row
		st, err := Read(name, iotest.OneByteReader(bytes.NewReader(data)), Options{}, func(r *Row) error {
			got = append(got, r)
			return nil
		})
		if err != nil || len(got) != len(want) || st.ProblemCount != wantSt.ProblemCount {
			t.Fatalf("%s: %d rows, err %v; want %d", name, len(got), err, len(want))
		}
		for i := range want {
			if got[i].Subject != want[i].Subject || got[i].Line != want[i].Line || got[i].Recipient != want[i].Recipient {
				t.Errorf("%s row %d differs: %+v vs %+v", name, i, got[i], want[i])
			}
		}
		if name == "extended" && got[len(got)-1].Subject != "emoji 📨 and 𝄞" {
			t.Errorf("surrogate pairs: %q", got[len(got)-1].Subject)
		}
	}
}

// A record beyond MaxRecordBytes is reported and skipped; the next is read.
func TestLongRecord(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	data := crlf(strings.Join([]string{
		"date_time_utc,event_id,message_subject",
		"2024-05-07T10:15:30Z,RECEIVE," + long,
		`2024-05-07T10:15:31Z,RECEIVE,"` + long + `"`,
		"2024-05-07T10:15:32Z,RECEIVE,short",
		`2024-05-07T10:15:33Z,RECEIVE,"never closes`,
	}, "\n") + "\n" + strings.Repeat("filler line\r\n", 20))
	rows, st := mustRead(t, "long.csv", []byte(data), Options{MaxRecordBytes: 64 << 10})
	if len(rows) != 1 || rows[0].Line != 4 {
		t.Fatalf("rows %d (%v)", len(rows), st.Problems)
	}
	var lines []int64
	for _, p := range st.Problems {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int64{2, 3, 5}) || !strings.Contains(st.Problems[2].Message, "never closes") {
		t.Errorf("problems %v", st.Problems)
	}
}

func TestUnjoinedArrays(t *testing.T) {
	rows, st := mustRead(t, "ps.csv", []byte(trackingCSV()), Options{Location: time.UTC})
	r := rows[3] // line 6
	if r.Line != 6 || r.Recipient != "" || r.Status != "" || len(r.Warnings) != 3 {
		t.Fatalf("line %d recipient %q status %q warnings %q", r.Line, r.Recipient, r.Status, r.Warnings)
	}
	if !strings.Contains(r.Warnings[0], "the export did not join array columns") {
		t.Errorf("warning %q", r.Warnings[0])
	}
	if v := extra(t, r, "Reference"); v != "System.String[]" {
		t.Errorf("Extra keeps what the file holds: Reference = %q", v)
	}
	if len(st.Warnings) != 3 || st.Warnings[0].Line != 6 || !strings.Contains(st.Warnings[0].Message, "-join ';'") {
		t.Errorf("file warnings %v", st.Warnings)
	}
}

func TestStringers(t *testing.T) {
	for _, d := range []Dialect{DialectTrackingLog, DialectTrackingCSV, DialectMessageTrace, DialectMessageTraceDetail, DialectExtendedReport, DialectEnhancedSummary} {
		if s := d.String(); s == "" || strings.HasPrefix(s, "Dialect(") {
			t.Errorf("dialect %d has no name", d)
		}
	}
	if s := (Problem{File: "a.log", Line: 3, Message: "m"}).String(); s != "a.log:3: m" {
		t.Errorf("Problem.String = %q", s)
	}
	if ZoneUnknown.String() != "unknown" || EncodingUTF16LENoBOM.String() != "utf-16le" || DateMDY.String() != "mdy" {
		t.Error("stringers changed")
	}
}

// An export in an ANSI code page is not UTF-8: the reader says so once and
// keeps the bytes as they are rather than guess the code page.
func TestInvalidUTF8Kept(t *testing.T) {
	data := "Timestamp,EventId,MessageSubject\r\n2020-10-07 19:27:20,RECEIVE,ok\r\n2020-10-07 19:27:21,RECEIVE,M\xfcller Gr\xfc\xdfe\r\n"
	rows, st := mustRead(t, "ansi.csv", []byte(data), Options{Location: time.UTC})
	if len(rows) != 2 || rows[1].Subject != "M\xfcller Gr\xfc\xdfe" {
		t.Fatalf("rows %d subject %q", len(rows), rows[len(rows)-1].Subject)
	}
	if len(st.Warnings) != 2 || st.Warnings[1].Line != 3 || !strings.Contains(st.Warnings[1].Message, "not valid UTF-8") {
		t.Errorf("warnings %v", st.Warnings)
	}
}

func TestNilEmitCounts(t *testing.T) {
	st, err := Read("x", strings.NewReader(extendedReport()), Options{}, nil)
	if err != nil || st.Rows != 3 {
		t.Errorf("rows %d err %v", st.Rows, err)
	}
}

// Hostile values must be handled in linear time: a quadratic split of these
// 1 MB values would not finish within the test timeout.
func TestHostileValuesLinear(t *testing.T) {
	const n = 1 << 18
	values := []string{
		strings.Repeat("[{;", n),
		strings.Repeat("';", n),
		strings.Repeat("'x", n),
		"[{LED=" + strings.Repeat("};{", n),
		"[{LED=" + strings.Repeat("};{LED", n),
		strings.Repeat("a;", n),
	}
	for _, v := range values {
		SplitMulti(v)
		ParseStatus(v)
		parseParts(v)
	}
	row := quoteAll(",", "2024-05-07T10:15:30Z", "DELIVER", values[0], values[3])
	data := "date_time_utc,event_id,recipient_address,recipient_status\r\n" + row + "\r\n"
	// 262,145 recipients in one record: rows are made and emitted one at a time.
	st, err := Read("hostile.csv", strings.NewReader(data), Options{}, nil)
	if err != nil || st.Records != 1 || st.Rows != n+1 {
		t.Errorf("records %d rows %d err %v", st.Records, st.Rows, err)
	}
}
