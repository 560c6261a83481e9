package patterns

import (
	"cmp"
	"slices"
	"strings"
)

// Combine merges the incidents of separate scans (of other servers' logs,
// or of other nights) into those one scan of all their records gives: the
// incidents of one problem (pattern and key: problem_id) whose spans are
// no farther apart than the rule's window become one episode, with the id
// of its new start. Their evidence is united (a record cited
// by both once, under the smaller file name, as the correlator cites it),
// their fields are combined by each field's take: rule, the count is
// recounted, and the title, explanation and remedy are rendered again
// from the combined fields.
//
// Incidents may come from JSON: numbers and lists in Fields are turned
// back into the types the rule gives them. An incident whose pattern m
// does not have is kept as it is. The result is in the correlator's order.
//
// An incident whose first record is a rejoin record (Rejoins) continues
// the previous incident of its problem however long the gap, as in one
// scan. Joined fields are united; zone_unknown and join_capped carry over.
// Remedy steps that share one command across incidents (rollup) are told
// so again across the combined incidents.
//
// Only incidents can be combined: records of one scan that met no rule's
// require alone (a 738 without its 708) are in no report, so they cannot
// join the incident another scan found, and an unless_seen record of one
// scan cannot cancel an incident of another. Recounting is exact for
// records; for a count_distinct rule it is the
// size of the rule's union of that field (message_ids for mail flow), and
// otherwise the sum of the counts less the records both sides kept as
// evidence. So when both sides were truncated and saw the same records in
// the middle neither kept (the same logs scanned twice), evidence_total,
// and a record count, count those twice; scan such logs together instead.
func (m *Matcher) Combine(incs []Incident) []Incident {
	rules := map[string]*compiledRule{}
	for _, r := range m.rules {
		rules[r.id] = r
	}
	byID := map[string][]Incident{}
	var ids []string
	var out []Incident
	for _, inc := range incs {
		r := rules[inc.Pattern]
		if r == nil {
			out = append(out, inc)
			continue
		}
		r.normalise(&inc)
		problem := cmp.Or(inc.ProblemID, inc.ID) // reports before problem_id had it as their id
		if _, ok := byID[problem]; !ok {
			ids = append(ids, problem)
		}
		byID[problem] = append(byID[problem], inc)
	}
	for _, id := range ids {
		group := byID[id]
		r := rules[group[0].Pattern]
		slices.SortStableFunc(group, func(a, b Incident) int { return a.FirstSeen.Compare(b.FirstSeen) })
		cur := group[0]
		for _, next := range group[1:] {
			if r.window > 0 && next.FirstSeen.Sub(cur.LastSeen) > r.window && !next.Rejoins {
				r.renderText(&cur)
				out = append(out, cur)
				cur = next
				continue
			}
			cur = r.combine(cur, next)
		}
		r.renderText(&cur)
		out = append(out, cur)
	}
	rollup(out)
	sortIncidents(out)
	return out
}

// sortIncidents is the order of reports: severity (highest first),
// first_seen, key, pattern.
func sortIncidents(incs []Incident) {
	slices.SortFunc(incs, func(a, b Incident) int {
		return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), a.FirstSeen.Compare(b.FirstSeen),
			cmp.Compare(a.Key, b.Key), cmp.Compare(a.Pattern, b.Pattern))
	})
}

// combine merges b, which starts no earlier than a, into a.
func (r *compiledRule) combine(a, b Incident) Incident {
	inc := a
	inc.Fields = map[string]any{}
	for _, f := range r.fields {
		if v, ok := f.combine(a, b); ok {
			inc.Fields[f.name] = v
		}
	}
	for _, j := range r.joins {
		if v := unionFold(strs(a.Fields[j.name]), strs(b.Fields[j.name])); len(v) > 0 {
			inc.Fields[j.name] = v
		}
	}
	inc.ZoneUnknown = a.ZoneUnknown || b.ZoneUnknown
	inc.JoinCapped = a.JoinCapped || b.JoinCapped
	inc.Rejoins = a.Rejoins // a starts no later than b
	inc.FirstSeen = minTime(a.FirstSeen, b.FirstSeen)
	inc.LastSeen = maxTime(a.LastSeen, b.LastSeen)
	inc.ProblemID = ProblemID(r.id, inc.Key)
	inc.ID = EpisodeID(r.id, inc.Key, inc.FirstSeen)
	evidence, shared := unite(a.Evidence, b.Evidence)
	whole := !a.EvidenceTruncated && !b.EvidenceTruncated
	inc.Evidence, inc.EvidenceTotal = evidence, len(evidence)
	if !whole {
		// What was not kept cannot be compared: shared records are those
		// both kept.
		inc.EvidenceTotal = a.EvidenceTotal + b.EvidenceTotal - shared
	}
	inc.Count = r.recount(inc, whole, a.Count+b.Count-shared)
	inc.Evidence = keepEnds(evidence)
	inc.EvidenceTruncated = len(inc.Evidence) < inc.EvidenceTotal
	inc.Caveats = slices.Clone(a.Caveats) // what either side's basis rests on
	for _, c := range b.Caveats {
		if !slices.Contains(inc.Caveats, c) {
			inc.Caveats = append(inc.Caveats, c)
		}
	}
	return inc
}

// unionFold is the sorted union of a and b, values that differ only in
// case once (the spelling of a wins), as a join gives them.
func unionFold(a, b []string) []string {
	var out []string
	for _, v := range slices.Concat(a, b) {
		if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, v) }) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// keepEnds keeps the first and the last EvidenceKept of evidence, as an
// episode does.
func keepEnds(evidence []Evidence) []Evidence {
	if len(evidence) <= 2*EvidenceKept {
		return evidence
	}
	return slices.Concat(evidence[:EvidenceKept], evidence[len(evidence)-EvidenceKept:])
}

// combine takes the field from a or b as the rule says: first from the
// earlier incident, latest from the later, min and max by value, union of
// both.
func (f fieldRule) combine(a, b Incident) (any, bool) {
	va, okA := a.Fields[f.name]
	vb, okB := b.Fields[f.name]
	switch {
	case !okA && !okB:
		return nil, false
	case !okB:
		return clone(va), true
	case !okA:
		return clone(vb), true
	}
	// Each incident's value stands for its hits: the first at its start,
	// the latest at its end.
	var acc accumulator
	at := func(inc Incident) hitOrder {
		if f.take == "first" {
			return hitOrder{time: inc.FirstSeen}
		}
		return hitOrder{time: inc.LastSeen}
	}
	acc.offer(f.take, f.kind, va, at(a))
	acc.offer(f.take, f.kind, vb, at(b))
	return acc.result(&f)
}

// recount is the count of the combined incident: its distinct records
// when all its evidence is kept, or its distinct values of the counted
// field as far as a union of them is kept; otherwise fallback.
func (r *compiledRule) recount(inc Incident, whole bool, fallback int) int {
	if r.distinct == "" && whole {
		seen := map[recordKey]bool{}
		for i := range inc.Evidence {
			seen[recordOfEvidence(&inc.Evidence[i])] = true
		}
		return len(seen)
	}
	for _, f := range r.fields {
		if r.distinct != "" && f.from == r.distinct && f.take == "union" && len(f.sigs) == 0 {
			if n := len(strs(inc.Fields[f.name])); n > 0 {
				return n
			}
		}
	}
	return fallback
}

// recordOfEvidence identifies the record an evidence entry cites, as
// recordOf does for a hit, without the computer and channel that evidence
// does not carry: within one problem, a record number and its time (or a
// trace file and line) are one record.
func recordOfEvidence(e *Evidence) recordKey {
	return recordOf(&Hit{File: e.File, RecordID: e.Record, Line: e.Line, Time: e.Time, Message: e.Message})
}

// unite merges two evidence lists in evidence order, one entry per record
// (an incident cites a record once, whichever member signatures
// recognised it), and says how many records both cited.
func unite(a, b []Evidence) ([]Evidence, int) {
	best := map[recordKey]Evidence{}
	for _, e := range a {
		best[recordOfEvidence(&e)] = e
	}
	shared := 0
	for _, e := range b {
		k := recordOfEvidence(&e)
		old, dup := best[k]
		if dup {
			shared++
		}
		if dup && compareEvidenceCite(&old, &e) <= 0 {
			continue
		}
		best[k] = e
	}
	out := make([]Evidence, 0, len(best))
	for _, e := range best {
		out = append(out, e)
	}
	slices.SortFunc(out, compareEvidence)
	return out, shared
}

func compareEvidenceCite(a, b *Evidence) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Record, b.Record), cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Signature, b.Signature))
}

// normalise gives the fields of an incident read from JSON the types the
// rule aggregates them to: JSON has only float64 numbers and []any lists.
func (r *compiledRule) normalise(inc *Incident) {
	for _, f := range r.fields {
		if v, ok := inc.Fields[f.name]; ok {
			inc.Fields[f.name] = fromJSON(v, f.kind)
		}
	}
	for _, j := range r.joins {
		if v, ok := inc.Fields[j.name]; ok {
			inc.Fields[j.name] = fromJSON(v, kindString)
		}
	}
}

func fromJSON(v any, k kind) any {
	switch v := v.(type) {
	case float64:
		if k == kindInt && v == float64(int(v)) {
			return int(v)
		}
	case []any:
		if k == kindInts {
			out := make([]int, 0, len(v))
			for _, x := range v {
				if n, ok := x.(float64); ok {
					out = append(out, int(n))
				}
			}
			return out
		}
		out := make([]string, 0, len(v))
		for _, x := range v {
			out = append(out, text(fromJSON(x, kindString)))
		}
		return out
	}
	return v
}
