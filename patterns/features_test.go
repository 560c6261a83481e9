package patterns

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The extract options the HA catalog needs (filter, count, exclude, type
// bytes), each on its own.
func TestExtractOptions(t *testing.T) {
	const src = "Server 'SERVER4.contoso.local' is Blocked.\nServer '' is Blocked.\nServer 'server5' is Up.\nServer 'server4' is Blocked."
	cases := []struct {
		name string
		e    Extract
		want any // nil: absent
	}{
		{"filter host|upper over every match", Extract{Regex: `Server '([^']*)' is Blocked`, All: true, Filter: "host|upper"},
			[]string{"SERVER4", "SERVER4"}},
		{"count includes empty captures", Extract{Regex: `Server '([^']*)' is Blocked`, Count: true}, 3},
		{"count of nothing is absent", Extract{Regex: `Server '([^']*)' is Down`, Count: true}, nil},
		{"exclude drops lines after split", Extract{Split: `\n`, Exclude: `Blocked`}, []string{"Server 'server5' is Up."}},
		{"filter that empties a part drops it", Extract{Regex: `Server '([^']*)'`, All: true, Filter: "host"},
			[]string{"SERVER4", "server5", "server4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.e.Field, tc.e.From = "out", "in"
			ce, err := compileExtract(tc.e, map[string]kind{"in": kindString})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := ce.apply(src)
			if !ok {
				got = nil
			}
			check(t, "value", got, tc.want)
		})
	}
}

// R8/F3: byte quantities as Exchange writes them, and what is not one.
func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"7.933 GB (8,517,386,240 bytes)", 8517386240, true},
		{"20 GB (21,474,836,480 bytes)", 21474836480, true},  // the RI doc's example
		{"7,933 GB (8.517.386.240 bytes)", 8517386240, true}, // a culture with '.' groups: the count still wins
		{"1.5 KB (1 536 bytes)", 1536, true},
		{"9500MB", 9500 << 20, true},
		{"7.5 GB", 8053063680, true},
		{"12 kb", 12 << 10, true},
		{"8000", 0, false}, // no unit: not guessed
		{"lots", 0, false},
		{"(99999999999999999999999 bytes)", 0, false},
	} {
		got, ok := parseBytes(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{8517386240, "7.9 GB"}, {214748364800, "200 GB"}, {10000 << 20, "9.8 GB"}, {512, "512 bytes"},
		{1536, "1.5 KB"}, {10 << 30, "10 GB"}, {10239 << 20, "10 GB"}, {1 << 40, "1 TB"},
	} {
		if got := formatBytes(tc.n); got != tc.want {
			t.Errorf("formatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestAddSpan(t *testing.T) {
	base := ts("2024-03-01T08:00:00Z")
	for _, tc := range []struct {
		span string
		want time.Time
	}{
		{"1.00:00:00", ts("2024-03-02T08:00:00Z")},
		{"2.04:30:15.1234567", ts("2024-03-03T12:30:15Z")},
		{"04:00:00", ts("2024-03-01T12:00:00Z")},
		{"24h", ts("2024-03-02T08:00:00Z")},
		{"", time.Time{}},
		{"tomorrow", time.Time{}},
	} {
		if got := addSpan(base, tc.span); !got.Equal(tc.want) {
			t.Errorf("addSpan(%q) = %v, want %v", tc.span, got, tc.want)
		}
	}
}

// A tiny catalog for the rule options: a warning (w) cancelled by its
// outcome (o), an episode event (e) that rejoins, require_any, rollup.
func featureMatcher(t *testing.T) *Matcher {
	t.Helper()
	id := func(n uint32) *uint32 { return &n }
	sig := func(name string, n uint32) Signature {
		return Signature{ID: name, Channel: "C", Provider: "P", EventID: id(n), Fields: []string{"k", "v"}}
	}
	rule := func(name string) Rule {
		return Rule{ID: name, Title: name + " {{.k}}", Severity: "low", Key: []string{"k"}, Window: "1h"}
	}
	warn := rule("r.warn")
	warn.Require = []Selector{{Signature: "w"}}
	warn.UnlessSeen = []Selector{{Signature: "o", Where: map[string]StringList{"v": {"final"}}}}
	episode := rule("r.episode")
	episode.Require = []Selector{{Signature: "e"}}
	episode.Signatures = []Selector{{Signature: "w"}}
	episode.Rejoin = []Selector{{Signature: "e"}}
	either := rule("r.either")
	either.RequireAny = []Selector{{Signature: "o"}, {Signature: "x"}}
	either.Fields = []FieldSpec{{Name: "v"}}
	either.Remedy = []StepSpec{{Text: "Fix {{.v}}.", Command: "Get-Thing -Identity '{{ps .v}}'", Shell: "ems", Rollup: true}}
	m, err := Compile(&Catalog{
		Signatures: []Signature{sig("w", 1), sig("o", 2), sig("e", 3), sig("x", 4)},
		Incidents:  []Rule{warn, episode, either},
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRuleOptions(t *testing.T) {
	r := func(rid uint64, at string, ev uint32, k, v string) Record {
		return Record{Source: "evtx", File: "f", RecordID: rid, Time: ts(at), Channel: "C", Provider: "P", EventID: ev, Values: pos(k, v)}
	}
	cases := []struct {
		name string
		recs []Record
		want []string // pattern key count
	}{
		{"a warning alone", []Record{r(1, "2024-01-01T00:00:00Z", 1, "A", "")}, []string{"r.warn A 1"}},
		{"a warning followed by its outcome, however late", []Record{r(1, "2024-01-01T00:00:00Z", 1, "A", ""),
			r(2, "2024-01-09T00:00:00Z", 2, "A", "final")}, []string{"r.either A 1"}},
		{"an outcome with another value does not cancel", []Record{r(1, "2024-01-01T00:00:00Z", 1, "A", ""),
			r(2, "2024-01-01T00:10:00Z", 2, "A", "other")}, []string{"r.either A 1", "r.warn A 1"}},
		{"an outcome of another key does not cancel", []Record{r(1, "2024-01-01T00:00:00Z", 1, "A", ""),
			r(2, "2024-01-01T00:10:00Z", 2, "B", "final")}, []string{"r.either B 1", "r.warn A 1"}},
		{"an outcome before the warning does not cancel", []Record{r(2, "2024-01-01T00:00:00Z", 2, "A", "final"),
			r(1, "2024-01-01T05:00:00Z", 1, "A", "")}, []string{"r.either A 1", "r.warn A 1"}},
		{"an episode event rejoins its group across the window", []Record{r(1, "2024-01-01T00:00:00Z", 1, "A", ""),
			r(3, "2024-01-01T00:30:00Z", 3, "A", ""), r(4, "2024-01-05T00:00:00Z", 3, "A", "")},
			[]string{"r.episode A 3", "r.warn A 1"}},
		{"another member does not rejoin", []Record{r(3, "2024-01-01T00:00:00Z", 3, "A", ""),
			r(1, "2024-01-05T00:00:00Z", 1, "A", "")}, []string{"r.episode A 1", "r.warn A 1"}},
		{"require_any: the second form", []Record{r(1, "2024-01-01T00:00:00Z", 4, "A", "v")}, []string{"r.either A 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, inc := range correlate(featureMatcher(t), tc.recs...) {
				got = append(got, inc.Pattern+" "+inc.Key+" "+itoa(uint64(inc.Count)))
			}
			slices.Sort(got)
			check(t, "incidents", got, tc.want)
		})
	}
}

// Rejoin, unless_seen and require_any act on the episodes whatever the
// order the hits arrive in: the correlator merges a rejoin episode into
// the one before only when asked for incidents, so a non-rejoin hit that
// arrives last still starts its own episode, as in a sorted scan.
func TestRuleOptionsOrderIndependent(t *testing.T) {
	m := featureMatcher(t)
	r := func(rid uint64, at string, ev uint32, v string) Record {
		return Record{Source: "evtx", File: "f", RecordID: rid, Time: ts(at), Channel: "C", Provider: "P", EventID: ev, Values: pos("A", v)}
	}
	recs := []Record{
		r(1, "2024-01-01T00:00:00Z", 3, ""),      // e: the first episode may start with a rejoin hit
		r(2, "2024-01-03T00:00:00Z", 1, ""),      // w, days later: a new episode (and a warning)
		r(3, "2024-01-03T00:30:00Z", 3, ""),      // e within the window of w
		r(4, "2024-01-03T01:00:00Z", 2, "final"), // o: cancels the warning of 01-03, not the later one
		r(5, "2024-01-04T00:00:00Z", 1, ""),      // w: a new episode, a warning not cancelled
		r(6, "2024-01-05T00:00:00Z", 3, ""),      // e, a day later: rejoins the episode of 01-04
	}
	want := []string{"r.either A 1 2024-01-03T01:00:00Z", "r.episode A 1 2024-01-01T00:00:00Z",
		"r.episode A 2 2024-01-03T00:00:00Z", "r.episode A 2 2024-01-04T00:00:00Z", "r.warn A 1 2024-01-04T00:00:00Z"}
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 50 {
		var got []string
		for _, inc := range correlate(m, recs...) {
			got = append(got, fmt.Sprintf("%s %s %d %s", inc.Pattern, inc.Key, inc.Count, inc.FirstSeen.Format(time.RFC3339)))
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("order %d %v: incidents\n%q\nwant\n%q", i, recIDs(recs), got, want)
		}
		rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	}
}

func recIDs(recs []Record) []uint64 {
	var ids []uint64
	for _, r := range recs {
		ids = append(ids, r.RecordID)
	}
	return ids
}

// R28: incidents whose rollup step has the same command say so, once each;
// an incident with another command says nothing.
func TestRollup(t *testing.T) {
	r := func(rid uint64, k, v string) Record {
		return Record{Source: "evtx", File: "f", RecordID: rid, Time: ts("2024-01-01T00:00:00Z"), Channel: "C", Provider: "P", EventID: 4, Values: pos(k, v)}
	}
	incs := correlate(featureMatcher(t), r(1, "A", "same"), r(2, "B", "same"), r(3, "C", "same"), r(4, "D", "other"))
	texts := map[string]string{}
	for _, inc := range incs {
		texts[inc.Key] = inc.Remedy[0].Text
	}
	const rolled = "Fix same. This one command fixes 3 incidents of this scan (A, B and C): run it once."
	check(t, "texts", texts, map[string]string{"A": rolled, "B": rolled, "C": rolled, "D": "Fix other."})
}

// FuzzByteQuantity reads arbitrary text as a byte quantity and a TimeSpan:
// neither may panic, a size is never negative, and a text holding
// "(N bytes)" with plain digits reads as exactly N.
func FuzzByteQuantity(f *testing.F) {
	for _, s := range []string{"7.933 GB (8,517,386,240 bytes)", "9500MB", "1.5 kb", "(1 bytes)", "8000", "", "((bytes)", "1.00:00:00", "99999999999999999999 PB"} {
		f.Add(s, uint32(1234))
	}
	f.Fuzz(func(t *testing.T, s string, n uint32) {
		if got, ok := parseBytes(s); ok && got < 0 {
			t.Errorf("parseBytes(%q) = %d", s, got)
		}
		exact := s + " (" + strconv.FormatUint(uint64(n), 10) + " bytes)"
		if !strings.Contains(s, "(") {
			if got, ok := parseBytes(exact); !ok || got != int(n) {
				t.Errorf("parseBytes(%q) = %d, %v; want %d", exact, got, ok, n)
			}
		}
		addSpan(time.Time{}, s)
	})
}

// R11 at scale: an incident keeps at most joinKeysKept message ids for its
// join, and says so when it had more; the join table says so when full.
func TestJoinKeysCapped(t *testing.T) {
	const home = "lee.home@outside.example"
	var recs []Record
	for i, mbx := range []string{"ann@contoso.com", "bo@contoso.com", "cy@contoso.com"} {
		id := fmt.Sprintf("<in%d@partner.example>", i)
		at := fmt.Sprintf("2024-02-03T09:0%d:00Z", i)
		recs = append(recs,
			tr(int64(2*i+1), at, "billing@partner.example", mbx, "250 2.0.0 OK", id, "event", "DELIVER", "direction", "Incoming"),
			tr(int64(2*i+2), at, "billing@partner.example", home, stAF, id, "direction", "Incoming"))
	}
	m := mustBuiltin(t)
	cases := []struct {
		name        string
		keys, table int
		forwarders  int
		capped      bool
	}{
		{"under the caps", 100, 100, 3, false},
		{"two message ids per incident", 2, 100, 2, true},
		{"a join table of one", 100, 1, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldKeys, oldTable := joinKeysKept, maxJoinEntries
			joinKeysKept, maxJoinEntries = tc.keys, tc.table
			defer func() { joinKeysKept, maxJoinEntries = oldKeys, oldTable }()
			inc := only(t, correlate(m, recs...), "mailflow.autoforward-dropped")
			check(t, "forwarders", len(strs(inc.Fields["forwarders"])), tc.forwarders)
			check(t, "join_capped", inc.JoinCapped, tc.capped)
			check(t, "explanation names the cap", strings.Contains(inc.Explanation, "may be incomplete"), tc.capped)
			check(t, "count", inc.Count, 3)
		})
	}
}
