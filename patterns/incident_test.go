package patterns

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// evidenceIDs summarises evidence as "signature#record" in order.
func evidenceIDs(inc Incident) []string {
	var out []string
	for _, e := range inc.Evidence {
		out = append(out, e.Signature+"#"+itoa(e.Record))
	}
	return out
}

func itoa(n uint64) string { return text(int(n)) }

func commands(inc Incident) []string {
	var out []string
	for _, s := range inc.Remedy {
		if s.Command != "" {
			out = append(out, s.Command)
		}
	}
	return out
}

func only(t *testing.T, incs []Incident, pattern string) Incident {
	t.Helper()
	if len(incs) != 1 || incs[0].Pattern != pattern {
		var got []string
		for _, i := range incs {
			got = append(got, i.Pattern+" "+i.Key)
		}
		t.Fatalf("want exactly one %s incident, got %v", pattern, got)
	}
	return incs[0]
}

func TestLaggedCopyNotLagging(t *testing.T) {
	inc := only(t, correlate(mustBuiltin(t), seedCase()...), "ha.lagged-copy-not-lagging")

	wantFields := map[string]any{
		"database": "DB1", "server": "SERVER3", "reason_code": "LagDisabled",
		"availability_count": 2, "availability_counts_seen": []int{2}, "expected_availability_count": 3,
		"blocked_servers": []string{"SERVER4", "SERVER5", "SERVER6"}, "blocked_count": 3,
		"detailed_errors":    []string{blockedLines[0], blockedLines[2], blockedLines[1]},
		"suppression_reason": blocked3[:len(blocked3)-2], "suppression_window": "1.00:00:00",
	}
	if !reflect.DeepEqual(inc.Fields, wantFields) {
		t.Errorf("fields\n got %#v\nwant %#v", inc.Fields, wantFields)
	}
	check(t, "title", inc.Title, `Lagged copy DB1\SERVER3 is not lagging`)
	check(t, "key", inc.Key, `DB1\SERVER3`)
	check(t, "severity", string(inc.Severity), "high")
	check(t, "count", inc.Count, 4)
	check(t, "first_seen", inc.FirstSeen, ts("2024-03-01T08:00:00Z"))
	check(t, "last_seen", inc.LastSeen, ts("2024-03-02T08:05:01Z"))
	check(t, "evidence", evidenceIDs(inc), []string{
		"ha.lag-disable-suppressed#10", "ha.lag-disable-suppressed#11", "ha.lag-playdown#20", "ha.passive-scan-disabled#21"})
	check(t, "evidence message", inc.Evidence[2].Message, msg708)

	for _, want := range []string{
		"Replay Lag Manager keeps playing down the lagged copy DB1\\SERVER3 (reason LagDisabled)",
		"Availability Count 2, Expected Availability Count 3.",
		"The copies on SERVER4, SERVER5 and SERVER6 are on servers with DatabaseCopyAutoActivationPolicy Blocked",
		"Recreating the copy or changing ReplayLagTime does not help",
	} {
		if !strings.Contains(inc.Explanation, want) {
			t.Errorf("explanation lacks %q:\n%s", want, inc.Explanation)
		}
	}
	check(t, "commands", commands(inc), []string{
		`Get-MailboxDatabaseCopyStatus -Identity 'DB1' | ft Name,Status,ReplayLagStatus`,
		`Get-ServerComponentState 'SERVER4' | ft Component,State`,
		`Get-MailboxServer | ft Name,DatabaseCopyAutoActivationPolicy`,
		`Add-MailboxDatabaseCopy -Identity 'DB1' -MailboxServer '<server>' -WhatIf`,
		`Set-MailboxServer -Identity 'SERVER4' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`,
	})
	if last := inc.Remedy[len(inc.Remedy)-1]; !strings.HasPrefix(last.Text, "Do not disable Replay Lag Manager.") || last.Command != "" {
		t.Errorf("last step = %+v", last)
	}
}

// Without a Blocked server the explanation must report the real failed
// checks and name no server it did not see.
func TestLaggedCopyNotLaggingOtherFailures(t *testing.T) {
	recs := []Record{
		r738(10, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", notBlocked),
		r708(20, "2024-03-02T08:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled"),
	}
	inc := only(t, correlate(mustBuiltin(t), recs...), "ha.lagged-copy-not-lagging")
	check[any](t, "detailed_errors", inc.Fields["detailed_errors"], []string{
		"Database copy 'DB1' on server 'SERVER2' is not healthy. Status: FailedAndSuspended.", "Server 'SERVER1' is down."})
	if _, ok := inc.Fields["blocked_servers"]; ok {
		t.Errorf("blocked_servers present: %v", inc.Fields["blocked_servers"])
	}
	want := "The failed checks other than Blocked servers, as the event wrote them: Database copy 'DB1' on server 'SERVER2' is not healthy. Status: FailedAndSuspended. Server 'SERVER1' is down."
	if !strings.Contains(inc.Explanation, want) || strings.Contains(inc.Explanation, "SERVER4") {
		t.Errorf("explanation:\n%s", inc.Explanation)
	}
	if slices.ContainsFunc(commands(inc), func(c string) bool { return strings.HasPrefix(c, "Set-MailboxServer") }) {
		t.Errorf("Set-MailboxServer suggested without a Blocked server: %v", commands(inc))
	}
	if !slices.ContainsFunc(inc.Remedy, func(s Step) bool {
		return strings.HasPrefix(s.Text, "Fix the other failed availability checks listed above")
	}) {
		t.Errorf("remedy lacks the fix-the-checks step: %+v", inc.Remedy)
	}
}

// A 708 alone still is the incident, but the text must not pretend to
// know the availability counts.
func TestLaggedCopyNotLaggingWithout738(t *testing.T) {
	recs := []Record{r708(20, "2024-03-02T08:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")}
	inc := only(t, correlate(mustBuiltin(t), recs...), "ha.lagged-copy-not-lagging")
	check(t, "fields", inc.Fields, map[string]any{"database": "DB1", "server": "SERVER3", "reason_code": "LagDisabled"})
	if strings.Contains(inc.Explanation, "Availability Count") || !strings.Contains(inc.Explanation, "No event found here names the failed availability checks") {
		t.Errorf("explanation:\n%s", inc.Explanation)
	}
	// R13/F7: the same 708 follows an administrator's -DisableReplayLag.
	for _, want := range []string{"Resume-MailboxDatabaseCopy -DisableReplayLag", "No event 738 for this copy is in these logs",
		"A lag an administrator disabled is not re-enabled by Replay Lag Manager"} {
		if !strings.Contains(inc.Explanation, want) {
			t.Errorf("explanation lacks %q:\n%s", want, inc.Explanation)
		}
	}
	if !slices.Contains(commands(inc), "Search-AdminAuditLog -Cmdlets 'Resume-MailboxDatabaseCopy' -Parameters DisableReplayLag | fl RunDate,Caller,ObjectModified,CmdletParameters") {
		t.Errorf("no audit log search: %v", commands(inc))
	}
	for _, s := range inc.Remedy {
		if strings.Contains(s.Text, "re-enables lag by itself (it re-checks") {
			t.Errorf("promises a re-enable without a 738: %q", s.Text)
		}
	}
}

func TestLaggedCopyNotLaggingNegative(t *testing.T) {
	const host = "SERVER3.contoso.local"
	cases := []struct {
		name string
		recs []Record
		want []string // "pattern key"
	}{
		// R14/N1: 738 alone is the early warning, not a played-down copy.
		{"738 alone", []Record{r738(10, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3)},
			[]string{`ha.lag-disable-pending DB1\SERVER3`}},
		{"738 and 2001 without 708", []Record{
			r738(10, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
			r2001(21, "2024-03-02T08:05:01Z", host, "DB1")}, []string{`ha.lag-disable-pending DB1\SERVER3`}},
		{"708 low disk with 738: low disk, and the warning still stands", []Record{
			r738(10, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
			r708(20, "2024-03-02T08:05:00Z", host, "DB1", reasonLowDisk, "NotEnoughFreeSpace")},
			[]string{`ha.lag-disable-pending DB1\SERVER3`, `ha.lag-playdown-low-disk DB1\SERVER3`}},
		{"708 page patching is only the page-patching incident", []Record{
			r708(20, "2024-03-02T08:05:00Z", host, "DB1", reasonPatching, "InRequiredRange")},
			[]string{`ha.lag-playdown-page-patching DB1\SERVER3`}},
		{"708 with an unknown reason code", []Record{
			r708(20, "2024-03-02T08:05:00Z", host, "DB1", "Something new.", "SomeFutureReason")}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, inc := range correlate(mustBuiltin(t), tc.recs...) {
				got = append(got, inc.Pattern+" "+inc.Key)
			}
			check(t, "incidents", got, tc.want)
		})
	}
}

// A 738 of another copy is not evidence for this one.
func TestSupportingHitsNeedTheSameKey(t *testing.T) {
	recs := []Record{
		r738(10, "2024-03-01T08:00:00Z", "SERVER9.contoso.local", "DB1", "SERVER9", blocked3),
		r738(11, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB2", "SERVER3", blocked3),
		r708(20, "2024-03-02T08:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled"),
	}
	var got []string
	for _, inc := range correlate(mustBuiltin(t), recs...) {
		got = append(got, inc.Pattern+" "+inc.Key+" "+strings.Join(evidenceIDs(inc), ","))
	}
	check(t, "incidents", got, []string{
		`ha.lagged-copy-not-lagging DB1\SERVER3 ha.lag-playdown#20`,
		`ha.lag-disable-pending DB1\SERVER9 ha.lag-disable-suppressed#10`,
		`ha.lag-disable-pending DB2\SERVER3 ha.lag-disable-suppressed#11`,
	})
}

func TestLowDisk(t *testing.T) {
	recs := []Record{
		r708(30, "2024-03-02T09:00:00Z", "SERVER7.contoso.local", "DB2", reasonLowDisk, "NotEnoughFreeSpace"),
		r708(31, "2024-03-02T10:00:00Z", "SERVER7.contoso.local", "DB2", strings.Replace(reasonLowDisk, "8000", "7000", -1), "NotEnoughFreeSpace"),
	}
	inc := only(t, correlate(mustBuiltin(t), recs...), "ha.lag-playdown-low-disk")
	check(t, "fields", inc.Fields, map[string]any{
		"database": "DB2", "server": "SERVER7", "reason_code": "NotEnoughFreeSpace",
		"space_text": "Free Space: 7000, Total Space: 200000", "allowed_free_mb": 10000, "current_free_mb": 7000, "logs_in_lag_range": 1200,
	})
	check(t, "title", inc.Title, `Lagged copy DB2\SERVER7 played down: not enough free disk space`)
	check(t, "severity", string(inc.Severity), "medium")
	check(t, "count", inc.Count, 2)
	check(t, "span", []time.Time{inc.FirstSeen, inc.LastSeen}, []time.Time{ts("2024-03-02T09:00:00Z"), ts("2024-03-02T10:00:00Z")})
	check(t, "commands", commands(inc), []string{
		`Get-MailboxDatabaseCopyStatus -Identity 'DB2\SERVER7' | fl Id,ReplayLagStatus`, `Get-MailboxDatabase -Identity 'DB2' | fl LogFolderPath`})
	for _, want := range []string{"ReplayLagLowSpacePlaydownThresholdInMB, 10,000 MB by default",
		"allowed free space as 10000 MB and the current free space as 7000 MB", "“Free Space: 7000, Total Space: 200000” (no unit given)",
		"restart the Microsoft Exchange DAG Management service on SERVER7"} {
		if !strings.Contains(inc.Explanation+inc.Remedy[2].Text, want) {
			t.Errorf("text lacks %q:\n%s\n%+v", want, inc.Explanation, inc.Remedy)
		}
	}
}

func TestLowDiskMaxLogs(t *testing.T) {
	recs := []Record{r708(31, "2024-03-02T09:00:00Z", "SERVER8.contoso.local", "DB2", reasonMaxLogs, "NotEnoughFreeSpace")}
	inc := only(t, correlate(mustBuiltin(t), recs...), "ha.lag-playdown-low-disk")
	check(t, "title", inc.Title, `Lagged copy DB2\SERVER8 played down: too many logs in the lag range`)
	check(t, "fields", inc.Fields, map[string]any{"database": "DB2", "server": "SERVER8", "reason_code": "NotEnoughFreeSpace",
		"logs_in_lag_range": 10500, "max_logs": 10000})
	if strings.Contains(inc.Explanation, "free space") || len(inc.Remedy) != 2 ||
		!strings.Contains(inc.Remedy[1].Text, "LogReplayerMaximumLogsForReplayLag on SERVER8 (10000 logs)") {
		t.Errorf("explanation %q remedy %+v", inc.Explanation, inc.Remedy)
	}
}

// R7/F4/N10: the required-range play-down is its own event; a 708 with
// InRequiredRange stays a tolerance. Both give the same incident.
func TestPagePatching(t *testing.T) {
	const host = "SERVER9.contoso.local"
	cases := []struct {
		name   string
		recs   []Record
		fields map[string]any
		count  int
	}{
		{"required-range events", []Record{rRange(32, "2024-03-02T09:00:00Z", host, 0, "DB2"), rRange(33, "2024-03-02T09:10:00Z", host, 0, "DB2"),
			r2001(34, "2024-03-02T09:00:01Z", host, "DB2")},
			map[string]any{"database": "DB2", "server": "SERVER9", "reason_code": "InRequiredRange",
				"lowest_generation": "1201733", "highest_generation": "1201760"}, 3},
		{"a 708 LogsInRequiredRange (tolerance)", []Record{r708(32, "2024-03-02T09:00:00Z", host, "DB2", reasonPatching, "LogsInRequiredRange")},
			map[string]any{"database": "DB2", "server": "SERVER9", "reason_code": "InRequiredRange"}, 1},
		{"a 708 with reason code 3 (tolerance)", []Record{r708(32, "2024-03-02T09:00:00Z", host, "DB2", reasonPatching, "3")},
			map[string]any{"database": "DB2", "server": "SERVER9", "reason_code": "InRequiredRange"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inc := only(t, correlate(mustBuiltin(t), tc.recs...), "ha.lag-playdown-page-patching")
			check(t, "fields", inc.Fields, tc.fields)
			check(t, "count", inc.Count, tc.count)
			check(t, "title", inc.Title, `Lagged copy DB2\SERVER9 played down the logs of its required range`)
			check(t, "commands", commands(inc), []string{
				`Get-MailboxDatabaseCopyStatus -Identity 'DB2\SERVER9' | fl Id,Status,ReplayLagStatus`,
				`Get-WinEvent -ComputerName 'SERVER9' -FilterHashtable @{LogName='Application'; ProviderName='MSExchangeRepl'; Id=4131}`,
				`Suspend-MailboxDatabaseCopy -Identity 'DB2\SERVER9' -WhatIf; Update-MailboxDatabaseCopy -Identity 'DB2\SERVER9' -SafeDeleteExistingFiles -WhatIf`,
			})
			for _, want := range []string{"LogsInRequiredRange", "page patching", "event 4131"} {
				if !strings.Contains(inc.Explanation, want) {
					t.Errorf("explanation lacks %q: %s", want, inc.Explanation)
				}
			}
			if tc.fields["highest_generation"] != nil && !strings.Contains(inc.Explanation, "(generations 1201733 to 1201760)") {
				t.Errorf("explanation lacks the range: %s", inc.Explanation)
			}
			if s := inc.Remedy[2]; s.Shell != "ems" || !strings.Contains(s.SideEffects, "Reseeding loses the lagged aspect of the copy") {
				t.Errorf("reseed step does not warn: %+v", s)
			}
		})
	}
}

func check[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s\n got %#v\nwant %#v", what, got, want)
	}
}

// The 738 shapes of the catalog review, each through the whole incident:
// what the admin reads and the commands in the order to run them.
func TestAvailabilityShapes(t *testing.T) {
	const host = "SERVER3.contoso.local"
	equal := strings.Replace(blocked3, "Availability Count: 2.", "Availability Count: 3.", 1)
	cases := []struct {
		name     string
		reason   string
		commands []string
		says     []string
		never    []string
	}{
		{"R4 FQDN and case: three lines, two servers", blockedFQDN, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB1' | ft Name,Status,ReplayLagStatus`,
			`Get-ServerComponentState 'SERVER4' | ft Component,State`,
			`Get-MailboxServer | ft Name,DatabaseCopyAutoActivationPolicy`,
			`Add-MailboxDatabaseCopy -Identity 'DB1' -MailboxServer '<server>' -WhatIf`,
			`Set-MailboxServer -Identity 'SERVER4' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`,
		}, []string{"The copies on SERVER4 and SERVER5 are on servers with DatabaseCopyAutoActivationPolicy Blocked"},
			[]string{"contoso.local and", "server4"}},
		{"R5 unnamed Blocked servers", blockedEmpty, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB1' | ft Name,Status,ReplayLagStatus`,
			`Get-MailboxServer | ft Name,DatabaseCopyAutoActivationPolicy`,
			`Add-MailboxDatabaseCopy -Identity 'DB1' -MailboxServer '<server>' -WhatIf`,
			`Set-MailboxServer -Identity '<server>' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`,
		}, []string{"3 servers are Blocked (not named in the event)", "and 3 servers are Blocked without being named in the event"},
			[]string{"Identity ''", "No copy was reported"}},
		{"R3, R18, R19 every failed check named, repairs first", mixedChecks, []string{
			`Get-MailboxDatabaseCopyStatus -Identity 'DB1' | ft Name,Status,ReplayLagStatus`,
			`Resume-MailboxDatabaseCopy -Identity 'DB1\SERVER2' -WhatIf`,
			`Suspend-MailboxDatabaseCopy -Identity 'DB1\SERVER2' -WhatIf; Update-MailboxDatabaseCopy -Identity 'DB1\SERVER2' -SafeDeleteExistingFiles -WhatIf`,
			`Get-ServerComponentState 'SERVER5' | ft Component,State`,
			`.\StopDagServerMaintenance.ps1 -ServerName 'SERVER5'`,
			`Get-ServerComponentState 'SERVER4' | ft Component,State`,
			`Get-MailboxServer | ft Name,DatabaseCopyAutoActivationPolicy`,
			`Add-MailboxDatabaseCopy -Identity 'DB1' -MailboxServer '<server>' -WhatIf`,
			`Set-MailboxServer -Identity 'SERVER4' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`,
			`Set-MailboxServer -Identity 'SERVER6' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf`,
		}, []string{"The copy of DB1 on SERVER2 is not healthy", "SERVER5 is reported in maintenance",
			"SERVER6 has the policy IntrasiteOnly, which prevents cross-site failover and activation",
			"as the event wrote them: Database copy 'DB1' on server 'SERVER2.contoso.local' has status 'FailedAndSuspended'.",
			"A disaster-recovery server meant to stay Blocked must be set back to Blocked afterwards"}, nil},
		{"R17 the count equals the expected one", equal, nil, []string{
			"Availability Count 3, Expected Availability Count 3.",
			"one more copy is required than the event prints, 4 here"}, nil},
		{"R6 a localised reason is quoted", reasonLocalised, nil, []string{
			"The reason of its 738 could not be read", "“" + reasonLocalised + "”"},
			[]string{"No event found here names the failed availability checks"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs := []Record{
				r738(10, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", tc.reason),
				r708(20, "2024-03-02T08:05:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
			}
			inc := only(t, correlate(mustBuiltin(t), recs...), "ha.lagged-copy-not-lagging")
			if tc.commands != nil {
				check(t, "commands", commands(inc), tc.commands)
			}
			text := inc.Explanation
			for _, s := range inc.Remedy {
				text += "\n" + s.Text + "\n" + s.SideEffects
			}
			for _, s := range tc.says {
				if !strings.Contains(text, s) {
					t.Errorf("no %q in:\n%s", s, text)
				}
			}
			for _, s := range tc.never {
				if strings.Contains(text+strings.Join(commands(inc), "\n"), s) {
					t.Errorf("%q in:\n%s", s, text)
				}
			}
		})
	}
}

// R14/N1: the early warning says when the lag goes, or that the window is
// over and the logs end before the 708.
func TestLagDisablePending(t *testing.T) {
	const host = "SERVER3.contoso.local"
	within := []Record{
		r738(10, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
		r738(11, "2024-03-01T12:00:00Z", host, "DB1", "SERVER3", blocked3),
	}
	inc := only(t, correlate(mustBuiltin(t), within...), "ha.lag-disable-pending")
	check(t, "title", inc.Title, `Lagged copy DB1\SERVER3: Replay Lag Manager is about to disable its lag`)
	check(t, "severity", string(inc.Severity), "medium")
	if want := "the lag will be disabled within 24 h of the first 738 here, at about 2024-03-02 08:00:00 UTC"; !strings.Contains(inc.Explanation, want) {
		t.Errorf("no %q in %s", want, inc.Explanation)
	}
	past := append(within, r738(12, "2024-03-02T09:00:00Z", host, "DB1", "SERVER3", blocked3))
	inc = only(t, correlate(mustBuiltin(t), past...), "ha.lag-disable-pending")
	if want := "The window ended at about 2024-03-02 08:00:00 UTC with no 708 for this copy in these logs: either enough copies counted as available again in time, or the lag is disabled"; !strings.Contains(inc.Explanation, want) {
		t.Errorf("no %q in %s", want, inc.Explanation)
	}
}

// R28 on the catalog: five copies held back by SERVER4 share one command.
func TestBlockedRollUp(t *testing.T) {
	var recs []Record
	for i, db := range []string{"DB1", "DB2", "DB3", "DB4", "DB5"} {
		reason := strings.ReplaceAll(blocked3, "'DB1'", "'"+db+"'")
		recs = append(recs, r738(uint64(10+i), "2024-03-01T08:00:00Z", "SERVER3.contoso.local", db, "SERVER3", reason),
			r708(uint64(20+i), "2024-03-02T08:05:00Z", "SERVER3.contoso.local", db, reasonLagDisabled, "LagDisabled"))
	}
	incs := correlate(mustBuiltin(t), recs...)
	if len(incs) != 5 {
		t.Fatalf("%d incidents", len(incs))
	}
	for _, inc := range incs {
		i := slices.IndexFunc(inc.Remedy, func(s Step) bool { return strings.HasPrefix(s.Command, "Set-MailboxServer -Identity 'SERVER4'") })
		if i < 0 || !strings.HasSuffix(inc.Remedy[i].Text, `This one command fixes 5 incidents of this scan (DB1\SERVER3, DB2\SERVER3, DB3\SERVER3, DB4\SERVER3 and DB5\SERVER3): run it once.`) {
			t.Errorf("%s: %+v", inc.Key, inc.Remedy)
		}
	}
}
