package patterns

import (
	"cmp"
	"container/heap"
	"slices"
	"strings"
	"time"
)

// EvidenceKept is how many evidence records an incident holds at each end
// of its time span: the first EvidenceKept and the last EvidenceKept.
// Records in between still count (Count, EvidenceTotal) but are not held,
// so an incident with a million hits costs the memory of two thousand.
const EvidenceKept = 1000

// episode is one incident in the making: the hits of one key that lie
// within the rule's window of each other. It holds exact counts, the
// aggregated fields and at most 2*EvidenceKept evidence records; what it
// keeps per further hit is two 64-bit hashes (for counting each record
// once) and, for a rule with joins, at most joinKeysKept hashed join
// values, never the hit. A record that two member signatures recognise is
// one piece of evidence; both hits feed the fields.
type episode struct {
	first, last time.Time
	records     hashSet       // every record, flagged with the signatures that hit it: duplicates count once
	extra       hashSet       // hits of signatures past the eighth of the rule, by signature and record
	distinct    hashSet       // count_distinct rules: the values counted, or the records that lack one
	required    []bool        // which of the rule's require selectors a hit met
	fields      []accumulator // one per rule field
	keyParts    []string      // key values of the earliest hit, for the key text
	keyAt       hitOrder      // the earliest hit, in evidence order
	startRejoin bool          // whether that hit is a rejoin hit
	anyMet      bool          // a require_any selector matched
	zoneUnknown bool          // some time is local to an unknown zone, read as UTC
	joins       []joinKeys
	joinCapped  bool         // a join saw more values than joinKeysKept
	head, tail  evidenceHeap // the earliest and the latest EvidenceKept
	kept        map[uint64]*keptHit
	hits        int      // distinct records: the evidence total
	sigs        []string // the signatures that supplied a hit, for caveats; at most the rule's members
}

func newEpisode(r *compiledRule) *episode {
	e := &episode{kept: map[uint64]*keptHit{},
		required: make([]bool, len(r.require)), fields: make([]accumulator, len(r.fields)),
		joins: make([]joinKeys, len(r.joins))}
	e.head.later = true // a max-heap: its top is the latest of the earliest, the next to give way
	return e
}

// add takes a hit of this episode's key that lies within its window.
func (e *episode) add(r *compiledRule, h *Hit) {
	rec := recordOf(h)
	id := hashHit("", rec)
	newSig, newRec := e.mark(r, h.Signature, rec, id)
	if !newSig {
		e.recite(id, h)
		return
	}
	e.aggregate(r, h, rec)
	if !newRec {
		e.recite(id, h)
		return
	}
	e.hits++
	k := &keptHit{id: id, ev: Evidence{File: h.File, Record: h.RecordID, Line: h.Line, Time: h.Time,
		Signature: h.Signature, Message: h.Message}}
	e.kept[id] = k
	e.keep(k)
}

// aggregate takes a hit's contribution to everything but the evidence:
// span, requirements, fields, the key and the join values.
func (e *episode) aggregate(r *compiledRule, h *Hit, rec recordKey) {
	if !slices.Contains(e.sigs, h.Signature) {
		e.sigs = append(e.sigs, h.Signature)
	}
	if r.distinct != "" {
		if v := text(h.Fields[r.distinct]); v != "" {
			e.distinct.set(hashString("value", v), 1) // message ids are case-sensitive (RFC 5322)
		} else {
			e.distinct.set(hashHit("", rec), 1)
		}
	}
	if e.keyParts == nil || h.Time.Before(e.first) {
		e.first = h.Time
	}
	if e.keyParts == nil || h.Time.After(e.last) {
		e.last = h.Time
	}
	for i, req := range r.require {
		e.required[i] = e.required[i] || req.matches(h)
	}
	e.anyMet = e.anyMet || slices.ContainsFunc(r.anyOf, func(s selector) bool { return s.matches(h) })
	e.zoneUnknown = e.zoneUnknown || h.ZoneUnknown
	for i := range r.joins {
		e.joinCapped = e.joins[i].add(&r.joins[i], h) || e.joinCapped
	}
	at := orderOf(h)
	for i := range r.fields {
		e.fields[i].add(&r.fields[i], h, at)
	}
	if e.keyParts == nil || at.compare(e.keyAt) < 0 {
		e.keyParts, e.keyAt = make([]string, len(r.key)), at
		for i, k := range r.key {
			e.keyParts[i] = strings.Clone(text(h.Fields[k]))
		}
		e.startRejoin = r.rejoins(h)
	}
}

// mark records that sig hit the record rec (whose hash is id) and reports
// whether that signature and whether that record are new to the episode.
func (e *episode) mark(r *compiledRule, sig string, rec recordKey, id uint64) (newSig, newRec bool) {
	if bit := r.sigBit(sig); bit != 0 {
		member, had := e.records.set(id, bit)
		return !had, !member
	}
	member, _ := e.records.set(id, 0)
	_, had := e.extra.set(hashHit(sig, rec), 1)
	return !had, !member
}

// count is what the incident's Count says: distinct records, or distinct
// values of count_distinct.
func (e *episode) count(r *compiledRule) int {
	if r.distinct != "" {
		return e.distinct.len()
	}
	return e.records.len()
}

// recite handles a hit of a record seen before (the same log read twice,
// or a second signature that recognises the record): of the two, the one
// with the smaller file, record, line and signature is cited, so the
// evidence does not depend on the order in which readers finished.
func (e *episode) recite(id uint64, h *Hit) {
	k := e.kept[id]
	if k == nil {
		return
	}
	old := Hit{File: k.ev.File, RecordID: k.ev.Record, Line: k.ev.Line}
	if cmp.Or(compareCite(h, &old), cmp.Compare(h.Signature, k.ev.Signature)) < 0 {
		k.ev.File, k.ev.Record, k.ev.Line = h.File, h.RecordID, h.Line
		k.ev.Signature, k.ev.Message = h.Signature, h.Message
	}
}

// keep offers a hit to the earliest and then to the latest evidence; what
// neither keeps is dropped from memory. While the episode has at most
// 2*EvidenceKept hits, every one is kept.
func (e *episode) keep(k *keptHit) {
	if e.head.Len() < EvidenceKept {
		heap.Push(&e.head, k)
		return
	}
	if top := e.head.items[0]; k.before(top) {
		e.head.items[0] = k
		heap.Fix(&e.head, 0)
		k = top
	}
	if e.tail.Len() < EvidenceKept {
		heap.Push(&e.tail, k)
		return
	}
	if top := e.tail.items[0]; top.before(k) {
		e.tail.items[0] = k
		heap.Fix(&e.tail, 0)
		k = top
	}
	delete(e.kept, k.id)
}

// merge takes in o, an episode of the same key that a new hit joined to
// this one, or that a rejoin hit continues. Their records are disjoint: a
// record's copies share its time and so its episode. e may be empty (a
// copy in the making).
func (e *episode) merge(r *compiledRule, o *episode) {
	if e.keyParts == nil {
		e.first, e.last = o.first, o.last
	}
	e.first, e.last = minTime(e.first, o.first), maxTime(e.last, o.last)
	e.anyMet = e.anyMet || o.anyMet
	e.zoneUnknown = e.zoneUnknown || o.zoneUnknown
	for i := range e.joins {
		e.joinCapped = e.joins[i].merge(&o.joins[i]) || e.joinCapped
	}
	e.joinCapped = e.joinCapped || o.joinCapped
	e.records.union(&o.records)
	e.extra.union(&o.extra)
	e.distinct.union(&o.distinct)
	for i := range e.required {
		e.required[i] = e.required[i] || o.required[i]
	}
	for i := range e.fields {
		e.fields[i].merge(&r.fields[i], &o.fields[i])
	}
	if e.keyParts == nil || o.keyAt.compare(e.keyAt) < 0 {
		e.keyParts, e.keyAt, e.startRejoin = o.keyParts, o.keyAt, o.startRejoin
	}
	e.hits += o.hits
	for _, sig := range o.sigs {
		if !slices.Contains(e.sigs, sig) {
			e.sigs = append(e.sigs, sig)
		}
	}
	for _, k := range slices.Concat(o.head.items, o.tail.items) {
		e.kept[k.id] = k
		e.keep(k)
	}
}

// copy is a new episode with o's hits, for a merge that must leave o as
// it is.
func (o *episode) copy(r *compiledRule) *episode {
	e := newEpisode(r)
	e.merge(r, o)
	return e
}

// satisfied: every require selector and, if the rule has require_any, one
// of those matched.
func (e *episode) satisfied(r *compiledRule) bool {
	return !slices.Contains(e.required, false) && (len(r.anyOf) == 0 || e.anyMet)
}

// evidence is what the episode kept, in evidence order.
func (e *episode) evidence() []Evidence {
	out := make([]Evidence, 0, e.head.Len()+e.tail.Len())
	for _, k := range slices.Concat(e.head.items, e.tail.items) {
		out = append(out, k.ev)
	}
	slices.SortFunc(out, compareEvidence)
	return out
}

// compareEvidence is the evidence order: time, file, record, line,
// signature.
func compareEvidence(a, b Evidence) int {
	return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.File, b.File), cmp.Compare(a.Record, b.Record),
		cmp.Compare(a.Line, b.Line), cmp.Compare(a.Signature, b.Signature))
}

// keptHit is one evidence record held in memory.
type keptHit struct {
	id uint64 // hashHit: the same for every copy of the record
	ev Evidence
}

// before orders kept hits by time, then by id: an order that does not
// depend on which copy of a record is cited, so the choice of the first
// and last EvidenceKept does not depend on the order of arrival.
func (k *keptHit) before(o *keptHit) bool {
	return cmp.Or(k.ev.Time.Compare(o.ev.Time), cmp.Compare(k.id, o.id)) < 0
}

// evidenceHeap is a heap of kept hits: earliest on top, or latest on top
// when later is set.
type evidenceHeap struct {
	items []*keptHit
	later bool
}

func (h evidenceHeap) Len() int { return len(h.items) }
func (h evidenceHeap) Less(i, j int) bool {
	if h.later {
		return h.items[j].before(h.items[i])
	}
	return h.items[i].before(h.items[j])
}
func (h evidenceHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *evidenceHeap) Push(x any)   { h.items = append(h.items, x.(*keptHit)) }
func (h *evidenceHeap) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

// hitOrder places a hit in evidence order, for the fields that take the
// first or the latest value.
type hitOrder struct {
	time      time.Time
	file      string
	record    uint64
	line      int64
	signature string
}

func orderOf(h *Hit) hitOrder {
	return hitOrder{h.Time, h.File, h.RecordID, h.Line, h.Signature}
}

func (a hitOrder) compare(b hitOrder) int {
	return cmp.Or(a.time.Compare(b.time), cmp.Compare(a.file, b.file), cmp.Compare(a.record, b.record),
		cmp.Compare(a.line, b.line), cmp.Compare(a.signature, b.signature))
}

// hashHit is a 64-bit FNV-1a hash of a signature and a record. Counts
// compare hashes instead of holding records: two different records
// collide with a chance of about n²/2⁶⁵ for n hits of one incident (under
// one in a million for a million hits).
func hashHit(sig string, k recordKey) uint64 {
	h := fnvOffset
	for _, s := range []string{sig, k.computer, k.channel, k.file, k.message} {
		h = h.str(s)
	}
	for _, n := range []uint64{k.recordID, uint64(k.eventID), uint64(k.sec), uint64(k.nsec), uint64(k.line)} {
		h = h.num(n)
	}
	return uint64(h)
}

func hashString(kind, s string) uint64 {
	return uint64(fnvOffset.str(kind).str(s))
}

type fnv uint64

const (
	fnvOffset fnv = 14695981039346656037
	fnvPrime  fnv = 1099511628211
)

// str hashes s and a terminator, so that ("ab","c") and ("a","bc") differ.
func (h fnv) str(s string) fnv {
	for i := 0; i < len(s); i++ {
		h = (h ^ fnv(s[i])) * fnvPrime
	}
	return (h ^ 0xff) * fnvPrime
}

func (h fnv) num(n uint64) fnv {
	for i := 0; i < 8; i++ {
		h = (h ^ fnv(byte(n>>(8*i)))) * fnvPrime
	}
	return h
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// accumulator combines one field over an episode's hits as they arrive, in
// any order, to the value aggregate would give over them in evidence order.
type accumulator struct {
	set    bool
	value  any      // first, latest, min, max
	at     hitOrder // first, latest: where value came from
	words  map[string]spelling
	ints   map[int]bool
	isInts bool
}

// spelling is a union member: the spelling seen first, and where.
type spelling struct {
	text string
	at   hitOrder
}

func (a *accumulator) add(f *fieldRule, h *Hit, at hitOrder) {
	if len(f.sigs) > 0 && !slices.Contains(f.sigs, h.Signature) {
		return
	}
	v, ok := h.Fields[f.from]
	if !ok || isEmpty(v) {
		return
	}
	a.offer(f.take, f.kind, v, at)
}

func (a *accumulator) offer(take string, k kind, v any, at hitOrder) {
	switch take {
	case "union":
		a.unite(k, v, at)
		return
	case "first":
		if a.set && at.compare(a.at) >= 0 {
			return
		}
	case "min", "max":
		if a.set {
			c := compareScalar(v, a.value)
			if take == "max" {
				c = -c
			}
			if c > 0 || c == 0 && at.compare(a.at) >= 0 {
				return
			}
		}
	default: // latest
		if a.set && at.compare(a.at) <= 0 {
			return
		}
	}
	a.set, a.value, a.at = true, clone(v), at
}

func (a *accumulator) unite(k kind, v any, at hitOrder) {
	a.set = true
	if k == kindInts {
		a.isInts = true
		if a.ints == nil {
			a.ints = map[int]bool{}
		}
		switch v := v.(type) {
		case int:
			a.ints[v] = true
		case []int:
			for _, n := range v {
				a.ints[n] = true
			}
		}
		return
	}
	if a.words == nil {
		a.words = map[string]spelling{}
	}
	for _, s := range strs(v) {
		l := strings.ToLower(s) // server names compare case-insensitively
		if old, ok := a.words[l]; !ok || at.compare(old.at) < 0 {
			// Copies, not the hit's strings, which pin the record they were
			// cut from; the key shares the copy when it is the same text.
			held := strings.Clone(s)
			if l == s {
				l = held
			}
			a.words[l] = spelling{held, at}
		}
	}
}

func (a *accumulator) merge(f *fieldRule, o *accumulator) {
	if !o.set {
		return
	}
	if f.take != "union" {
		a.offer(f.take, f.kind, o.value, o.at)
		return
	}
	a.set = true
	for n := range o.ints {
		a.unite(kindInts, n, hitOrder{})
	}
	for _, s := range o.words {
		a.unite(f.kind, s.text, s.at)
	}
}

// result is the field's value, as aggregate gives it.
func (a *accumulator) result(f *fieldRule) (any, bool) {
	if !a.set {
		return nil, false
	}
	if f.take != "union" {
		return clone(a.value), true
	}
	if a.isInts {
		out := make([]int, 0, len(a.ints))
		for n := range a.ints {
			out = append(out, n)
		}
		slices.Sort(out)
		return out, true
	}
	out := make([]string, 0, len(a.words))
	for _, s := range a.words {
		out = append(out, s.text)
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	})
	return out, true
}
