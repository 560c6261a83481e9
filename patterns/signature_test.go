package patterns

import (
	"reflect"
	"testing"
)

var (
	want708 = map[string]any{
		"database": "DB1", "copy": "9f1c2d3e-0000-4000-8000-000000000001", "generation": "123456",
		"log_age": "00:15:00", "reason_text": reasonLagDisabled, "reason_code": "LagDisabled", "server": "SERVER3",
	}
	blockedLines = []string{
		"Server 'SERVER4' has database copy auto activation policy configuration of 'Blocked'.",
		"Server 'SERVER6' has database copy auto activation policy configuration of 'Blocked'.",
		"Server 'SERVER5' has database copy auto activation policy configuration of 'Blocked'.",
	}
	want738 = map[string]any{
		"database": "DB1", "server": "SERVER3", "database_guid": "4a7b8c9d-0000-4000-8000-000000000002",
		"reason": blocked3[:len(blocked3)-2], "suppression_window": "1.00:00:00",
		"availability_count": 2, "expected_availability_count": 3,
		"blocked_servers": []string{"SERVER4", "SERVER6", "SERVER5"},
		"detailed_errors": blockedLines,
	}
	want2001 = map[string]any{"database": "DB1", "explanation": "FastLagPlaydownDesired", "server": "SERVER3"}

	msg708 = "Log Replay for database 'DB1' is replaying logs in the replay lag range. Reason: " + reasonLagDisabled +
		" (LogFileAge=00:15:00, ReasonCode=LagDisabled)"
	msg738  = "Replay Lag Manager suppressed a request to disable replay lag for database copy 'DB1\\SERVER3' after a suppression interval of 1.00:00:00. Disable Reason: " + blocked3
	msg2001 = "Database scanning during passive replay is disabled on 'DB1'. Explanation: FastLagPlaydownDesired"
)

// without returns a copy of m without the given keys.
func without(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func with(m map[string]any, kv ...any) map[string]any {
	out := without(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestSignatureMatch(t *testing.T) {
	m := mustBuiltin(t)
	const at = "2024-03-02T08:05:00Z"
	const host = "server3.contoso.local" // lower-case on purpose: server is upper-cased by the catalog
	cases := []struct {
		name    string
		rec     Record
		sig     string // "" = no hit expected
		fields  map[string]any
		message string
	}{
		{"708 by position", r708(1, at, host, "DB1", reasonLagDisabled, "LagDisabled"), "ha.lag-playdown", want708, msg708},
		{"708 by name, shuffled", rec(1, at, host, 708, named(
			"PlayDownReason", "LagDisabled", "DatabaseName", "DB1", "ReasonText", reasonLagDisabled,
			"CopyIdentity", "9f1c2d3e-0000-4000-8000-000000000001", "LogFileAge", "00:15:00", "Generation", "123456")...),
			"ha.lag-playdown", want708, msg708},
		{"708 by field names", rec(1, at, host, 708, named(
			"reason_code", "LagDisabled", "database", "DB1", "reason_text", reasonLagDisabled,
			"copy", "9f1c2d3e-0000-4000-8000-000000000001", "log_age", "00:15:00", "generation", "123456")...),
			"ha.lag-playdown", want708, msg708},
		{"708 by rendered message only", rec(1, at, host, 708, message(msg708)...),
			"ha.lag-playdown", without(want708, "copy", "generation"), msg708},
		{"708 message with line breaks re-wrapped", rec(1, at, host, 708, message(
			"Log Replay for database 'DB1' is replaying logs in the replay lag range.\r\nReason: "+reasonLagDisabled+
				"  (LogFileAge=00:15:00,\nReasonCode=LagDisabled)\r\n")...),
			"ha.lag-playdown", without(want708, "copy", "generation"), ""},
		{"708 message beside positional values: positions win, message kept", rec(1, at, host, 708,
			append(message("Log Replay for database 'X' is replaying logs in the replay lag range. Reason: r (LogFileAge=a, ReasonCode=b)"),
				pos("DB1", "9f1c2d3e-0000-4000-8000-000000000001", "123456", "00:15:00", reasonLagDisabled, "LagDisabled")...)...),
			"ha.lag-playdown", want708, "Log Replay for database 'X' is replaying logs in the replay lag range. Reason: r (LogFileAge=a, ReasonCode=b)"},
		{"708 low disk: numbers become ints", r708(1, at, host, "DB1", reasonLowDisk, "NotEnoughFreeSpace"), "ha.lag-playdown",
			with(want708, "reason_text", reasonLowDisk, "reason_code", "NotEnoughFreeSpace", "logs_in_lag_range", 1200,
				"allowed_free_mb", 10000, "current_free_mb", 8000, "free_mb", 8000, "total_mb", 200000), ""},
		{"708 max logs", r708(1, at, host, "DB1", reasonMaxLogs, "NotEnoughFreeSpace"), "ha.lag-playdown",
			with(want708, "reason_text", reasonMaxLogs, "reason_code", "NotEnoughFreeSpace", "logs_in_lag_range", 10500, "max_logs", 10000), ""},
		{"708 LogsInRequiredRange is InRequiredRange", r708(1, at, host, "DB1", reasonPatching, "LogsInRequiredRange"), "ha.lag-playdown",
			with(want708, "reason_text", reasonPatching, "reason_code", "InRequiredRange"),
			"Log Replay for database 'DB1' is replaying logs in the replay lag range. Reason: " + reasonPatching + " (LogFileAge=00:15:00, ReasonCode=LogsInRequiredRange)"},
		{"708 channel and provider compare case-insensitively", func() Record {
			r := r708(1, at, host, "DB1", reasonLagDisabled, "LagDisabled")
			r.Channel, r.Provider = "microsoft-exchange-highavailability/operational", "MICROSOFT-EXCHANGE-HIGHAVAILABILITY"
			return r
		}(), "ha.lag-playdown", want708, msg708},

		{"738 by position", r738(2, at, host, "DB1", "SERVER3", blocked3), "ha.lag-disable-suppressed", want738, ""},
		{"738 by name", rec(2, at, host, 738, named("SuppressionWindow", "1.00:00:00", "Reason", blocked3, "DatabaseGuid",
			"4a7b8c9d-0000-4000-8000-000000000002", "ServerName", "SERVER3", "DatabaseName", "DB1")...),
			"ha.lag-disable-suppressed", want738, ""},
		{"738 by rendered message only", rec(2, at, host, 738, message(msg738)...),
			"ha.lag-disable-suppressed", without(want738, "database_guid"), ""},
		{"738 without a server value takes the computer's host", r738(2, at, host, "DB1", "", blocked3),
			"ha.lag-disable-suppressed", want738, ""},

		{"2001 by position", r2001(3, at, host, "DB1"), "ha.passive-scan-disabled", want2001, msg2001},
		{"2001 by name", rec(3, at, host, 2001, named("Explanation", "FastLagPlaydownDesired", "DatabaseName", "DB1")...),
			"ha.passive-scan-disabled", want2001, msg2001},
		{"2001 by rendered message only", rec(3, at, host, 2001, message(msg2001)...), "ha.passive-scan-disabled", want2001, msg2001},

		// Negatives.
		{"classic MSExchangeRepl 2001 in Application is not passive-scan-disabled", func() Record {
			r := r2001(3, at, host, "DB1")
			r.Channel, r.Provider = "Application", "MSExchangeRepl"
			r.Values = pos("The Microsoft Exchange Replication service started.")
			return r
		}(), "", nil, ""},
		{"2001 in the right channel from another provider", func() Record {
			r := r2001(3, at, host, "DB1")
			r.Provider = "MSExchangeRepl"
			return r
		}(), "", nil, ""},
		{"2001 from the right provider in another channel", func() Record {
			r := r2001(3, at, host, "DB1")
			r.Channel = "Application"
			return r
		}(), "", nil, ""},
		{"708 in Application", func() Record {
			r := r708(1, at, host, "DB1", reasonLagDisabled, "LagDisabled")
			r.Channel = "Application"
			return r
		}(), "", nil, ""},
		{"738 from another provider", func() Record {
			r := r738(2, at, host, "DB1", "SERVER3", blocked3)
			r.Provider = "MSExchangeRepl"
			return r
		}(), "", nil, ""},
		{"an unrelated event id of the channel", rec(4, at, host, 709, pos("DB1", "x")...), "", nil, ""},
		{"708 with too few values to trust positions", rec(1, at, host, 708, pos("DB1", "x", "1")...), "", nil, ""},
		{"708 whose message is some other text", rec(1, at, host, 708, message("Something else entirely.")...), "", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hits := m.Match(&tc.rec)
			if tc.sig == "" {
				if len(hits) != 0 {
					t.Fatalf("want no hit, got %+v", hits)
				}
				return
			}
			if len(hits) != 1 || hits[0].Signature != tc.sig {
				t.Fatalf("want one %s hit, got %+v", tc.sig, hits)
			}
			h := hits[0]
			if !reflect.DeepEqual(h.Fields, tc.fields) {
				t.Errorf("fields\n got %#v\nwant %#v", h.Fields, tc.fields)
			}
			if tc.message != "" && h.Message != tc.message {
				t.Errorf("message\n got %q\nwant %q", h.Message, tc.message)
			}
			if h.File != tc.rec.File || h.RecordID != tc.rec.RecordID || !h.Time.Equal(tc.rec.Time) || h.Computer != tc.rec.Computer {
				t.Errorf("provenance lost: %+v", h)
			}
		})
	}
}

func TestWants(t *testing.T) {
	m := mustBuiltin(t)
	cases := []struct {
		channel, provider string
		id                uint32
		want              bool
	}{
		{haChannel, haProvider, 708, true},
		{haChannel, haProvider, 738, true},
		{haChannel, haProvider, 2001, true},
		{"MICROSOFT-EXCHANGE-HIGHAVAILABILITY/OPERATIONAL", "microsoft-exchange-highavailability", 708, true},
		{"Application", "MSExchangeRepl", 2001, false},
		{haChannel, "MSExchangeRepl", 2001, false},
		{"Application", haProvider, 708, false},
		{haChannel, haProvider, 4131, false},
	}
	for _, tc := range cases {
		if got := m.Wants(tc.channel, tc.provider, tc.id); got != tc.want {
			t.Errorf("Wants(%q, %q, %d) = %v, want %v", tc.channel, tc.provider, tc.id, got, tc.want)
		}
	}
}

// A record no signature wants must cost a map lookup and nothing else.
func TestWantsDoesNotAllocate(t *testing.T) {
	m := mustBuiltin(t)
	r := Record{Channel: "Application", Provider: "MSExchangeRepl", EventID: 2001}
	allocs := testing.AllocsPerRun(100, func() {
		m.Wants(haChannel, haProvider, 708)
		m.Wants("Application", "MSExchangeRepl", 2001)
		m.Match(&r)
	})
	if allocs != 0 {
		t.Errorf("allocs = %v, want 0", allocs)
	}
}
