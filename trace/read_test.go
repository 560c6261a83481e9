package trace

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// wantRow is what one emitted row must hold. time is RFC 3339 in UTC, ""
// when the row's time must be unknown.
type wantRow struct {
	line                                   int64
	time                                   string
	zone                                   Zone
	event, source, ctx                     string
	sender, rcpt, status, led, msgid, subj string
}

func (w wantRow) check(t *testing.T, i int, r *Row) {
	t.Helper()
	gotTime := ""
	if r.TimeKnown {
		gotTime = r.Time.Format(time.RFC3339Nano)
	}
	got := wantRow{r.Line, gotTime, r.Zone, r.Event, r.Source, r.SourceContext,
		r.Sender, r.Recipient, r.Status, r.StatusParts.LED, r.MessageID, r.Subject}
	if got != w {
		t.Errorf("row %d:\n got %#v\nwant %#v", i, got, w)
	}
	if r.Time.Location() != time.UTC {
		t.Errorf("row %d: time %v is not in UTC", i, r.Time)
	}
}

// asciiOnly is what Windows PowerShell 5.1's Export-Csv (ASCII by default)
// does to text it cannot encode.
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 127 {
			return '?'
		}
		return r
	}, s)
}

func mustZone(t *testing.T, s string) *time.Location {
	t.Helper()
	loc, err := ParseZone(s)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestReadDialects(t *testing.T) {
	newYork := mustZone(t, "America/New_York")
	led520 := "550 5.7.520 Access denied, Your organization does not allow external forwarding. Please contact your administrator for further assistance. AS(7555)"
	tests := []struct {
		name     string
		data     []byte
		opts     Options
		dialect  Dialect
		enc      Encoding
		delim    byte
		rows     []wantRow
		problems []int64 // lines with a per-line problem, in order
		skipped  int64
		warnings []string // substrings of file-level warnings, in order
	}{
		{
			name: "raw tracking log, UTF-8 BOM", data: append([]byte{0xEF, 0xBB, 0xBF}, rawLog()...),
			dialect: DialectTrackingLog, enc: EncodingUTF8BOM, delim: ',',
			rows: []wantRow{
				{6, "2024-03-04T08:00:01.123Z", ZoneUTC, "RECEIVE", "SMTP", "08DC3C1A2B3C4D5E;2024-03-04T08:00:00.998Z;0", "news@vendor.example", "alice@contoso.test", "", "", "<cafe01@contoso.test>", subjFormula},
				{6, "2024-03-04T08:00:01.123Z", ZoneUTC, "RECEIVE", "SMTP", "08DC3C1A2B3C4D5E;2024-03-04T08:00:00.998Z;0", "news@vendor.example", "bob@contoso.test", "", "", "<cafe01@contoso.test>", subjFormula},
				{7, "2024-03-04T08:00:02.5Z", ZoneUTC, "FAIL", "SMTP", "", "alice@contoso.test", "carol@partner.example", blob520, led520, "<cafe02@contoso.test>", subjComma},
				{7, "2024-03-04T08:00:02.5Z", ZoneUTC, "FAIL", "SMTP", "", "alice@contoso.test", "dave@partner.example", statusETR, "", "<cafe02@contoso.test>", subjComma},
				{8, "2024-03-04T08:00:03Z", ZoneUTC, "DROP", "ROUTING", "BlockAFToExternalUser", "alice@contoso.test", "alice.private@freemail.example", ledAF, "", "<cafe03@contoso.test>", subjScript},
				{10, "2024-03-04T08:00:05Z", ZoneUTC, "DELIVER", "STOREDRIVER", "", "bob@contoso.test", "o'brien@contoso.test", "250 2.1.5 Recipient OK", "", "", subjANSI},
				{10, "2024-03-04T08:00:05Z", ZoneUTC, "DELIVER", "STOREDRIVER", "", "bob@contoso.test", "semi;colon@contoso.test", "250 2.1.5 Recipient OK", "", "", subjANSI},
				{12, "2024-03-04T09:00:00Z", ZoneUTC, "DELIVER", "STOREDRIVER", "", "frank@contoso.test", "erin@contoso.test", "250 2.1.5 Recipient OK", "", "<cafe04@contoso.test>", subjEscapes},
				{13, "", ZoneUTC, "", "", "", "", "", "", "", "", ""},
			},
			problems: []int64{9, 13}, skipped: 1,
		},
		{
			name: "Get-MessageTrackingLog, PS 5.1 ASCII with #TYPE, zone given, month-first proved late",
			data: []byte(asciiOnly(trackingCSV())), opts: Options{Location: newYork},
			dialect: DialectTrackingCSV, enc: EncodingUTF8, delim: ',',
			rows: []wantRow{
				{3, "2020-10-07T23:27:20Z", ZoneGiven, "DROP", "ROUTING", "BlockAFToExternalUser", "alice@contoso.test", "alice.private@freemail.example", ledAF, "", "<af01@contoso.test>", subjFormula},
				{4, "2020-10-07T23:30:00Z", ZoneGiven, "RECEIVE", "SMTP", "", "news@vendor.example", "bob@contoso.test", "", "", "", asciiOnly("two\r\nlines " + subjIntl)},
				{4, "2020-10-07T23:30:00Z", ZoneGiven, "RECEIVE", "SMTP", "", "news@vendor.example", "carol@contoso.test", "", "", "", asciiOnly("two\r\nlines " + subjIntl)},
				{6, "2020-10-08T05:00:00Z", ZoneGiven, "DELIVER", "STOREDRIVER", "", "news@vendor.example", "", "", "", "", subjANSI},
				{7, "2020-10-13T16:00:00Z", ZoneGiven, "SEND", "SMTP", "", "bob@contoso.test", "dave@partner.example", "250 2.0.0 OK", "", "", subjScript},
			},
			warnings: []string{"Recipients holds \"System.String[]\"", "RecipientStatus holds", "Reference holds"},
		},
		{
			name: "Get-MessageTrackingLog, de-DE ';' UTF-8 BOM, dmy given, zone unknown",
			data: append([]byte{0xEF, 0xBB, 0xBF}, trackingCSVGerman()...), opts: Options{DateFormat: DateDMY},
			dialect: DialectTrackingCSV, enc: EncodingUTF8BOM, delim: ';',
			rows: []wantRow{
				{2, "2020-10-07T19:27:20Z", ZoneUnknown, "RECEIVE", "SMTP", "", "news@vendor.example", "alice@contoso.test", "", "", "", "Angebot; gültig bis Freitag"},
				{3, "2020-10-08T07:05:00Z", ZoneUnknown, "DELIVER", "STOREDRIVER", "", "news@vendor.example", "alice@contoso.test", "", "", "", subjIntl},
			},
			warnings: []string{"no column for ", "no time zone was given"},
		},
		{
			name: "Get-MessageTrace, UTF-16LE BOM", data: encodeUTF16(messageTrace(), false, true),
			dialect: DialectMessageTrace, enc: EncodingUTF16LE, delim: ',',
			rows: []wantRow{
				{2, "2024-03-14T16:05:06Z", ZoneUTC, "", "", "", "alice@contoso.test", "ext@partner.example", "Failed", "", "<m1@contoso.test>", subjIntl},
				{3, "2024-03-14T04:06:00Z", ZoneUTC, "", "", "", "alice@contoso.test", "bob@contoso.test", "Delivered", "", "<m2@contoso.test>", subjComma},
			},
		},
		{
			name: "Get-MessageTraceV2, de-DE ';' UTF-16LE without BOM", data: encodeUTF16(messageTraceV2German(), false, false),
			dialect: DialectMessageTrace, enc: EncodingUTF16LENoBOM, delim: ';',
			rows: []wantRow{
				{2, "2025-06-02T09:14:03Z", ZoneUTC, "", "", "", "alice@contoso.test", "ext@partner.example", "Failed", "", "<v2@contoso.test>", "Weiterleitung"},
				{3, "2025-06-13T23:59:59Z", ZoneUTC, "", "", "", "bob@contoso.test", "carol@contoso.test", "Delivered", "", "<v2b@contoso.test>", subjScript},
			},
		},
		{
			name: "Get-MessageTraceDetail, UTF-16BE BOM", data: encodeUTF16(traceDetail(), true, true),
			dialect: DialectMessageTraceDetail, enc: EncodingUTF16BE, delim: ',',
			rows: []wantRow{
				{2, "2020-10-17T19:27:20Z", ZoneUTC, "Receive", "", "", "alice@contoso.test", "alice.private@freemail.example", "Message received by: AM0PR01MB1234.eurprd01.prod.exchangelabs.com", "", "<af02@contoso.test>", ""},
				{3, "2020-10-17T19:27:21Z", ZoneUTC, "Drop", "", "", "alice@contoso.test", "alice.private@freemail.example", "Reason: [{LED=" + ledAF + "};{MSG=};{FQDN=};{IP=};{LRT=}]", ledAF, "<af02@contoso.test>", ""},
			},
		},
		{
			name: "extended report, UTF-16LE without BOM, unsorted", data: encodeUTF16(extendedReport(), false, false),
			dialect: DialectExtendedReport, enc: EncodingUTF16LENoBOM, delim: ',',
			rows: []wantRow{
				{2, "2024-05-07T10:15:31.457Z", ZoneUTC, "FAIL", "AGENT", "Transport Rule Agent", "alice@contoso.test", "ext@partner.example", statusETR, "", "<etr@contoso.test>", subjANSI},
				{3, "2024-05-07T10:15:30.123Z", ZoneUTC, "DELIVER", "STOREDRIVER", "", "alice@contoso.test", "bob@contoso.test", "250 2.1.5 Recipient OK", "", "<two@contoso.test>", subjIntl},
				{3, "2024-05-07T10:15:30.123Z", ZoneUTC, "DELIVER", "STOREDRIVER", "", "alice@contoso.test", "carol@contoso.test", "250 2.1.5 RESOLVER.FWD.Forwarded; recipient forwarded", "", "<two@contoso.test>", subjIntl},
			},
		},
		{
			name: "enhanced summary, origin_timestamp_utc, UTF-8", data: []byte(enhancedSummary("origin_timestamp_utc")),
			dialect: DialectEnhancedSummary, enc: EncodingUTF8, delim: ',',
			rows: []wantRow{
				{2, "2024-05-07T10:15:30Z", ZoneUTC, "Deliver", "", "", "alice@contoso.test", "bob@contoso.test", "Receive, Deliver", "", "<sum@contoso.test>", subjComma},
				{2, "2024-05-07T10:15:30Z", ZoneUTC, "Fail", "", "", "alice@contoso.test", "ext@partner.example", "Receive, Fail", "", "<sum@contoso.test>", subjComma},
			},
		},
		{
			name: "enhanced summary, origin_timestamp, UTF-16BE without BOM", data: encodeUTF16(enhancedSummary("origin_timestamp"), true, false),
			dialect: DialectEnhancedSummary, enc: EncodingUTF16BENoBOM, delim: ',',
			rows: []wantRow{
				{2, "2024-05-07T10:15:30Z", ZoneUTC, "Deliver", "", "", "alice@contoso.test", "bob@contoso.test", "Receive, Deliver", "", "<sum@contoso.test>", subjComma},
				{2, "2024-05-07T10:15:30Z", ZoneUTC, "Fail", "", "", "alice@contoso.test", "ext@partner.example", "Receive, Fail", "", "<sum@contoso.test>", subjComma},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, st := mustRead(t, tc.name, tc.data, tc.opts)
			if st.Dialect != tc.dialect || st.Encoding != tc.enc || st.Delimiter != tc.delim {
				t.Errorf("dialect %v encoding %v delimiter %q, want %v %v %q", st.Dialect, st.Encoding, st.Delimiter, tc.dialect, tc.enc, tc.delim)
			}
			if d, ok := Sniff(tc.data[:min(len(tc.data), 4096)]); !ok || d != tc.dialect {
				t.Errorf("Sniff = %v, %v; want %v", d, ok, tc.dialect)
			}
			if len(rows) != len(tc.rows) {
				t.Fatalf("%d rows, want %d: %v", len(rows), len(tc.rows), st.Problems)
			}
			for i, w := range tc.rows {
				w.check(t, i, rows[i])
			}
			var lines []int64
			for _, p := range st.Problems {
				lines = append(lines, p.Line)
			}
			if !slices.Equal(lines, tc.problems) || st.Skipped != tc.skipped || st.ProblemCount != int64(len(tc.problems)) {
				t.Errorf("problems %v (skipped %d), want lines %v (skipped %d)", st.Problems, st.Skipped, tc.problems, tc.skipped)
			}
			if len(st.Warnings) != len(tc.warnings) {
				t.Fatalf("warnings %v, want %d matching %q", st.Warnings, len(tc.warnings), tc.warnings)
			}
			for i, w := range tc.warnings {
				if !strings.Contains(st.Warnings[i].Message, w) {
					t.Errorf("warning %d = %q, want it to mention %q", i, st.Warnings[i].Message, w)
				}
			}
		})
	}
}

// Extra columns keep the file's own names and order, and unknown columns
// come through too.
func TestReadKeepsExtraColumns(t *testing.T) {
	data := "date_time_utc,event_id,sender_address,x_custom_probe,client_ip\r\n" +
		"2024-05-07T10:15:30Z,RECEIVE,alice@contoso.test,kept as is,203.0.113.7\r\n"
	rows, _ := mustRead(t, "extra.csv", []byte(data), Options{})
	want := []Field{{"x_custom_probe", "kept as is"}, {"client_ip", "203.0.113.7"}}
	if !slices.Equal(rows[0].Extra, want) {
		t.Errorf("Extra = %v, want %v", rows[0].Extra, want)
	}
	if v, _ := rows[0].Lookup("ClientIp"); v != "203.0.113.7" {
		t.Errorf("Lookup(ClientIp) = %q", v)
	}
}

// Subjects are passed through byte-exact in every dialect; escaping them is
// the reporter's job.
func TestSubjectsByteExact(t *testing.T) {
	subjects := []string{subjFormula, subjScript, subjANSI, subjComma, subjIntl, subjEscapes,
		`"quoted"`, "'single'", "tab\there", "trailing space ", " leading space", "semi;colon", "emoji 📨 ok"}
	for _, s := range subjects {
		raw := crlf(strings.Join([]string{
			"#Software: Microsoft Exchange Server", fields2010,
			csvLine(",", "2024-03-04T09:00:00.000Z", "", "", "", "EX02", "", "", "SMTP", "RECEIVE", "1", "<a@b>",
				"x@contoso.test", "", "1", "1", "", "", s, "y@contoso.test", "", "", "Incoming", "", "", "", ""),
		}, "\n"))
		ps := crlf(quoteAll(",", "Timestamp", "EventId", "MessageSubject") + "\n" + quoteAll(",", "2020-10-07 19:27:20", "RECEIVE", s))
		ext := crlf(quoteAll(",", "date_time_utc", "event_id", "message_subject") + "\n" + quoteAll(",", "2024-05-07T10:15:30Z", "RECEIVE", s))
		inputs := map[string][]byte{"raw": []byte(raw), "tracking-csv": []byte(ps), "extended-utf16": encodeUTF16(ext, false, false)}
		for kind, data := range inputs {
			rows, _ := mustRead(t, kind, data, Options{})
			if len(rows) != 1 || rows[0].Subject != s {
				t.Errorf("%s: subject %q came out as %q", kind, s, rows[0].Subject)
			}
		}
	}
}

// A record whose statuses cannot be paired with its recipients keeps the
// whole status on every row and says so on the row.
func TestUnpairedStatuses(t *testing.T) {
	data := crlf(quoteAll(",", "date_time_utc", "event_id", "recipient_address", "recipient_status") + "\n" +
		quoteAll(",", "2024-05-07T10:15:30Z", "DELIVER", "a@contoso.test;b@contoso.test;c@contoso.test", "250 2.1.5 Recipient OK;250 2.1.5 Recipient OK"))
	rows, _ := mustRead(t, "unpaired.csv", []byte(data), Options{})
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r.Status != "250 2.1.5 Recipient OK;250 2.1.5 Recipient OK" || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "not paired") {
			t.Errorf("%s: status %q warnings %q", r.Recipient, r.Status, r.Warnings)
		}
	}
	rows[1].Warnings[0] = "changed"
	if rows[2].Warnings[0] == "changed" {
		t.Error("expanded rows share their Warnings slice")
	}
	rows[0].Extra = append(rows[0].Extra, Field{"x", "y"})
	if len(rows[1].Extra) != 0 || cap(rows[1].Extra) != 0 {
		t.Error("an append to one row's Extra reached another row")
	}
}

func TestZoneAndDateOrder(t *testing.T) {
	ps := func(stamps ...string) []byte {
		lines := []string{quoteAll(",", "Timestamp", "EventId", "Recipients")}
		for i, s := range stamps {
			lines = append(lines, quoteAll(",", s, "RECEIVE", fmt.Sprintf("r%d@contoso.test", i)))
		}
		return []byte(crlf(strings.Join(lines, "\n") + "\n"))
	}
	tests := []struct {
		name      string
		data      []byte
		opts      Options
		times     []string
		zone      Zone
		order     DateOrder
		orderLine int64
		guessed   bool
		problems  int64
		warnings  []string
	}{
		{"dotted, no day above 12: dmy assumed and reported", ps("07.10.2020 19:27:20", "08.10.2020 07:05:00"), Options{},
			[]string{"2020-10-07T19:27:20Z", "2020-10-08T07:05:00Z"}, ZoneUnknown, DateDMY, 0, true, 0,
			[]string{"cannot be told apart", "no time zone"}},
		{"slashes with AM/PM, no day above 12: mdy assumed", ps("10/7/2020 7:27:20 PM"), Options{Location: time.UTC},
			[]string{"2020-10-07T19:27:20Z"}, ZoneGiven, DateMDY, 0, true, 0, []string{"cannot be told apart"}},
		{"a day above 12 proves dmy; held rows keep file order", ps("07/10/2020 19:27:20", "01/02/2020 00:00:00", "25/10/2020 08:00:00", "03/04/2020 10:00:00"), Options{Location: mustZone(t, "+02:00")},
			[]string{"2020-10-07T17:27:20Z", "2020-01-31T22:00:00Z", "2020-10-25T06:00:00Z", "2020-04-03T08:00:00Z"}, ZoneGiven, DateDMY, 4, false, 0, nil},
		{"the option wins; a contradicting row is reported", ps("10/7/2020 7:27:20 PM", "10/13/2020 7:27:20 PM"), Options{DateFormat: DateDMY, Location: time.UTC},
			[]string{"2020-07-10T19:27:20Z", ""}, ZoneGiven, DateDMY, 0, false, 1, nil},
		{"ISO with offset needs no zone option", ps("2020-10-07T19:27:20+02:00", "2020-10-07 19:27:20.5 -05:00"), Options{},
			[]string{"2020-10-07T17:27:20Z", "2020-10-08T00:27:20.5Z"}, ZoneOffset, DateAuto, 0, false, 0, nil},
		{"an assumption proved wrong later is reported", ps("01.02.2020 00:00:00", "02/13/2020 00:00:00"), Options{Lookahead: 1, Location: time.UTC},
			[]string{"2020-02-01T00:00:00Z", "2020-02-13T00:00:00Z"}, ZoneGiven, DateMDY, 3, true, 0, []string{"cannot be told apart", "may have day and month swapped"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, st := mustRead(t, tc.name, tc.data, tc.opts)
			var times []string
			for i, r := range rows {
				if r.Line != int64(i+2) {
					t.Errorf("row %d has line %d: file order lost", i, r.Line)
				}
				if r.TimeKnown {
					times = append(times, r.Time.Format(time.RFC3339Nano))
					if r.Zone != tc.zone {
						t.Errorf("line %d zone %v, want %v", r.Line, r.Zone, tc.zone)
					}
				} else {
					times = append(times, "")
				}
			}
			if !slices.Equal(times, tc.times) {
				t.Errorf("times %q, want %q", times, tc.times)
			}
			if st.DateOrder != tc.order || st.DateOrderLine != tc.orderLine || st.DateGuessed != tc.guessed || st.ProblemCount != tc.problems {
				t.Errorf("order %v line %d guessed %v problems %v; want %v %d %v %d", st.DateOrder, st.DateOrderLine, st.DateGuessed, st.Problems, tc.order, tc.orderLine, tc.guessed, tc.problems)
			}
			if tc.guessed && !rows[0].DateGuessed {
				t.Error("row with an assumed order is not marked DateGuessed")
			}
			var got []string
			for _, w := range st.Warnings {
				if !strings.HasPrefix(w.Message, "the header has no column") { // a two-column export
					got = append(got, w.Message)
				}
			}
			if len(got) != len(tc.warnings) {
				t.Fatalf("warnings %q, want %q", got, tc.warnings)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.warnings[i]) {
					t.Errorf("warning %q, want it to mention %q", got[i], tc.warnings[i])
				}
			}
		})
	}
}

func TestFatalInputs(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		is      error
		mention []string
	}{
		{"binary junk with NULs", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\x10\x10"), ErrUnknownFormat, []string{"junk.bin", "binary"}},
		{"binary junk without NULs", []byte("\x89PNG\r\n\x1a\n\xff\xd8\xff\xe0garbage"), ErrUnknownFormat, []string{"junk.bin", "not text", "expected one of"}},
		{"empty file", nil, ErrUnknownFormat, []string{"empty"}},
		{"unknown CSV header", []byte("Name,Value\r\nfoo,bar\r\n"), ErrUnknownFormat, []string{"line 1", `"Name,Value"`, "Get-MessageTrackingLog", "extended report", "enhanced summary", "Get-MessageTraceDetail", "raw tracking log"}},
		{"tracking CSV without EventId", []byte("Timestamp,Sender\r\n10/7/2020 7:27:20 PM,a@b\r\n"), ErrMissingColumns, []string{"Get-MessageTrackingLog", "lacks EventId"}},
		{"extended report without event_id", []byte("date_time_utc,sender_address\r\n"), ErrMissingColumns, []string{"extended report", "lacks event_id"}},
		{"raw log without event-id", []byte("#Software: Microsoft Exchange Server\r\n#Fields: date-time,source\r\n"), ErrMissingColumns, []string{"line 2", "event-id"}},
		{"raw log with no #Fields line", []byte("#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n"), ErrMissingColumns, []string{"no #Fields"}},
		{"SMTP protocol log", []byte("#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Receive Protocol Log\r\n#Fields: date-time,connector-id,session-id\r\n"), ErrUnknownFormat, []string{"line 3", "SMTP Receive Protocol Log", "not a message tracking log"}},
		{"row before #Fields", []byte("#Software: Microsoft Exchange Server\r\n2024-03-04T08:00:01.123Z,x\r\n"), ErrMissingColumns, []string{"line 2", "before any #Fields"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, _, err := readAll(t, "junk.bin", tc.data, Options{})
			if err == nil || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if len(rows) != 0 {
				t.Errorf("%d rows emitted from an unreadable input", len(rows))
			}
			if _, ok := Sniff(tc.data); ok {
				t.Error("Sniff accepted it")
			}
		})
	}
}

// A UTF-16 file cut in the middle of a code unit: the rows before the cut
// are kept, the cut row is reported, and Read says where it broke off.
func TestTruncatedUTF16(t *testing.T) {
	full := encodeUTF16(extendedReport(), false, true)
	cut := full[:len(full)-41] // inside the last row, on an odd byte
	if len(cut)%2 == 0 {
		t.Fatal("test input should end on an odd byte")
	}
	rows, st, err := readAll(t, "cut.csv", cut, Options{})
	if !errors.Is(err, ErrEncoding) || !strings.Contains(err.Error(), "cut.csv: line 3") || !strings.Contains(err.Error(), "odd byte") {
		t.Fatalf("err = %v, want ErrEncoding at line 3", err)
	}
	if len(rows) != 1 || rows[0].Line != 2 {
		t.Fatalf("kept %d rows, want the one before the cut", len(rows))
	}
	if st.Skipped != 1 || len(st.Problems) != 1 || st.Problems[0].Line != 3 || !strings.Contains(st.Problems[0].Message, "breaks off") {
		t.Errorf("problems %v skipped %d", st.Problems, st.Skipped)
	}
}

// Unpaired surrogates are replaced and reported at their line; the row is kept.
func TestBadUTF16Surrogate(t *testing.T) {
	data := encodeUTF16("date_time_utc,event_id,message_subject\r\n2024-05-07T10:15:30Z,RECEIVE,ok\r\n2024-05-07T10:15:31Z,RECEIVE,X\r\n", false, true)
	i := len(data) - 6              // the 'X'
	data[i], data[i+1] = 0x00, 0xD8 // a lone high surrogate
	rows, st := mustRead(t, "surrogate.csv", data, Options{})
	if len(rows) != 2 || rows[1].Subject != "\uFFFD" {
		t.Fatalf("rows %d, subject %q", len(rows), rows[len(rows)-1].Subject)
	}
	if len(st.Problems) != 1 || st.Problems[0].Line != 3 || !strings.Contains(st.Problems[0].Message, "U+FFFD") {
		t.Errorf("problems %v", st.Problems)
	}
}

func TestRaggedAndDamagedRows(t *testing.T) {
	h := quoteAll(",", "date_time_utc", "event_id", "recipient_address", "message_subject")
	data := crlf(strings.Join([]string{
		h,
		quoteAll(",", "2024-05-07T10:15:30Z", "RECEIVE", "a@contoso.test", "multi\nline\nsubject"), // lines 2-4
		`"2024-05-07T10:15:31Z","RECEIVE","b@contoso.test"`,                                        // line 5: one field short
		quoteAll(",", "2024-05-07T10:15:32Z", "RECEIVE", "c@contoso.test", "fine"),                 // line 6
		`"2024-05-07T10:15:33Z","RECEIVE","d@contoso.test","x","surplus"`,                          // line 7
		`"2024-05-07T10:15:34Z","RECEIVE","e@contoso.test","said "hi" later"`,                      // line 8: stray quotes
		"",
		h, // a second export appended: its header is not data
		quoteAll(",", "31/02/2024 10:00:00", "RECEIVE", "f@contoso.test", "bad date"),                 // line 11
		quoteAll(",", "2024-05-07T10:15:35Z", "RECEIVE", "g@contoso.test", "unterminated") + `,"oops`, // line 12: the quote runs into line 13
		quoteAll(",", "2024-05-07T10:15:36Z", "RECEIVE", "h@contoso.test", "swallowed"),
	}, "\n") + "\n")
	rows, st := mustRead(t, "ragged.csv", []byte(data), Options{})
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%d:%s:%s", r.Line, r.Recipient, r.Subject))
	}
	want := []string{"2:a@contoso.test:multi\r\nline\r\nsubject", "6:c@contoso.test:fine", `8:e@contoso.test:said hi" later"`, "11:f@contoso.test:bad date"}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n got %q\nwant %q", got, want)
	}
	var lines []int64
	for _, p := range st.Problems {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int64{5, 7, 8, 11, 12}) || st.Skipped != 3 {
		t.Errorf("problems %v skipped %d", st.Problems, st.Skipped)
	}
	if m := st.Problems[0].Message; !strings.Contains(m, "3 fields") || !strings.Contains(m, "has 4") {
		t.Errorf("ragged message %q", m)
	}
}

// In a raw log a line break always ends the row, so a stray quote damages
// one row, not the rest of the file.
func TestRawLogStrayQuote(t *testing.T) {
	data := crlf(strings.Join([]string{
		"#Software: Microsoft Exchange Server", fields2010,
		`2024-03-04T09:00:00.000Z,,,,EX02,"broken,,STOREDRIVER,DELIVER,42,<m>,a@contoso.test,,1,1,,,s,b@contoso.test,,,Originating,,,,`,
		csvLine(",", "2024-03-04T09:00:01.000Z", "", "", "", "EX02", "", "", "STOREDRIVER", "DELIVER", "43", "<m2>",
			"c@contoso.test", "", "1", "1", "", "", "fine", "b@contoso.test", "", "", "Originating", "", "", "", ""),
	}, "\n") + "\n")
	rows, st := mustRead(t, "stray.log", []byte(data), Options{})
	if len(rows) != 1 || rows[0].Line != 4 || rows[0].Recipient != "c@contoso.test" {
		t.Fatalf("rows %v", rows)
	}
	if st.Skipped != 1 || st.Problems[0].Line != 3 {
		t.Errorf("problems %v", st.Problems)
	}
}

func TestProblemsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("date_time_utc,event_id\r\n")
	for range 250 {
		b.WriteString("2024-05-07T10:15:30Z\r\n") // one field short
	}
	_, st := mustRead(t, "many.csv", []byte(b.String()), Options{MaxProblems: 10})
	if len(st.Problems) != 10 || st.ProblemCount != 250 || st.Skipped != 250 || !st.Partial() {
		t.Errorf("problems kept %d, counted %d, skipped %d", len(st.Problems), st.ProblemCount, st.Skipped)
	}
}

// emit's error stops the read and comes back unchanged.
func TestEmitErrorStops(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	_, err := Read("e.csv", strings.NewReader(extendedReport()), Options{}, func(*Row) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err %v after %d rows, want %v after 1", err, n, stop)
	}
}

// Two raw logs concatenated: the second file's BOM and header block are
// header, not rows.
func TestConcatenatedRawLogs(t *testing.T) {
	one := "\uFEFF" + rawLog()
	rows, st := mustRead(t, "cat.log", []byte(one+one), Options{})
	if len(rows) != 18 || st.Skipped != 2 || st.Records != 14 {
		t.Errorf("rows %d records %d skipped %d problems %v", len(rows), st.Records, st.Skipped, st.Problems)
	}
}
