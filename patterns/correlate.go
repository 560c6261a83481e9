package patterns

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Correlator collects hits and groups them into incidents. Add is safe for
// concurrent use, so readers of several files can feed one Correlator.
// Only hits are kept, never records.
type Correlator struct {
	rules []*compiledRule
	mu    sync.Mutex
	hits  map[hitKey]Hit
	joins *joinTable
	// joinOnly are signatures that only feed joins: their hits are not kept.
	joinOnly map[string]bool
}

// NewCorrelator returns a Correlator for the incident rules of m.
func NewCorrelator(m *Matcher) *Correlator {
	c := &Correlator{rules: m.rules, hits: map[hitKey]Hit{}, joins: newJoinTable(m.rules), joinOnly: map[string]bool{}}
	for sig := range c.joins.takes {
		c.joinOnly[sig] = m.sigs[sig].lookupOnly
	}
	return c
}

// recordKey identifies a record independently of the file it was read
// from, so the same log exported twice counts once.
type recordKey struct {
	computer, channel string
	recordID          uint64
	eventID           uint32
	sec               int64 // Unix seconds and nanoseconds: defined for every time, unlike UnixNano
	nsec              int
	file              string // trace rows only: a row has no id of its own
	line              int64
	message           string // only when the record has neither id nor line
}

type hitKey struct {
	sig string
	rec recordKey
}

func recordOf(h *Hit) recordKey {
	k := recordKey{sec: h.Time.Unix(), nsec: h.Time.Nanosecond()}
	switch {
	case h.RecordID == 0 && h.Line != 0:
		k.file, k.line = h.File, h.Line
	default:
		k.computer, k.channel = strings.ToLower(h.Computer), strings.ToLower(h.Channel)
		k.recordID, k.eventID = h.RecordID, h.EventID
		if h.RecordID == 0 {
			k.message = h.Message
		}
	}
	return k
}

// Add records a hit. A duplicate of a hit already held (same record, same
// signature) is dropped; of the two, the one with the smaller file, record
// and line is kept, so the evidence cited does not depend on the order in
// which concurrent readers finished.
func (c *Correlator) Add(h Hit) {
	k := hitKey{sig: h.Signature, rec: recordOf(&h)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.joins.takes[h.Signature]; ok {
		c.joins.add(&h)
		if c.joinOnly[h.Signature] {
			return
		}
	}
	if old, dup := c.hits[k]; dup && compareCite(&old, &h) <= 0 {
		return
	}
	c.hits[k] = h
}

func compareCite(a, b *Hit) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.RecordID, b.RecordID), cmp.Compare(a.Line, b.Line))
}

// compareHits is the evidence order: time, file, record, line, signature.
func compareHits(a, b *Hit) int {
	return cmp.Or(a.Time.Compare(b.Time), compareCite(a, b), cmp.Compare(a.Signature, b.Signature))
}

// Incidents groups the hits added so far into incidents, sorted by severity
// (highest first), first_seen, key and pattern. It may be called again
// after more Adds.
func (c *Correlator) Incidents() []Incident {
	c.mu.Lock()
	defer c.mu.Unlock()
	hits := make([]*Hit, 0, len(c.hits))
	for _, h := range c.hits {
		hits = append(hits, &h)
	}
	slices.SortFunc(hits, compareHits)
	var out []Incident
	for _, r := range c.rules {
		out = append(out, r.incidents(hits, c.joins)...)
	}
	slices.SortFunc(out, func(a, b Incident) int {
		return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), a.FirstSeen.Compare(b.FirstSeen),
			cmp.Compare(a.Key, b.Key), cmp.Compare(a.Pattern, b.Pattern))
	})
	return out
}

// incidents groups the rule's member hits (already in evidence order) by
// key, splits each group where hits are farther apart than the window, and
// keeps the clusters whose require is met.
func (r *compiledRule) incidents(hits []*Hit, joins *joinTable) []Incident {
	groups := map[string][]*Hit{}
	for _, h := range hits {
		if !r.isMember(h) {
			continue
		}
		if gk, ok := r.groupKey(h); ok {
			groups[gk] = append(groups[gk], h)
		}
	}
	var out []Incident
	for _, gk := range sortedKeys(groups) {
		for _, cluster := range r.split(groups[gk]) {
			if r.satisfied(cluster) {
				out = append(out, r.build(cluster, joins))
			}
		}
	}
	return out
}

func (r *compiledRule) isMember(h *Hit) bool {
	return slices.ContainsFunc(r.members, func(s selector) bool { return s.matches(h) })
}

func (s selector) matches(h *Hit) bool {
	if s.sig != h.Signature {
		return false
	}
	for _, c := range s.where {
		if !c.holds(h) {
			return false
		}
	}
	for _, c := range s.whereNot {
		if c.holds(h) {
			return false
		}
	}
	return true
}

// holds reports whether the hit's field has one of the values.
func (c condition) holds(h *Hit) bool {
	v := text(h.Fields[c.field])
	return slices.ContainsFunc(c.values, func(want string) bool { return strings.EqualFold(want, v) })
}

// groupKey compares key values case-insensitively, as Exchange does for
// database and server names.
func (r *compiledRule) groupKey(h *Hit) (string, bool) {
	parts := make([]string, len(r.key))
	for i, f := range r.key {
		v, _ := h.Fields[f].(string)
		if v == "" {
			return "", false
		}
		parts[i] = strings.ToLower(v)
	}
	return strings.Join(parts, "\x00"), true
}

func (r *compiledRule) split(hits []*Hit) [][]*Hit {
	var out [][]*Hit
	start := 0
	for i := 1; i <= len(hits); i++ {
		if i == len(hits) || (r.window > 0 && hits[i].Time.Sub(hits[i-1].Time) > r.window) {
			out = append(out, hits[start:i])
			start = i
		}
	}
	return out
}

func (r *compiledRule) satisfied(hits []*Hit) bool {
	for _, req := range r.require {
		if !slices.ContainsFunc(hits, req.matches) {
			return false
		}
	}
	return len(r.anyOf) == 0 || slices.ContainsFunc(r.anyOf, func(s selector) bool { return slices.ContainsFunc(hits, s.matches) })
}

func (r *compiledRule) build(hits []*Hit, joins *joinTable) Incident {
	inc := Incident{Pattern: r.id, Severity: r.severity, Fields: map[string]any{}}
	for _, f := range r.fields {
		if v, ok := f.aggregate(hits); ok {
			inc.Fields[f.name] = v
		}
	}
	for _, j := range r.joins {
		if v := joins.values(j, hits); len(v) > 0 {
			inc.Fields[j.name] = v
		}
	}
	inc.Key = r.keyString(inc.Fields, hits[0])
	inc.ID = IncidentID(r.id, inc.Key)
	inc.Count, inc.FirstSeen, inc.LastSeen = countAndSpan(hits, r.distinct)
	inc.CountUnit = r.unit
	cited := map[recordKey]bool{}
	for _, h := range hits {
		// One record is one piece of evidence, even when two member
		// signatures recognise it (a reject seen by its status and by its
		// custom data).
		inc.ZoneUnknown = inc.ZoneUnknown || h.ZoneUnknown
		if k := recordOf(h); !cited[k] {
			cited[k] = true
			inc.Evidence = append(inc.Evidence, Evidence{File: h.File, Record: h.RecordID, Line: h.Line,
				Time: h.Time, Signature: h.Signature, Message: h.Message})
		}
	}
	r.renderText(&inc)
	return inc
}

func (r *compiledRule) keyString(fields map[string]any, first *Hit) string {
	parts := make([]string, len(r.key))
	for i, k := range r.key {
		if parts[i] = text(fields[k]); parts[i] == "" {
			parts[i] = text(first.Fields[k])
		}
	}
	return strings.Join(parts, r.sep)
}

// countAndSpan counts distinct records (one record matched by two member
// signatures is one record) or, with distinct set, distinct values of that
// field; a hit without the field falls back to its record.
func countAndSpan(hits []*Hit, distinct string) (int, time.Time, time.Time) {
	seen := map[any]bool{}
	first, last := hits[0].Time, hits[0].Time
	for _, h := range hits {
		if v := text(h.Fields[distinct]); distinct != "" && v != "" {
			seen[v] = true // message ids are case-sensitive (RFC 5322)
		} else {
			seen[recordOf(h)] = true
		}
		if h.Time.Before(first) {
			first = h.Time
		}
		if h.Time.After(last) {
			last = h.Time
		}
	}
	return len(seen), first, last
}

func (r *compiledRule) renderText(inc *Incident) {
	data := r.zeroData()
	for k, v := range inc.Fields {
		data[k] = v
	}
	data["count"], data["first_seen"], data["last_seen"], data["key"] = inc.Count, inc.FirstSeen, inc.LastSeen, inc.Key
	inc.Title = execText(r.title, data)
	inc.Explanation = execText(r.explain, data)
	inc.Remedy = []Step{}
	for _, s := range r.remedy {
		// Presence, not truth: a field that was found counts even when it is 0.
		if !s.applies(inc.Fields) {
			continue
		}
		step := renderStep(s, data)
		if step.Text != "" || step.Command != "" {
			inc.Remedy = append(inc.Remedy, step)
		}
	}
}

// applies reports whether every when field is present and every unless
// field absent.
func (s compiledStep) applies(fields map[string]any) bool {
	for _, f := range s.when {
		if isEmpty(fields[f]) {
			return false
		}
	}
	for _, f := range s.unless {
		if !isEmpty(fields[f]) {
			return false
		}
	}
	return true
}

// renderStep renders one remedy step. A command whose value a ps* function
// refused is withheld, and the text says which value and why, so the admin
// is never handed a command built from something that is not an identity.
func renderStep(s compiledStep, data map[string]any) Step {
	step := Step{Text: execText(s.text, data)}
	cmd, err := execTextErr(s.command, data)
	if rv, ok := refusal(err); ok {
		note := fmt.Sprintf("The command for this step is not shown: the log gives %s.", rv)
		step.Text = strings.TrimSpace(step.Text + " " + note)
		return step
	}
	if err != nil {
		cmd = "(template error: " + err.Error() + ")"
	}
	step.Command = cmd
	if cmd != "" {
		step.Shell = s.shell
	}
	// Side effects belong to a command: a step whose command did not
	// render (a consumer domain gets no remote domain) has none.
	if fx := execText(s.sideEffects, data); fx != "" && strings.Contains(strings.ToLower(cmd), "-whatif") {
		step.SideEffects = fx + " The command carries -WhatIf, so it only shows what it would do: run it again without -WhatIf to make the change."
	} else if fx != "" && cmd != "" {
		step.SideEffects = fx
	}
	return step
}
