package kinds

import (
	"os"
	"testing"
	"time"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/trace"
)

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{"client-ip": "client_ip", "ClientIp": "client_ip", "client_ip": "client_ip",
		"MessageTraceId": "message_trace_id", "Organization": "organization", "tenant-id": "tenant_id",
		"Client IP": "client_ip", "PSComputerName": "pscomputer_name", "x2Y": "x2_y"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTraceRecord(t *testing.T) {
	at := time.Date(2024, 2, 3, 9, 0, 0, 0, time.UTC)
	row := &trace.Row{File: "f.csv", Line: 7, Time: at, TimeKnown: true, Server: "EX01", Sender: "a@b", Recipient: "c@d",
		Status:      "Reason: [{LED=250 2.1.5 RESOLVER.MSGTYPE.AF; handled};{MSG=}]",
		StatusParts: trace.StatusParts{Found: true, LED: "250 2.1.5 RESOLVER.MSGTYPE.AF; handled"},
		Extra:       []trace.Field{{Name: "Organization", Value: "contoso.onmicrosoft.com"}, {Name: "client-ip", Value: "10.0.0.1"}}}
	var rec patterns.Record
	rec.Columns = map[string]string{"stale": "from the previous row"}
	traceRecord(row, &rec)
	if rec.Source != "trace" || rec.File != "f.csv" || rec.Line != 7 || !rec.Time.Equal(at) || rec.Computer != "EX01" {
		t.Errorf("record %+v", rec)
	}
	for k, want := range map[string]string{"sender": "a@b", "recipient": "c@d", "response": "250 2.1.5 RESOLVER.MSGTYPE.AF; handled",
		"status": row.Status, "tenant": "contoso.onmicrosoft.com", "client_ip": "10.0.0.1", "server": "EX01", "stale": ""} {
		if got := rec.Columns[k]; got != want {
			t.Errorf("column %s = %q, want %q", k, got, want)
		}
	}
}

// The trace kind reads every dialect through package trace: the stats name
// the dialect and encoding, rows the prefilter declines still count, and a
// file cut short keeps its rows and says it was scanned.
func TestTraceRead(t *testing.T) {
	tests := []struct {
		rel              string
		opts             Options
		records, emitted int
		format, encoding string
		fails            bool
	}{
		{"trace/af-tracking-log/MSGTRK2024020309-1.LOG", Options{}, 57, 57, "tracking-log", "utf-8 (bom)", false},
		{"trace/af-tracking-log/MSGTRK2024020309-1.LOG", Options{Prefilter: prefilter{}}, 57, 0, "tracking-log", "utf-8 (bom)", false},
		{"trace/extended-report/extended_report_contoso.csv", Options{}, 25, 25, "extended-report", "utf-16le", false},
		{"trace/damaged-truncated-utf16/extended_report_mia.csv", Options{}, 9, 8, "extended-report", "utf-16le (bom)", true},
	}
	for _, tt := range tests {
		src := fileSource(t, tt.rel, true)
		var emitted int
		var servers int
		st, err := Trace.Read(src, tt.opts, func(rec *patterns.Record) {
			emitted++
			if rec.Source != "trace" || rec.File != src.Name || rec.Line == 0 {
				t.Errorf("%s: record %+v", tt.rel, rec)
			}
		})
		for _, sp := range st.Servers {
			servers += sp.Records
		}
		if (err != nil) != tt.fails || !st.Scanned || st.Records != tt.records || emitted < tt.emitted || tt.emitted == 0 && emitted != 0 ||
			st.Format != tt.format || st.Encoding != tt.encoding || servers < emitted {
			t.Errorf("%s: %+v, %d emitted, %d rows in server spans, %v", tt.rel, st, emitted, servers, err)
		}
		if size, _ := os.Stat(src.Name); !tt.fails && st.Bytes != size.Size() {
			t.Errorf("%s: %d bytes read, file has %d", tt.rel, st.Bytes, size.Size())
		}
	}
}
