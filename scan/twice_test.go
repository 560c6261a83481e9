package scan

import (
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/report"
)

func TestWarnCountedTwice(t *testing.T) {
	evtxKind := kinds.ByName("evtx")
	traceKind := kinds.ByName("trace")
	spans := func(servers ...string) kinds.Spans {
		s := kinds.Spans{}
		for _, v := range servers {
			s.Add(v, time.Date(2024, 2, 12, 6, 0, 0, 0, time.UTC), true)
		}
		return s
	}
	text := outcome{name: "ha.txt", kind: evtxKind, stats: kinds.Stats{NoRecordID: 18, Servers: spans("SERVER3.contoso.local")}}
	for _, tc := range []struct {
		name     string
		outcomes []outcome
		want     string // "" for no warning
	}{
		{"beside the .evtx of its server", []outcome{text,
			{name: "ha.evtx", kind: evtxKind, stats: kinds.Stats{Servers: spans("SERVER3")}}},
			"18 records have no record id, so they cannot be matched to the same events in ha.evtx, another log of SERVER3"},
		{"alone", []outcome{text}, ""},
		{"beside another server's log", []outcome{text,
			{name: "other.evtx", kind: evtxKind, stats: kinds.Stats{Servers: spans("SERVER9")}}}, ""},
		{"beside a trace of the same server", []outcome{text,
			{name: "MSGTRK.LOG", kind: traceKind, stats: kinds.Stats{Servers: spans("SERVER3")}}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sum report.Summary
			warnCountedTwice(&sum, tc.outcomes)
			switch {
			case tc.want == "" && len(sum.Warnings) > 0:
				t.Errorf("unexpected warning %q", sum.Warnings[0].Message)
			case tc.want != "" && (len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0].Message, tc.want)):
				t.Errorf("warnings %+v, want one containing %q", sum.Warnings, tc.want)
			}
		})
	}
}
