package patterns

import (
	"strings"
	"testing"
)

// Trace matching is small but real: a catalog built in Go, not YAML, with
// a status prefilter, a column regex and derived fields.
func TestTraceSignature(t *testing.T) {
	cat := &Catalog{
		Signatures: []Signature{{
			ID: "mail.af-dropped", Source: "trace",
			StatusContains: []string{"RESOLVER.MSGTYPE.AF"},
			Columns:        map[string]string{"event": "(?i)^drop$"},
			Fields:         []string{"sender", "recipient", "status"},
			Extract:        []Extract{{Field: "domain", From: "recipient", Regex: `@(.+)$`}},
		}},
		Incidents: []Rule{{
			ID: "mail.af-blocked", Title: "Auto-forward from {{.sender}} to {{.domain}} dropped", Severity: "medium",
			Require: []Selector{{Signature: "mail.af-dropped"}}, Key: []string{"sender", "domain"}, KeySeparator: " -> ",
		}},
	}
	m, err := Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	row := func(line int64, event, status string) Record {
		return Record{Source: "trace", File: "MSGTRK2024.LOG", Line: line, Time: ts("2024-03-02T08:00:00Z"),
			Columns: map[string]string{"event": event, "sender": "ann@contoso.com", "recipient": "ann@gmail.com", "status": status}}
	}
	const af = "250 2.1.5 RESOLVER.MSGTYPE.AF; handled AutoForward addressed to external recipient"
	cases := []struct {
		rec  Record
		want bool
	}{
		{row(10, "DROP", af), true},
		{row(11, "DROP", "250 2.1.5 RESOLVER.GRP.Expanded; distribution list expanded"), false},
		{row(12, "DELIVER", af), false},
		{Record{Source: "evtx", Channel: "x", Provider: "y", EventID: 1}, false},
	}
	c := NewCorrelator(m)
	for _, tc := range cases {
		hits := m.Match(&tc.rec)
		if (len(hits) == 1) != tc.want {
			t.Errorf("line %d: hits %+v, want match %v", tc.rec.Line, hits, tc.want)
		}
		for _, h := range hits {
			c.Add(h)
			c.Add(h) // the same row twice counts once
		}
	}
	inc := only(t, c.Incidents(), "mail.af-blocked")
	check(t, "key", inc.Key, "ann@contoso.com -> gmail.com")
	check(t, "title", inc.Title, "Auto-forward from ann@contoso.com to gmail.com dropped")
	check(t, "count", inc.Count, 1)
	check(t, "evidence", inc.Evidence, []Evidence{{File: "MSGTRK2024.LOG", Line: 10, Time: ts("2024-03-02T08:00:00Z"),
		Signature: "mail.af-dropped", Message: "trace: sender=ann@contoso.com; recipient=ann@gmail.com; status=" + af}})
}

func TestCompileRejectsMixedSources(t *testing.T) {
	id := uint32(1)
	for _, s := range []Signature{
		{ID: "a", Source: "trace", Channel: "x", StatusContains: []string{"y"}},
		{ID: "b", Source: "trace"},
		{ID: "c", Channel: "x", Provider: "y", EventID: &id, StatusContains: []string{"z"}},
		{ID: "d", Source: "syslog"},
	} {
		_, err := Compile(&Catalog{Signatures: []Signature{s}})
		if err == nil || !strings.HasPrefix(err.Error(), `patterns: signature "`+s.ID+`": `) {
			t.Errorf("%s: err = %v", s.ID, err)
		}
	}
}
