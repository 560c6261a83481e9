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
		"detailed_errors": blockedLines, "blocked_count": 3,
	}
	want2001 = map[string]any{"database": "DB1", "explanation": "FastLagPlaydownDesired", "server": "SERVER3"}

	msg708 = "Log Replay for database 'DB1' is replaying logs in the replay lag range. Reason: " + reasonLagDisabled +
		" (LogFileAge=00:15:00, ReasonCode=LagDisabled)"
	msg738    = "Replay Lag Manager suppressed a request to disable replay lag for database copy 'DB1\\SERVER3' after a suppression interval of 1.00:00:00. Disable Reason: " + blocked3
	wantRange = map[string]any{
		"database": "DB1", "database_guid": "4a7b8c9d-0000-4000-8000-000000000002", "generation": "1201760",
		"log_age": "6.23:10:00", "lowest_generation": "1201733", "highest_generation": "1201760",
		"server": "SERVER3", "reason_code": "InRequiredRange",
	}
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
				"allowed_free_mb", 10000, "current_free_mb", 8000, "space_text", "Free Space: 8000, Total Space: 200000"), ""},
		// R8/F3: the byte quantities the product writes.
		{"708 low disk: byte quantities", r708(1, at, host, "DB1", reasonLowDiskBytes, "NotEnoughFreeSpace"), "ha.lag-playdown",
			with(want708, "reason_text", reasonLowDiskBytes, "reason_code", "NotEnoughFreeSpace", "logs_in_lag_range", 1234,
				"allowed_free_mb", 10000, "current_free_mb", 8123, "free_bytes", 8517386240, "total_bytes", 214748364800,
				"space_text", "Free Space: 7.933 GB (8,517,386,240 bytes), Total Space: 200 GB (214,748,364,800 bytes)"), ""},
		// R16/F12: a numeric reason code is mapped to its name.
		{"708 reason code 1 is LagDisabled", r708(1, at, host, "DB1", reasonLagDisabled, "1"), "ha.lag-playdown", want708, ""},
		{"708 reason code 2 is NotEnoughFreeSpace", r708(1, at, host, "DB1", reasonLagDisabled, "2"), "ha.lag-playdown",
			with(want708, "reason_code", "NotEnoughFreeSpace"), ""},
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
		// R4/F1, F11: server names short and upper-case, whatever the event wrote.
		{"738 FQDN Blocked lines and server name", r738(2, at, host, "DB1", "server3.contoso.local", blockedFQDN),
			"ha.lag-disable-suppressed", map[string]any{
				"database": "DB1", "server": "SERVER3", "database_guid": "4a7b8c9d-0000-4000-8000-000000000002",
				"reason": blockedFQDN, "suppression_window": "1.00:00:00", "availability_count": 2, "expected_availability_count": 3,
				"blocked_servers": []string{"SERVER4", "SERVER5", "SERVER4"}, "blocked_count": 3,
				"detailed_errors": splitLines(blockedFQDN)}, ""},
		// R5/F2: empty names are counted, never listed.
		{"738 Server '' lines", r738(2, at, host, "DB1", "SERVER3", blockedEmpty),
			"ha.lag-disable-suppressed", map[string]any{
				"database": "DB1", "server": "SERVER3", "database_guid": "4a7b8c9d-0000-4000-8000-000000000002",
				"reason": blockedEmpty, "suppression_window": "1.00:00:00", "availability_count": 2, "expected_availability_count": 3,
				"blocked_count": 3, "unnamed_blocked_count": 3, "detailed_errors": splitLines(blockedEmpty)}, ""},
		// R3, R18, R19: the other checks, kept raw and read loosely.
		{"738 failed copy, maintenance and IntrasiteOnly beside Blocked", r738(2, at, host, "DB1", "SERVER3", mixedChecks),
			"ha.lag-disable-suppressed", map[string]any{
				"database": "DB1", "server": "SERVER3", "database_guid": "4a7b8c9d-0000-4000-8000-000000000002",
				"reason": mixedChecks, "suppression_window": "1.00:00:00", "availability_count": 1, "expected_availability_count": 3,
				"blocked_servers": []string{"SERVER4"}, "blocked_count": 1,
				"detailed_errors": splitLines(mixedChecks), "other_checks": splitLines(mixedChecks)[1:],
				"failed_copy_servers": []string{"SERVER2"}, "maintenance_servers": []string{"SERVER5"},
				"intrasite_servers": []string{"SERVER6"}}, ""},
		// R6/F6: a localised reason still matches by position; nothing is read out of it.
		{"738 localised reason", r738(2, at, host, "DB1", "SERVER3", reasonLocalised),
			"ha.lag-disable-suppressed", map[string]any{
				"database": "DB1", "server": "SERVER3", "database_guid": "4a7b8c9d-0000-4000-8000-000000000002",
				"reason": reasonLocalised, "suppression_window": "1.00:00:00"}, ""},
		// R7/F4/N10: the required-range play-down, by shape, whatever its id.
		{"required range by shape", rRange(5, at, host, 0, "DB1"), "ha.lag-playdown-required-range", wantRange, ""},
		{"required range by shape, another id", rRange(5, at, host, 977, "DB1"), "ha.lag-playdown-required-range", wantRange, ""},
		{"required range by name", rec(5, at, host, 0, named("DatabaseName", "DB1", "DatabaseGuid", "4a7b8c9d-0000-4000-8000-000000000002",
			"Generation", "1201760", "LogFileAge", "6.23:10:00", "LowestGenerationRequired", "1201733", "HighestGenerationRequired", "1201760")...),
			"ha.lag-playdown-required-range", wantRange, ""},

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
		{"required-range shape with a non-GUID second value", rec(5, at, host, 0,
			pos("DB1", `DB1\SERVER3`, "1201760", "6.23:10:00", "1201733", "1201760")...), "", nil, ""},
		{"required-range shape with a seventh value", rec(5, at, host, 0,
			pos("DB1", "4a7b8c9d-0000-4000-8000-000000000002", "1201760", "6.23:10:00", "1201733", "1201760", "x")...), "", nil, ""},
		{"required-range shape from another provider", inChannel(rRange(5, at, host, 0, "DB1"), haChannel, "MSExchangeRepl"), "", nil, ""},
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
		// The required-range play-down has no known id (N10): every id of the
		// HighAvailability provider in its channel may be it.
		{haChannel, haProvider, 4131, true},
		{haChannel, "Microsoft-Exchange-ManagedAvailability", 4131, false},
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
