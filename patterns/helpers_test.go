package patterns

import (
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	haChannel  = "Microsoft-Exchange-HighAvailability/Operational"
	haProvider = "Microsoft-Exchange-HighAvailability"
	haFile     = "Microsoft-Exchange-HighAvailability%4Operational.evtx"

	reasonLagDisabled = "Replay lag has been disabled."
	reasonLowDisk     = "There are too many logs (1200) in the lag range, or suppression of 0 was applied. " +
		"There is not enough free space on the disk. The allowed free space is 10000MB but it is currently only 8000MB of total disk space. " +
		"[Free Space: 8000, Total Space: 200000]"
	reasonMaxLogs = "There are too many logs (10500) in the lag range, or suppression of 0 was applied. " +
		"Maximum number of logs allowed based on registry override (LogReplayerMaximumLogsForReplayLag): 10000 logs."
	reasonPatching = "The lagged copy needs page patching."

	blocked3 = "There were database availability check failures for database 'DB1' that may be lowering its availability. " +
		"Availability Count: 2. Expected Availability Count: 3. Detailed error(s): \r\n" +
		"\tServer 'SERVER4' has database copy auto activation policy configuration of 'Blocked'.\r\n" +
		"\tServer 'SERVER6' has database copy auto activation policy configuration of 'Blocked'.\r\n" +
		"\tServer 'SERVER5' has database copy auto activation policy configuration of 'Blocked'.\r\n"
	// R8/F3: the bracketed sizes as the product writes them.
	reasonLowDiskBytes = "There are too many logs (1234) in the lag range, or suppression of 0 was applied. " +
		"There is not enough free space on the disk. The allowed free space is 10000MB but it is currently only 8123MB of total disk space. " +
		"[Free Space: 7.933 GB (8,517,386,240 bytes), Total Space: 200 GB (214,748,364,800 bytes)]"
	// R4/F1: FQDNs, any case, one server twice.
	blockedFQDN = "There were database availability check failures for database 'DB1' that may be lowering its availability. " +
		"Availability Count: 2. Expected Availability Count: 3. Detailed error(s): \n" +
		"Server 'SERVER4.contoso.local' has database copy auto activation policy configuration of 'Blocked'.\n" +
		"Server 'server5.contoso.local' has database copy auto activation policy configuration of 'Blocked'.\n" +
		"Server 'server4' has database copy auto activation policy configuration of 'Blocked'."
	// R5/F2: the field case's lines without a name [RLM blog].
	blockedEmpty = "There were database availability check failures for database 'DB1' that may be lowering its availability. " +
		"Availability Count: 2. Expected Availability Count: 3. Detailed error(s): \n" +
		"Server '' has database copy auto activation policy configuration of 'Blocked'.\n" +
		"Server '' has database copy auto activation policy configuration of 'Blocked'.\n" +
		"Server '' has database copy auto activation policy configuration of 'Blocked'."
	// R3, R18, R19: a Blocked line beside other checks. Only the Blocked
	// wording is confirmed; the other lines are invented stand-ins (N2).
	mixedChecks = "There were database availability check failures for database 'DB1' that may be lowering its availability. " +
		"Availability Count: 1. Expected Availability Count: 3. Detailed error(s): \n" +
		"Server 'SERVER4.contoso.local' has database copy auto activation policy configuration of 'Blocked'.\n" +
		"Database copy 'DB1' on server 'SERVER2.contoso.local' has status 'FailedAndSuspended'.\n" +
		"Server 'SERVER5.contoso.local' is in maintenance: its HighAvailability component is Inactive.\n" +
		"Server 'SERVER6.contoso.local' has database copy auto activation policy configuration of 'IntrasiteOnly' and is in another site."
	// R6/F6: a stand-in for a localised reason (the real translations are
	// not public): nothing of the English wording.
	reasonLocalised = "Bei der Verfügbarkeitsprüfung der Datenbank 'DB1' sind Fehler aufgetreten. Anzahl: 2. Erwartet: 3."
	notBlocked      = "There were database availability check failures for database 'DB1' that may be lowering its availability. " +
		"Availability Count: 1. Expected Availability Count: 3. Detailed error(s): \n" +
		"Database copy 'DB1' on server 'SERVER2' is not healthy. Status: FailedAndSuspended.\n" +
		"Server 'SERVER1' is down.\n"
)

var (
	builtinOnce    sync.Once
	builtinMatcher *Matcher
	builtinErr     error
)

// builtin loads and compiles the embedded catalog once per test binary.
func mustBuiltin(t testing.TB) *Matcher {
	t.Helper()
	builtinOnce.Do(func() {
		cat, err := Load()
		if err != nil {
			builtinErr = err
			return
		}
		builtinMatcher, builtinErr = Compile(cat)
	})
	if builtinErr != nil {
		t.Fatal(builtinErr)
	}
	return builtinMatcher
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// rec builds an evtx record of the HighAvailability channel.
func rec(id uint64, at, computer string, eventID uint32, values ...Value) Record {
	return Record{Source: "evtx", File: haFile, RecordID: id, Time: ts(at), Computer: computer,
		Channel: haChannel, Provider: haProvider, EventID: eventID, Level: 4, Values: values}
}

// pos builds unnamed values, as a record whose names we do not know.
func pos(vals ...string) []Value {
	out := make([]Value, len(vals))
	for i, v := range vals {
		out[i] = Value{Value: v}
	}
	return out
}

func named(kv ...string) []Value {
	var out []Value
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Value{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func message(text string) []Value { return []Value{{Name: "Message", Value: text}} }

func r708(id uint64, at, computer, db, reasonText, code string) Record {
	return rec(id, at, computer, 708, pos(db, "9f1c2d3e-0000-4000-8000-000000000001", "123456", "00:15:00", reasonText, code)...)
}

func r738(id uint64, at, computer, db, server, reason string) Record {
	return rec(id, at, computer, 738, pos(db, server, "4a7b8c9d-0000-4000-8000-000000000002", reason, "1.00:00:00")...)
}

// rRange is the required-range play-down (N10): its id is unknown, so the
// tests give it more than one.
func rRange(id uint64, at, computer string, eventID uint32, db string) Record {
	return rec(id, at, computer, eventID, pos(db, "4a7b8c9d-0000-4000-8000-000000000002", "1201760", "6.23:10:00", "1201733", "1201760")...)
}

// splitLines is the detailed errors of a 738 reason, one per line.
func splitLines(reason string) []string {
	_, after, _ := strings.Cut(reason, "Detailed error(s): ")
	var out []string
	for _, l := range strings.Split(after, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func r2001(id uint64, at, computer, db string) Record {
	return rec(id, at, computer, 2001, pos(db, "FastLagPlaydownDesired")...)
}

// mustLoad compiles the builtin catalog with a user directory of files.
func mustLoad(t *testing.T, files map[string]string) *Matcher {
	t.Helper()
	cat, err := Load(writeDir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// correlate runs records through m into a fresh Correlator.
func correlate(m *Matcher, recs ...Record) []Incident {
	c := NewCorrelator(m)
	for i := range recs {
		for _, h := range m.Match(&recs[i]) {
			c.Add(h)
		}
	}
	return c.Incidents()
}

// seedCase is the field case: DB1's lagged copy on SERVER3 never lags
// because SERVER4-6 are Blocked.
func seedCase() []Record {
	return []Record{
		r738(10, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3),
		r738(11, "2024-03-01T12:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3),
		r708(20, "2024-03-02T08:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled"),
		r2001(21, "2024-03-02T08:05:01Z", "SERVER3.contoso.local", "DB1"),
	}
}
