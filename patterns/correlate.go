package patterns

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Correlator collects hits and groups them into incidents. Add is safe for
// concurrent use, so readers of several files can feed one Correlator.
// Hits are grouped as they arrive: per incident it holds exact counts, the
// fields, and the first and last EvidenceKept evidence records, never every
// hit, so memory does not grow with the hits' messages and fields.
type Correlator struct {
	rules  []*compiledRule
	mu     sync.Mutex
	groups []map[string]*group // per rule, by group key
	joins  *joinTable
}

// group holds the episodes of one key of one rule, sorted by time. They
// are more than the rule's window apart; a hit that falls between two
// within the window joins them. Rejoin and unless_seen act on these
// episodes only when incidents are asked for, so that the result does not
// depend on the order in which hits arrived.
type group struct {
	episodes []*episode
	// cancelSeen and lastCancel: the latest unless_seen hit of the key,
	// which cancels every incident of the key that starts at or before it.
	cancelSeen bool
	lastCancel time.Time
}

// NewCorrelator returns a Correlator for the incident rules of m.
func NewCorrelator(m *Matcher) *Correlator {
	c := &Correlator{rules: m.rules, groups: make([]map[string]*group, len(m.rules)), joins: newJoinTable(m.rules)}
	for i := range c.groups {
		c.groups[i] = map[string]*group{}
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

// recordOf identifies the record behind a hit, so that one event read from
// two files (an .evtx and its XML or CSV export, two copies of a log)
// counts once. An event record is its computer, channel, event id, record
// id and time; the time to the second only, because CSV exports write
// whole seconds. A trace row, which has no id of its own, is its file and
// line.
func recordOf(h *Hit) recordKey {
	k := recordKey{sec: h.Time.Unix(), nsec: h.Time.Nanosecond()}
	switch {
	case h.RecordID == 0 && h.Line != 0 && h.Channel == "":
		k.file, k.line = h.File, h.Line
	default:
		k.computer, k.channel = strings.ToLower(h.Computer), strings.ToLower(h.Channel)
		k.recordID, k.eventID = h.RecordID, h.EventID
		if h.RecordID != 0 {
			k.nsec = 0
		} else {
			k.message = h.Message
		}
	}
	return k
}

// Add records a hit in the incidents of every rule it is a member of, in
// the cancellations of every rule whose unless_seen it matches, and in the
// join table when a join reads its signature. A duplicate of a hit already
// held (same record, same signature) counts once; of the two, the one with
// the smaller file, record and line is cited, so the evidence does not
// depend on the order in which concurrent readers finished.
func (c *Correlator) Add(h Hit) {
	// Membership and keys need no lock: work out of it what can be.
	type place struct {
		rule           int
		key            string
		member, cancel bool
	}
	var places []place
	for i, r := range c.rules {
		member, cancel := r.isMember(&h), r.cancels(&h)
		if !member && !cancel {
			continue
		}
		if gk, ok := r.groupKey(&h); ok {
			places = append(places, place{i, gk, member, cancel})
		}
	}
	_, joined := c.joins.takes[h.Signature]
	if len(places) == 0 && !joined {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if joined {
		c.joins.add(&h)
	}
	for _, p := range places {
		g := c.groups[p.rule][p.key]
		if g == nil {
			g = &group{}
			c.groups[p.rule][p.key] = g
		}
		if p.cancel && (!g.cancelSeen || h.Time.After(g.lastCancel)) {
			g.cancelSeen, g.lastCancel = true, h.Time
		}
		if p.member {
			g.add(c.rules[p.rule], &h)
		}
	}
}

// add puts h into the episode within the window of its time, joining the
// two it may fall between, or starts a new one. Without a window a key
// has one episode.
func (g *group) add(r *compiledRule, h *Hit) {
	w := r.window
	if w <= 0 {
		w = time.Duration(math.MaxInt64)
	}
	// Episodes are sorted and apart by more than w: the ones h touches
	// are consecutive, at most two.
	i, _ := slices.BinarySearchFunc(g.episodes, h.Time, func(e *episode, t time.Time) int {
		if t.Sub(e.last) > w {
			return -1
		}
		return 1
	})
	j := i
	for j < len(g.episodes) && g.episodes[j].first.Sub(h.Time) <= w {
		j++
	}
	if i == j {
		g.episodes = slices.Insert(g.episodes, i, newEpisode(r))
		j++
	}
	e := g.episodes[i]
	for _, o := range g.episodes[i+1 : j] {
		e.merge(r, o)
	}
	g.episodes = slices.Delete(g.episodes, i+1, j)
	e.add(r, h)
}

// incidents are the group's episodes as the rule reports them: an episode
// whose earliest hit is a rejoin hit is not an episode of its own but
// continues the one before it (an event logged once per episode says
// nothing by the silence before it), and an unless_seen hit at or after an
// incident's first hit cancels it. The stored episodes are not changed,
// so more hits may still arrive.
func (g *group) incidents(r *compiledRule) []*episode {
	var out []*episode
	owned := false // whether out's last episode is a copy made here
	for _, e := range g.episodes {
		if len(out) == 0 || !e.startRejoin {
			out, owned = append(out, e), false
			continue
		}
		if !owned {
			out[len(out)-1], owned = out[len(out)-1].copy(r), true
		}
		out[len(out)-1].merge(r, e)
	}
	return slices.DeleteFunc(out, func(e *episode) bool {
		return !e.satisfied(r) || g.cancelSeen && !g.lastCancel.Before(e.first)
	})
}

func compareCite(a, b *Hit) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.RecordID, b.RecordID), cmp.Compare(a.Line, b.Line))
}

// Incidents returns the incidents of the hits added so far, sorted by
// severity (highest first), first_seen, key and pattern. It may be called
// again after more Adds.
func (c *Correlator) Incidents() []Incident {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Incident
	for i, r := range c.rules {
		for _, gk := range sortedKeys(c.groups[i]) {
			for _, e := range c.groups[i][gk].incidents(r) {
				out = append(out, r.build(e, c.joins))
			}
		}
	}
	rollup(out)
	sortIncidents(out)
	return out
}

func (r *compiledRule) cancels(h *Hit) bool {
	return slices.ContainsFunc(r.unless, func(s selector) bool { return s.matches(h) })
}

func (r *compiledRule) rejoins(h *Hit) bool {
	return slices.ContainsFunc(r.rejoin, func(s selector) bool { return s.matches(h) })
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

func (r *compiledRule) build(e *episode, joins *joinTable) Incident {
	inc := Incident{Pattern: r.id, Severity: r.severity, Fields: map[string]any{}}
	for i := range r.fields {
		if v, ok := e.fields[i].result(&r.fields[i]); ok {
			inc.Fields[r.fields[i].name] = v
		}
	}
	for i, j := range r.joins {
		if v := joins.values(j, &e.joins[i]); len(v) > 0 {
			inc.Fields[j.name] = v
		}
	}
	inc.Key = r.keyString(inc.Fields, e.keyParts)
	inc.Count, inc.FirstSeen, inc.LastSeen = e.count(r), e.first, e.last
	inc.ProblemID = ProblemID(r.id, inc.Key)
	inc.ID = EpisodeID(r.id, inc.Key, inc.FirstSeen)
	inc.CountUnit = r.unit
	inc.ZoneUnknown = e.zoneUnknown
	inc.Evidence = e.evidence()
	inc.EvidenceTotal = e.hits
	inc.EvidenceTruncated = len(inc.Evidence) < e.hits
	inc.Rejoins = e.startRejoin
	inc.JoinCapped = len(r.joins) > 0 && (e.joinCapped || joins.full)
	r.renderText(&inc)
	inc.Caveats = r.caveats(e.sigs, r.sigs)
	return inc
}

// sigBit is the flag of sig among the rule's member signatures, the
// first eight of them; 0 for the others.
func (r *compiledRule) sigBit(sig string) uint8 {
	for i, s := range r.memberSigs {
		if s == sig {
			return 1 << i
		}
	}
	return 0
}

// keyString is the key as reported: each part from the incident's fields,
// else from the earliest hit.
func (r *compiledRule) keyString(fields map[string]any, earliest []string) string {
	parts := make([]string, len(r.key))
	for i, k := range r.key {
		if parts[i] = text(fields[k]); parts[i] == "" {
			parts[i] = earliest[i]
		}
	}
	return strings.Join(parts, r.sep)
}

func (r *compiledRule) renderText(inc *Incident) {
	data := r.zeroData()
	for k, v := range inc.Fields {
		data[k] = v
	}
	data["count"], data["first_seen"], data["last_seen"], data["key"] = inc.Count, inc.FirstSeen, inc.LastSeen, inc.Key
	data["pattern"] = r.id
	inc.Title = execText(r.title, data)
	inc.Explanation = execText(r.explain, data)
	if inc.JoinCapped {
		inc.Explanation = strings.TrimSpace(inc.Explanation + " " + joinCappedNote())
	}
	inc.Remedy = []Step{}
	for _, s := range r.remedy {
		// Presence, not truth: a field that was found counts even when it is 0.
		if !s.applies(inc.Fields) {
			continue
		}
		step := renderStep(s, data)
		step.rollup = s.rollup && step.Command != ""
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

// rollupListed caps the keys a roll-up line names; the count is always exact.
const rollupListed = 10

// rollup tells each incident whose rollup step has the same command as
// other incidents' that one command fixes them all: five lagged copies held
// back by the same Blocked server are one Set-MailboxServer, not five.
func rollup(incs []Incident) {
	type ref struct{ inc, step int }
	byCmd := map[string][]ref{}
	for i := range incs {
		for j, s := range incs[i].Remedy {
			if s.rollup {
				byCmd[s.Command] = append(byCmd[s.Command], ref{i, j})
			}
		}
	}
	for _, refs := range byCmd {
		var keys []string
		seen := map[int]bool{}
		for _, r := range refs {
			if !seen[r.inc] {
				seen[r.inc] = true
				keys = append(keys, incs[r.inc].Key)
			}
		}
		if len(seen) < 2 {
			continue
		}
		slices.Sort(keys)
		listed := englishList(keys)
		if len(keys) > rollupListed {
			listed = strings.Join(keys[:rollupListed], ", ") + fmt.Sprintf(" and %d more", len(keys)-rollupListed)
		}
		for _, r := range refs {
			s := &incs[r.inc].Remedy[r.step]
			s.Text = strings.TrimSpace(fmt.Sprintf("%s This one command fixes %d incidents of this scan (%s): run it once.",
				s.Text, len(seen), listed))
		}
	}
}
