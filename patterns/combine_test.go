package patterns

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"testing"
	"time"
)

// Combining the incidents of two halves of the records, after a trip
// through JSON as reports make, gives the incidents of one scan of all of
// them: same fields, count, span, evidence and text. (Records that make no
// incident in their half cannot be combined: a report keeps no hit
// outside an incident.)
func TestCombineHalves(t *testing.T) {
	m := mustBuiltin(t)
	const lee, home = "lee@tailspintoys.com", "lee.home@outside.example"
	ha := seedCase()
	ha = append(ha, r738(12, "2024-03-02T07:00:00Z", "SERVER3.contoso.local", "DB1", "SERVER3", blocked3),
		r708(22, "2024-03-02T09:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled"))
	// A later episode of the same copy, days after: a second incident.
	later := []Record{r708(40, "2024-03-09T08:05:00Z", "SERVER3.contoso.local", "DB1", reasonLagDisabled, "LagDisabled")}
	mail := []Record{
		tr(10, "2024-02-03T09:00:00Z", lee, home, stAF, "<1@t>"),
		tr(30, "2024-02-03T11:00:00Z", lee, home, stAF, "<2@t>"),
		tr(7, "2024-02-03T09:00:00Z", lee, home, stAF, "<1@t>", "server", "EX02"), // the same message seen on EX02
		tr(50, "2024-02-03T12:00:00Z", lee, home, stAF, "<3@t>", "server", "EX03"),
	}
	mail[2].File, mail[3].File = "ex02.csv", "ex03.csv"
	var many []Record
	start := ts("2024-02-03T09:00:00Z")
	for i := range 4*EvidenceKept + 600 {
		at := start.Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		many = append(many, tr(int64(i+1), at, lee, home, stAF, fmt.Sprintf("<%d@t>", i)))
	}
	// R11 in two scans: each half's dropped copy names its forwarder from
	// its own DELIVER row; combined, both forwarders. The times of the
	// second half are local to an unknown zone.
	joined := mailflowShapes()[1].recs
	var joinedLater []Record
	for _, r := range joined {
		r.Line += 100
		r.Time = r.Time.Add(time.Hour)
		r.ZoneUnknown = true
		r.Columns = maps.Clone(r.Columns)
		r.Columns["message_id"] = "<in2@partner.example>"
		if r.Columns["recipient"] == "lee@contoso.com" {
			r.Columns["recipient"] = "ann@contoso.com"
		}
		joinedLater = append(joinedLater, r)
	}
	tests := []struct {
		name string
		a, b []Record
	}{
		{"joined values from both halves", joined, joinedLater},
		// Each half holds a 708 LagDisabled, so each is an incident alone.
		{"evtx split by time", append(ha[:3:3], later...), ha[3:]},
		{"the same records in both halves", ha, ha[2:]},
		{"mail seen on other servers", mail[:2], mail[2:]},
		{"one half empty", append(ha, mail...), nil},
		// Each half keeps all its evidence; together they are more than an
		// incident holds, so the combined one is truncated, as one scan's.
		{"evidence bounded", many[:EvidenceKept+200], many[EvidenceKept+200:]},
		// Both truncated, disjoint: the ends kept are the ends of the whole.
		// (Overlapping truncated halves cannot be told apart in the middle
		// nobody kept: evidence_total then counts those records twice.)
		{"both halves truncated", many[:2*EvidenceKept+300], many[2*EvidenceKept+300:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole := correlate(m, append(append([]Record{}, tt.a...), tt.b...)...)
			got := m.Combine(append(viaJSON(t, correlate(m, tt.a...)), viaJSON(t, correlate(m, tt.b...))...))
			if tt.name == "joined values from both halves" {
				inc := only(t, whole, "mailflow.autoforward-dropped")
				check(t, "forwarders", strs(inc.Fields["forwarders"]), []string{"ann@contoso.com", "lee@contoso.com"})
				check(t, "zone_unknown", inc.ZoneUnknown, true)
			}
			if !reflect.DeepEqual(got, whole) {
				t.Errorf("combined:\n%s\none scan:\n%s", dump(t, got), dump(t, whole))
			}
		})
	}
}

func viaJSON(t *testing.T, incs []Incident) []Incident {
	t.Helper()
	b, err := json.Marshal(incs)
	if err != nil {
		t.Fatal(err)
	}
	var out []Incident
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func dump(t *testing.T, incs []Incident) string {
	b, _ := json.MarshalIndent(incs, "", " ")
	return string(b)
}
