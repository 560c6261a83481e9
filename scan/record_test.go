package scan

import (
	"fmt"
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

func TestSpansBounded(t *testing.T) {
	s := spans{}
	at := time.Date(2024, 2, 3, 9, 0, 0, 0, time.UTC)
	for i := range maxServers + 500 {
		s.add(fmt.Sprintf("srv%d.contoso.com", i), at, true)
	}
	s.add("SRV1", at.Add(time.Hour), true) // an existing server is still its own
	if len(s) != maxServers+1 || s[otherServers].Records != 500 || s["SRV1"].Records != 2 {
		t.Errorf("%d servers, other %+v, SRV1 %+v", len(s), s[otherServers], s["SRV1"])
	}
}
