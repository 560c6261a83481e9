package patterns

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Two episodes of one problem are two incidents with two ids and one
// problem id. (Low-disk play-downs: a LagDisabled 708 would rejoin.)
func TestEpisodeIDs(t *testing.T) {
	const host = "SERVER3.contoso.local"
	incs := correlate(mustBuiltin(t),
		r708(1, "2024-03-01T08:00:00Z", host, "DB1", reasonLowDisk, "NotEnoughFreeSpace"),
		r708(2, "2024-03-05T08:00:00Z", host, "DB1", reasonLowDisk, "NotEnoughFreeSpace"))
	if len(incs) != 2 {
		t.Fatalf("%d incidents, want 2 episodes", len(incs))
	}
	if incs[0].ID == incs[1].ID {
		t.Errorf("both episodes have the id %s", incs[0].ID)
	}
	if incs[0].ProblemID != incs[1].ProblemID || incs[0].ProblemID != ProblemID(incs[0].Pattern, incs[0].Key) {
		t.Errorf("problem ids %s and %s, want both %s", incs[0].ProblemID, incs[1].ProblemID, ProblemID(incs[0].Pattern, incs[0].Key))
	}
}

// orderCases are record sets whose incidents must not depend on the order
// the records arrive in: episodes joined by a late record, duplicates from
// a second copy of the log, fields taken first, latest and as a union, a
// LagDisabled 708 that rejoins its episode days later and cancels the
// pending warning (chain), values joined from another row (join).
func orderCases() map[string][]Record {
	const host = "SERVER3.contoso.local"
	chain := []Record{
		r738(1, "2024-03-01T08:00:00Z", host, "DB1", "SERVER3", blocked3),
		r708(2, "2024-03-02T20:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
		r708(3, "2024-03-04T19:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
		r708(4, "2024-03-09T19:00:00Z", host, "DB1", reasonLagDisabled, "LagDisabled"),
		r738(5, "2024-03-09T20:00:00Z", host, "DB1", "SERVER3", notBlocked),
		r708(6, "2024-03-09T21:00:00Z", host, "DB2", reasonLagDisabled, "LagDisabled"),
	}
	twice := append([]Record{}, seedCase()...)
	for _, r := range seedCase() {
		r.File = "a-copy.evtx"
		twice = append(twice, r)
	}
	// R11: the forwarder comes from the DELIVER row of the same message,
	// which may arrive before or after the dropped row.
	join := mailflowShapes()[1].recs
	return map[string][]Record{"chain": chain, "twice": twice, "seed": seedCase(), "join": join}
}

func TestCorrelateOrderIndependent(t *testing.T) {
	m := mustBuiltin(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for name, recs := range orderCases() {
		want := incidentsJSON(t, correlate(m, recs...))
		for i := range 20 {
			rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
			if got := incidentsJSON(t, correlate(m, recs...)); got != want {
				t.Fatalf("%s, order %d: incidents differ:\n%s\nwant\n%s", name, i, got, want)
			}
		}
	}
}

func incidentsJSON(t *testing.T, incs []Incident) string {
	t.Helper()
	b, err := json.MarshalIndent(incs, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lagHits returns n hits of one lagged-copy incident, a second apart, in
// a random order (the same for the same seed).
func lagHits(t testing.TB, n int, seed uint64) []Hit {
	m := mustBuiltin(t)
	r := r708(1, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")
	proto := m.Match(&r)
	if len(proto) != 1 {
		t.Fatalf("%d hits for a 708, want 1", len(proto))
	}
	hits := make([]Hit, n)
	for i := range hits {
		hits[i] = proto[0]
		hits[i].RecordID = uint64(i + 1)
		hits[i].Time = proto[0].Time.Add(time.Duration(i) * time.Second)
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(n, func(i, j int) { hits[i], hits[j] = hits[j], hits[i] })
	return hits
}

// An incident with more hits than it keeps counts them all and keeps the
// first and the last EvidenceKept, whatever the order of arrival.
func TestEvidenceTruncated(t *testing.T) {
	const n = 2*EvidenceKept + 537
	for seed := range uint64(3) {
		c := NewCorrelator(mustBuiltin(t))
		for _, h := range lagHits(t, n, seed) {
			c.Add(h)
			if seed == 1 {
				c.Add(h) // a second copy of every record counts once
			}
		}
		inc := only(t, c.Incidents(), "ha.lagged-copy-not-lagging")
		check(t, "count", inc.Count, n)
		check(t, "evidence_total", inc.EvidenceTotal, n)
		check(t, "evidence_truncated", inc.EvidenceTruncated, true)
		if len(inc.Evidence) != 2*EvidenceKept {
			t.Fatalf("%d evidence records, want %d", len(inc.Evidence), 2*EvidenceKept)
		}
		for i, e := range inc.Evidence {
			want := uint64(i + 1)
			if i >= EvidenceKept {
				want = uint64(n - 2*EvidenceKept + i + 1)
			}
			if e.Record != want {
				t.Fatalf("seed %d: evidence %d is record %d, want %d", seed, i, e.Record, want)
			}
		}
	}
	// At exactly twice EvidenceKept, nothing is dropped.
	c := NewCorrelator(mustBuiltin(t))
	for _, h := range lagHits(t, 2*EvidenceKept, 7) {
		c.Add(h)
	}
	inc := only(t, c.Incidents(), "ha.lagged-copy-not-lagging")
	check(t, "evidence_truncated at the limit", inc.EvidenceTruncated, false)
	check(t, "evidence at the limit", len(inc.Evidence), 2*EvidenceKept)
}

// A million hits of one incident, each with its own long message: the heap
// holds the counts and 2*EvidenceKept records, not the hits. Holding the
// hits would take well over a gigabyte.
func TestEvidenceMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("adds a million hits; skipped with -short")
	}
	const n = 1_000_000
	m := mustBuiltin(t)
	r := r708(1, "2024-03-01T08:00:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")
	proto := m.Match(&r)[0]
	pad := strings.Repeat("x", 1000)
	c := NewCorrelator(m)
	before := heapInUse()
	for i := range n {
		h := proto
		h.RecordID = uint64(i + 1)
		h.Time = proto.Time.Add(time.Duration(i) * time.Second)
		h.Message = fmt.Sprintf("record %d %s", i, pad) // a new string each time, as a reader makes
		h.Fields = map[string]any{}
		for k, v := range proto.Fields {
			h.Fields[k] = v
		}
		c.Add(h)
	}
	grown := heapInUse() - before
	inc := only(t, c.Incidents(), "ha.lagged-copy-not-lagging")
	check(t, "count", inc.Count, n)
	check(t, "evidence", len(inc.Evidence), 2*EvidenceKept)
	const limit = 48 << 20
	t.Logf("heap grew by %.1f MiB for %d hits", float64(grown)/(1<<20), n)
	if grown > limit {
		t.Errorf("the heap grew by %d MiB for %d hits, more than %d MiB: hits are being held", grown>>20, n, limit>>20)
	}
	runtime.KeepAlive(c)
}

func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// BenchmarkCorrelatorAdd is the cost of one hit: grouping, counting and
// keeping evidence, on an incident that already holds many.
func BenchmarkCorrelatorAdd(b *testing.B) {
	hits := lagHits(b, 100_000, 1)
	c := NewCorrelator(mustBuiltin(b))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c.Add(hits[i%len(hits)])
	}
}

// An incident keeps copies of the values it aggregates, not the hits'
// strings: those are cut from the record's text (a trace row), and one
// message id kept from each row would keep every row alive.
func TestIncidentPinsNoRecord(t *testing.T) {
	const n, rowSize = 20_000, 8 << 10
	m := mustBuiltin(t)
	c := NewCorrelator(m)
	pad := strings.Repeat("x", rowSize)
	before := heapInUse()
	for i := range n {
		row := fmt.Sprintf("<%08d@t>,", i) + pad // the reader's row; fields are cut from it
		id := row[:strings.IndexByte(row, ',')]
		r := tr(int64(i+1), "2024-02-03T09:00:00Z", "lee@tailspintoys.com", "lee.home@outside.example", stAF, id)
		r.Time = r.Time.Add(time.Duration(i) * time.Second)
		for _, h := range m.Match(&r) {
			c.Add(h)
		}
	}
	grown := heapInUse() - before
	inc := only(t, c.Incidents(), "mailflow.autoforward-dropped")
	check(t, "count", inc.Count, n)
	check(t, "message ids", len(inc.Fields["message_ids"].([]string)), n)
	// The rows are n*rowSize = 160 MiB; the ids, hashes and evidence a few.
	if limit := int64(n * rowSize / 8); grown > limit {
		t.Errorf("the heap grew by %d MiB for %d hits of %d KiB rows: the incident keeps the rows", grown>>20, n, rowSize>>10)
	}
	runtime.KeepAlive(c)
}
