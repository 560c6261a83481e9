package trace

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/extriage/extriage/textio"
)

// fields2016 is the #Fields: line of Exchange 2016/2019 tracking logs (30
// columns). The elastic excerpt holds rows only, so the test puts the header
// they were written under in front of them.
const fields2016 = "#Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version"

// countDataLines counts rows the way grep -vc '^#' would, skipping blank
// lines: raw tracking logs never break a row over lines.
func countDataLines(data []byte) int {
	n := 0
	for _, l := range bytes.Split(textio.TrimBOM(data), []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' {
			n++
		}
	}
	return n
}

func TestCorpusRowCounts(t *testing.T) {
	dir := corpusDir(t)
	tests := []struct {
		file     string
		rows     int // counted by hand with grep -c '^[0-9]'
		prepend  string
		encoding Encoding
	}{
		{"exchange2010-MSGTRK-beats-bom8.log", 2, "", EncodingUTF8BOM},
		{"exchange2016-2019-MSGTRK-rows-elastic-integrations.log", 6, fields2016 + "\r\n", EncodingUTF8},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			if n := countDataLines(data); n != tc.rows {
				t.Fatalf("independent count: %d data lines, want %d", n, tc.rows)
			}
			rows, st := mustRead(t, tc.file, append([]byte(tc.prepend), data...), Options{})
			if len(rows) != tc.rows || st.Records != int64(tc.rows) {
				t.Errorf("rows = %d, records = %d, want %d", len(rows), st.Records, tc.rows)
			}
			if st.Dialect != DialectTrackingLog || st.Encoding != tc.encoding {
				t.Errorf("dialect %v encoding %v, want tracking-log %v", st.Dialect, st.Encoding, tc.encoding)
			}
			if st.ProblemCount != 0 || st.Skipped != 0 || len(st.Warnings) != 0 {
				t.Errorf("problems %v warnings %v skipped %d, want none", st.Problems, st.Warnings, st.Skipped)
			}
			for _, r := range rows {
				if !r.TimeKnown || r.Zone != ZoneUTC {
					t.Errorf("line %d: time %q known=%v zone=%v", r.Line, r.TimeText, r.TimeKnown, r.Zone)
				}
			}
		})
	}
}

func TestCorpusExchange2010Values(t *testing.T) {
	dir := corpusDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "exchange2010-MSGTRK-beats-bom8.log"))
	if err != nil {
		t.Skipf("corpus file missing: %v", err)
	}
	rows, _ := mustRead(t, "bom8.log", data, Options{})
	r := rows[0]
	want := time.Date(2016, 4, 5, 0, 0, 2, 52e6, time.UTC)
	if r.Line != 6 || !r.Time.Equal(want) || r.Event != "NOTIFYMAPI" || r.Source != "STOREDRIVER" {
		t.Errorf("row 1: line %d time %v event %q source %q", r.Line, r.Time, r.Event, r.Source)
	}
	const ctx = "MDB:61914740-3f1b-4ddb-94e0-557196870cfa, Mailbox:279f077c-216f-4323-a9ee-48e50ffd3cad, Event:269492708, MessageClass:IPM.Note.StorageQuotaWarning.Warning, CreationTime:2016-04-05T00:00:01.022Z, ClientType:System"
	if r.SourceContext != ctx {
		t.Errorf("source context = %q", r.SourceContext)
	}
	if r.Recipient != "" || r.Sender != "" || len(r.Extra) != 26-12 {
		t.Errorf("recipient %q sender %q extra %d columns", r.Recipient, r.Sender, len(r.Extra))
	}
	if got := rows[1].CustomData; got[:17] != "S:ItemEntryId=00-" || rows[1].Line != 7 {
		t.Errorf("row 2: line %d custom data %q", rows[1].Line, got)
	}
}

func TestCorpusExchange2016Values(t *testing.T) {
	dir := corpusDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "exchange2016-2019-MSGTRK-rows-elastic-integrations.log"))
	if err != nil {
		t.Skipf("corpus file missing: %v", err)
	}
	rows, _ := mustRead(t, "elastic.log", append([]byte(fields2016+"\n"), data...), Options{})
	send := rows[3] // file line 4, line 5 with the header in front
	checks := []struct{ name, got, want string }{
		{"event", send.Event, "SEND"},
		{"source", send.Source, "SMTP"},
		{"server", send.Server, "exchange.example.com"},
		{"sender", send.Sender, "support@example.com"},
		{"recipient", send.Recipient, "uwe.musterman@example.com"},
		{"status", send.Status, "250 2.1.5Recipient OK"},
		{"subject", send.Subject, "ein Titel"},
		{"direction", send.Direction, "Originating"},
		{"source context", send.SourceContext, ";250 2.0.0OK20240107001234.567E6224C8@monitor.example.com[Hostname=exchange.example.com];ClientSubmitTime:"},
		{"connector-id", extra(t, send, "connector-id"), "Intra-Organization SMTP Send Connector"},
		{"schema-version", extra(t, send, "schema-version"), "15.01.2507.035"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("SEND row %s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if send.Line != 5 || !send.Time.Equal(time.Date(2024, 1, 7, 0, 0, 7, 463e6, time.UTC)) {
		t.Errorf("SEND row line %d time %v", send.Line, send.Time)
	}
	ext := rows[4] // a source-context quoted because it holds commas
	if ext.Event != "SENDEXTERNAL" || ext.Sender != "" || extra(t, ext, "return-path") != "<>" ||
		ext.SourceContext[:9] != ";250 2.6." || extra(t, ext, "transport-traffic-type") != "Email" {
		t.Errorf("SENDEXTERNAL row: %+v", ext)
	}
}
