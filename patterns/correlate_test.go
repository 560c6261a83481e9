package patterns

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWindowSplit(t *testing.T) {
	const host = "SERVER3.contoso.local"
	cases := []struct {
		name string
		recs []Record
		want []string // key, count, first_seen per incident
	}{
		{"two low-disk play-downs 4 days apart are two incidents", []Record{
			r708(1, "2024-03-01T08:00:00Z", host, "DB1", reasonLowDisk, "NotEnoughFreeSpace"),
			r708(2, "2024-03-05T08:00:00Z", host, "DB1", reasonLowDisk, "NotEnoughFreeSpace"),
		}, []string{`DB1\SERVER3 1 2024-03-01T08:00:00Z`, `DB1\SERVER3 1 2024-03-05T08:00:00Z`}},
		// R27/F5: a LagDisabled 708 is logged once per episode (again after
		// a restart), so a later one joins the episode: rejoin.
		{"a LagDisabled 708 ten days later joins its episode", []Record{
			r708(1, "2024-03-01T08:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
			r708(2, "2024-03-11T08:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
		}, []string{`DB1\SERVER3 2 2024-03-01T08:00:00Z`}},
		{"a chain of hits each within 48h stays one incident", []Record{
			r738(1, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
			r708(2, "2024-03-02T20:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
			r708(3, "2024-03-04T19:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
		}, []string{`DB1\SERVER3 3 2024-03-01T08:00:00Z`}},
		{"a 708 after a restart links the earlier 738 episode", []Record{
			r738(1, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
			r708(2, "2024-03-04T08:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
		}, []string{`DB1\SERVER3 2 2024-03-01T08:00:00Z`}},
		{"a low-disk 708 does not rejoin: the 738 stays a warning of its own", []Record{
			r738(1, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
			r708(2, "2024-03-04T08:00:00Z", host, "DB1", reasonLowDisk, "NotEnoughFreeSpace"),
		}, []string{`DB1\SERVER3 1 2024-03-01T08:00:00Z`, `DB1\SERVER3 1 2024-03-04T08:00:00Z`}},
		{"exactly the window apart is still one incident", []Record{
			r708(1, "2024-03-01T08:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
			r708(2, "2024-03-03T08:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
		}, []string{`DB1\SERVER3 2 2024-03-01T08:00:00Z`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, inc := range correlate(mustBuiltin(t), tc.recs...) {
				got = append(got, fmt.Sprintf("%s %d %s", inc.Key, inc.Count, inc.FirstSeen.Format("2006-01-02T15:04:05Z07:00")))
				if _, ok := inc.Fields["availability_count"]; ok && inc.Pattern == "ha.lag-playdown-low-disk" {
					t.Errorf("fields from the 738 outside the window leaked in: %v", inc.Fields)
				}
			}
			check(t, "incidents", got, tc.want)
		})
	}
}

// The same log exported twice, or read from a directory and from a zip,
// must not double the counts.
func TestDedupe(t *testing.T) {
	m := mustBuiltin(t)
	recs := seedCase()
	var twice []Record
	for _, r := range recs {
		copy := r
		copy.File = "zz-export-again.evtx"
		twice = append(twice, copy)
	}
	// The copy is added first: the lexically smaller file must still be cited.
	inc := only(t, correlate(m, append(twice, recs...)...), "ha.lagged-copy-not-lagging")
	check(t, "count", inc.Count, 4)
	check(t, "evidence", len(inc.Evidence), 4)
	for _, e := range inc.Evidence {
		if e.File != haFile {
			t.Errorf("cited %s, want %s", e.File, haFile)
		}
	}
	// A different record id at the same time is a different record.
	other := r708(99, "2024-03-02T08:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")
	inc = only(t, correlate(m, append(recs, other)...), "ha.lagged-copy-not-lagging")
	check(t, "count with a distinct record", inc.Count, 5)
}

func TestConcurrentAdd(t *testing.T) {
	m := mustBuiltin(t)
	c := NewCorrelator(m)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range seedCase() {
				r.File = fmt.Sprintf("copy%d.evtx", i)
				for _, h := range m.Match(&r) {
					c.Add(h)
				}
			}
		}()
	}
	wg.Wait()
	inc := only(t, c.Incidents(), "ha.lagged-copy-not-lagging")
	check(t, "count", inc.Count, 4)
	check(t, "cited file", inc.Evidence[0].File, "copy0.evtx")
}

// Several 738s may disagree. The latest is the current state and wins; the
// incident keeps every value seen and the explanation says so.
func TestConflictingAvailabilityCounts(t *testing.T) {
	const host = "SERVER3.contoso.local"
	one := strings.Replace(blocked3, "Availability Count: 2.", "Availability Count: 1.", 1)
	recs := []Record{
		r738(10, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
		r738(11, "2024-03-01T12:00:00Z", host, "DB1", "SERVER3", one),
		r708(20, "2024-03-02T08:05:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
	}
	inc := only(t, correlate(mustBuiltin(t), recs...), "ha.lagged-copy-not-lagging")
	check[any](t, "availability_count", inc.Fields["availability_count"], 1)
	check[any](t, "availability_counts_seen", inc.Fields["availability_counts_seen"], []int{1, 2})
	want := "Availability Count 1, Expected Availability Count 3 (the latest value; the events in this incident report 1 and 2)."
	if !strings.Contains(inc.Explanation, want) {
		t.Errorf("explanation lacks %q:\n%s", want, inc.Explanation)
	}
	// Reversed in time, the other value is the latest.
	recs[0].Time, recs[1].Time = recs[1].Time, recs[0].Time
	inc = only(t, correlate(mustBuiltin(t), recs...), "ha.lagged-copy-not-lagging")
	check[any](t, "availability_count reversed", inc.Fields["availability_count"], 2)
}

func TestIncidentOrder(t *testing.T) {
	recs := []Record{
		r708(1, "2024-03-01T09:00:00Z", "SERVER7.contoso.local", "DB2", reasonLowDisk, "NotEnoughFreeSpace"), // medium, earliest
		r708(2, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB9", reasonLagDisabled, "LagDisabled"),    // high, later
		r708(3, "2024-03-01T10:00:00Z", "SERVER3.contoso.local", "DB8", reasonLagDisabled, "LagDisabled"),    // high, earlier
		r708(4, "2024-03-01T10:00:00Z", "SERVER3.contoso.local", "DB7", reasonLagDisabled, "LagDisabled"),    // high, same time: by key
		r708(5, "2024-03-01T08:00:00Z", "SERVER9.contoso.local", "DB2", reasonPatching, "InRequiredRange"),   // medium, earliest of all
	}
	var got []string
	for _, inc := range correlate(mustBuiltin(t), recs...) {
		got = append(got, inc.Pattern+" "+inc.Key)
	}
	check(t, "order", got, []string{
		`ha.lagged-copy-not-lagging DB7\SERVER3`,
		`ha.lagged-copy-not-lagging DB8\SERVER3`,
		`ha.lagged-copy-not-lagging DB9\SERVER3`,
		`ha.lag-playdown-page-patching DB2\SERVER9`,
		`ha.lag-playdown-low-disk DB2\SERVER7`,
	})
}

// Evidence at the same instant sorts by file, then record.
func TestEvidenceOrder(t *testing.T) {
	a := r708(5, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")
	b := r2001(3, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB1")
	b.File = "0-first.evtx" // sorts before "Microsoft-..."
	c := r2001(4, "2024-03-02T08:00:00Z", "SERVER3.contoso.local", "DB1")
	inc := only(t, correlate(mustBuiltin(t), a, c, b), "ha.lagged-copy-not-lagging")
	check(t, "evidence", evidenceIDs(inc), []string{"ha.passive-scan-disabled#3", "ha.passive-scan-disabled#4", "ha.lag-playdown#5"})
}

// The JSON shape is a contract with the reporters.
func TestIncidentJSON(t *testing.T) {
	inc := only(t, correlate(mustBuiltin(t), seedCase()...), "ha.lagged-copy-not-lagging")
	b, err := json.Marshal(inc)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	check(t, "keys", sortedKeys(doc), []string{"caveats", "count", "count_unit", "evidence", "evidence_total", "evidence_truncated",
		"explanation", "fields", "first_seen", "id", "key", "last_seen", "pattern", "problem_id", "remedy", "severity", "title"})
	check[any](t, "first_seen", doc["first_seen"], "2024-03-01T08:00:00Z")
	// The ids are a contract too: scripts store them between runs.
	check[any](t, "problem_id", doc["problem_id"], ProblemID("ha.lagged-copy-not-lagging", `db1\server3`))
	check[any](t, "id", doc["id"], EpisodeID("ha.lagged-copy-not-lagging", `db1\server3`, ts("2024-03-01T08:00:00Z")))
	check[any](t, "evidence_total", doc["evidence_total"], float64(len(inc.Evidence)))
	check[any](t, "evidence_truncated", doc["evidence_truncated"], false)
	ev := doc["evidence"].([]any)[0].(map[string]any)
	check(t, "evidence keys", sortedKeys(ev), []string{"file", "message", "record", "signature", "time"})
	step := doc["remedy"].([]any)[4].(map[string]any)
	check[any](t, "step", step, map[string]any{
		"text":         step["text"],
		"command":      "Set-MailboxServer -Identity 'SERVER4' -DatabaseCopyAutoActivationPolicy Unrestricted -WhatIf",
		"shell":        "ems",
		"side_effects": step["side_effects"],
	})
	if fx, _ := step["side_effects"].(string); !strings.Contains(fx, "without -WhatIf to make the change") {
		t.Errorf("side_effects %q does not say how to make the change", fx)
	}
	fields := doc["fields"].(map[string]any)
	check[any](t, "int field", fields["availability_count"], float64(2))
	if !slices.Equal(sortedKeys(fields), []string{"availability_count", "availability_counts_seen", "blocked_count", "blocked_servers",
		"database", "detailed_errors", "expected_availability_count", "reason_code", "server", "suppression_reason", "suppression_window"}) {
		t.Errorf("fields %v", sortedKeys(fields))
	}
}

func TestIncidentIDStable(t *testing.T) {
	// Pinned: changing the problem id's recipe would make every stored
	// baseline stale. It is the id reports had before problem_id.
	check(t, "id", ProblemID("ha.lagged-copy-not-lagging", `DB1\SERVER3`), "b6b598a1dd29e496")
	check(t, "case", ProblemID("p", "AbC"), ProblemID("p", "abc"))
	if ProblemID("p", "a") == ProblemID("q", "a") {
		t.Error("the ids of two patterns with the same key collide")
	}
}

// One event read from an .evtx and from its CSV export (whole seconds, a
// line number, another file) is one record; a record id reused after the
// log was cleared, at another time, is another.
func TestSameEventFromTwoExportsCountsOnce(t *testing.T) {
	m := mustBuiltin(t)
	evtxRecs := seedCase()
	csvRecs := seedCase()
	for i := range evtxRecs {
		evtxRecs[i].Time = evtxRecs[i].Time.Add(140 * time.Millisecond)
		csvRecs[i].File, csvRecs[i].Line = "export.csv", int64(i+2)
	}
	reused := r738(10, "2024-03-01T16:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3)
	all := append(append(evtxRecs, csvRecs...), reused)
	inc := only(t, correlate(m, all...), "ha.lagged-copy-not-lagging")
	if inc.Count != len(seedCase())+1 {
		t.Errorf("count %d, want %d: each event once, the reused record id apart", inc.Count, len(seedCase())+1)
	}
}
