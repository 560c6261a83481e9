package patterns

import (
	"fmt"
	"slices"
	"strings"
)

// A join looks across keys: a redirected message keeps its original sender
// (catalog review R11), so the mailbox that redirected it is not in the
// dropped row but in the DELIVER row of the same message id. Joined hits
// are never held whole: the correlator keeps only on-value -> take-values,
// and at most maxJoinEntries of them, so memory stays bounded however many
// messages a log delivered. Past the cap a lookup may come back empty: an
// empty lookup is always worded as "not found in these logs", and the
// incident says that the table was full (JoinCapped).
var maxJoinEntries = 200_000 // a variable only so that a test can lower it

// joinKeysKept caps the hashed on-values (message ids) and the except
// values one incident keeps for its joins. Past it, the incident says that
// its joined values may be incomplete (JoinCapped).
var joinKeysKept = 20_000 // a variable only so that a test can lower it

type compiledJoin struct {
	name, sig, on, take string
	except              []string
}

func (c *compiledRule) setJoins(r Rule, sigs map[string]*compiledSig) error {
	for _, j := range r.Join {
		sig := sigs[j.Signature]
		if sig == nil {
			return fmt.Errorf("join %s: unknown signature %q", j.Name, j.Signature)
		}
		if !placeholderName.MatchString(j.Name) || slices.Contains(reserved, j.Name) ||
			slices.ContainsFunc(c.fields, func(f fieldRule) bool { return f.name == j.Name }) {
			return fmt.Errorf("join %s: bad, reserved or duplicate field name", j.Name)
		}
		for _, f := range []string{j.On, j.Take} {
			if sig.produces[f] != kindString || f == "" {
				return fmt.Errorf("join %s: signature %s has no string field %q", j.Name, j.Signature, f)
			}
		}
		for _, f := range append([]string{j.On}, j.Except...) {
			if !slices.ContainsFunc(c.members, func(m selector) bool { return sigs[m.sig].produces[f] == kindString }) {
				return fmt.Errorf("join %s: no member signature has a string field %q", j.Name, f)
			}
		}
		c.joins = append(c.joins, compiledJoin{name: j.Name, sig: j.Signature, on: j.On, take: j.Take, except: j.Except})
	}
	return nil
}

// joinTable holds, per joined (signature, on, take), a hash of each on-value
// and the take-values seen with it. On-values are message ids, long and
// never shown, so they are kept as 64-bit FNV-1a hashes (a collision among
// 200,000 is about one in ten million); take-values are addresses, shown,
// and repeated across messages, so they are kept once each.
type joinTable struct {
	slots   map[joinSlot]int // (sig, on, take) -> index into bySlot
	bySlot  []map[uint64][]string
	intern  map[string]string
	entries int
	full    bool // an entry was refused: maxJoinEntries reached
	// takes lists the (on, take) fields each joined signature feeds.
	takes map[string][][2]string
}

type joinSlot struct{ sig, on, take string }

func newJoinTable(rules []*compiledRule) *joinTable {
	t := &joinTable{slots: map[joinSlot]int{}, intern: map[string]string{}, takes: map[string][][2]string{}}
	for _, r := range rules {
		for _, j := range r.joins {
			slot := joinSlot{j.sig, j.on, j.take}
			if _, ok := t.slots[slot]; !ok {
				t.slots[slot] = len(t.bySlot)
				t.bySlot = append(t.bySlot, map[uint64][]string{})
				t.takes[j.sig] = append(t.takes[j.sig], [2]string{j.on, j.take})
			}
		}
	}
	return t
}

// hashOn is FNV-1a, written out so that hashing a row allocates nothing.
func hashOn(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// add records what a joined hit offers; the caller holds the lock.
func (t *joinTable) add(h *Hit) {
	for _, p := range t.takes[h.Signature] {
		on, _ := h.Fields[p[0]].(string)
		v, _ := h.Fields[p[1]].(string)
		if on == "" || v == "" {
			continue
		}
		m := t.bySlot[t.slots[joinSlot{h.Signature, p[0], p[1]}]]
		k := hashOn(on)
		if slices.ContainsFunc(m[k], func(s string) bool { return strings.EqualFold(s, v) }) {
			continue
		}
		if t.entries >= maxJoinEntries {
			t.full = true
			return
		}
		t.entries++
		if iv, ok := t.intern[v]; ok {
			v = iv
		} else {
			t.intern[v] = v
		}
		m[k] = append(m[k], v)
	}
}

// values is the join's field for an incident whose hits had the on-values
// and except values in keys: sorted, unique.
func (t *joinTable) values(j compiledJoin, keys *joinKeys) []string {
	slot, ok := t.slots[joinSlot{j.sig, j.on, j.take}]
	if !ok {
		return nil
	}
	m := t.bySlot[slot]
	var out []string
	keys.on.each(func(k uint64) {
		for _, v := range m[k] {
			if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, v) }) && !keys.except[strings.ToLower(v)] {
				out = append(out, v)
			}
		}
	})
	slices.Sort(out)
	return out
}

// joinKeys is what an incident keeps of its hits for one join: the hashed
// on-values and the lower-cased values of the except fields, each at most
// joinKeysKept.
type joinKeys struct {
	on     hashSet
	except map[string]bool
}

// add takes a member hit's values and reports whether one was refused.
func (k *joinKeys) add(j *compiledJoin, h *Hit) (capped bool) {
	if on, _ := h.Fields[j.on].(string); on != "" {
		capped = !k.offerOn(hashOn(on))
	}
	for _, f := range j.except {
		if v, _ := h.Fields[f].(string); v != "" {
			capped = !k.offerExcept(strings.ToLower(v)) || capped
		}
	}
	return capped
}

func (k *joinKeys) offerOn(h uint64) bool {
	if k.on.len() >= joinKeysKept && !k.on.has(h) {
		return false
	}
	k.on.set(h, 1)
	return true
}

func (k *joinKeys) offerExcept(v string) bool {
	if k.except[v] {
		return true
	}
	if len(k.except) >= joinKeysKept {
		return false
	}
	if k.except == nil {
		k.except = map[string]bool{}
	}
	k.except[v] = true
	return true
}

// merge takes in o's values and reports whether one was refused.
func (k *joinKeys) merge(o *joinKeys) (capped bool) {
	o.on.each(func(h uint64) { capped = !k.offerOn(h) || capped })
	for v := range o.except {
		capped = !k.offerExcept(v) || capped
	}
	return capped
}

// joinCappedNote says why an incident's joined values may be incomplete.
func joinCappedNote() string {
	return fmt.Sprintf("Values joined from other rows of the same message may be incomplete: "+
		"the join reached its cap (%d message ids per incident, %d joined values in all).", joinKeysKept, maxJoinEntries)
}
