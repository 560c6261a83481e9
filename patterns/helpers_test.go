package patterns

import (
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
	notBlocked = "There were database availability check failures for database 'DB1' that may be lowering its availability. " +
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
