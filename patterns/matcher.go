package patterns

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Hit is one record recognised by one signature: only what incidents need,
// so that the correlator's memory grows with hits, not with records.
type Hit struct {
	Signature string
	// Fields holds string, int, []string or []int values; absent fields are
	// missing, never zero.
	Fields      map[string]any
	File        string
	RecordID    uint64 // evtx
	Line        int64  // trace
	Time        time.Time
	ZoneUnknown bool // Time is local to an unknown zone, read as UTC
	Computer    string
	Channel     string // with RecordID, EventID and Time, identifies a record seen twice
	EventID     uint32
	// Message is the record's rendered message: its own Message value when it
	// carried one, else the signature's template filled with the fields.
	Message string
}

// Matcher runs compiled signatures over records. It is immutable after
// Compile and safe for concurrent use.
type Matcher struct {
	byEvent map[uint32][]*compiledSig // evtx, by event id; channel/provider checked after
	byShape []*compiledSig            // evtx signatures without an id, matched by shape
	trace   []*compiledSig
	sigs    map[string]*compiledSig
	rules   []*compiledRule
	sources []source // the channels and providers evtx signatures read
}

// Compile validates the catalog and builds a Matcher. Errors name the file
// and the entry they concern.
func Compile(cat *Catalog) (*Matcher, error) {
	m := &Matcher{byEvent: map[uint32][]*compiledSig{}, sigs: map[string]*compiledSig{}}
	var errs []error
	for _, s := range cat.Signatures {
		cs, err := compileSignature(s)
		switch {
		case err != nil:
			errs = append(errs, entryErr(s.Pos(), "signature", s.ID, err))
		case m.sigs[s.ID] != nil:
			errs = append(errs, entryErr(s.Pos(), "signature", s.ID, errors.New("duplicate id")))
		default:
			m.add(cs)
		}
	}
	for _, r := range cat.Incidents {
		if m.sigs[r.ID] != nil {
			errs = append(errs, entryErr(r.Pos(), "incident", r.ID, errors.New("a signature has the same id")))
			continue
		}
		cr, err := compileRule(r, m.sigs, cat.Lists)
		if err != nil {
			errs = append(errs, entryErr(r.Pos(), "incident", r.ID, err))
			continue
		}
		m.rules = append(m.rules, cr)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	m.markLookupOnly()
	return m, nil
}

// markLookupOnly flags the signatures that only joins read.
func (m *Matcher) markLookupOnly() {
	joined, member := map[string]bool{}, map[string]bool{}
	for _, r := range m.rules {
		for _, j := range r.joins {
			joined[j.sig] = true
		}
		for _, s := range r.members {
			member[s.sig] = true
		}
	}
	for id, s := range m.sigs {
		s.lookupOnly = joined[id] && !member[id]
	}
}

// entryErr names the file and the entry, so a user with many pattern files
// knows where to look. Catalogs built in Go have no file.
func entryErr(origin, kind, id string, err error) error {
	if origin == "" {
		return fmt.Errorf("patterns: %s %q: %w", kind, id, err)
	}
	return fmt.Errorf("patterns: %s: %s %q: %w", origin, kind, id, err)
}

func (m *Matcher) add(cs *compiledSig) {
	m.sigs[cs.id] = cs
	if cs.trace {
		m.trace = append(m.trace, cs)
		return
	}
	if cs.shape != nil {
		m.byShape = append(m.byShape, cs)
		return
	}
	m.byEvent[cs.eventID] = append(m.byEvent[cs.eventID], cs)
	m.addSource(cs)
}

// Wants reports whether any signature could match an evtx record with this
// channel, provider and event id, so a reader can skip decoding the values
// of every other record. It costs one map lookup (and a look at the few
// signatures matched by shape) and does not allocate.
func (m *Matcher) Wants(channel, provider string, eventID uint32) bool {
	for _, list := range [2][]*compiledSig{m.byEvent[eventID], m.byShape} {
		for _, s := range list {
			if strings.EqualFold(s.channel, channel) && strings.EqualFold(s.provider, provider) {
				return true
			}
		}
	}
	return false
}

// EvtxSource is a channel and a provider of an evtx signature.
type EvtxSource struct {
	Channel, Provider string
}

// EvtxSources lists every channel and provider pair Wants can take a
// record of, once each, in no fixed order: Wants declines any record
// whose channel and provider are not, case-insensitively, one of them.
// A reader may pass over a part of a log that holds none of them.
func (m *Matcher) EvtxSources() []EvtxSource {
	seen := map[EvtxSource]bool{}
	var out []EvtxSource
	// Signatures matched by shape have no event id but read a source all
	// the same: a chunk of their channel must never be passed over.
	lists := [][]*compiledSig{m.byShape}
	for _, sigs := range m.byEvent {
		lists = append(lists, sigs)
	}
	for _, sigs := range lists {
		for _, s := range sigs {
			src := EvtxSource{Channel: strings.ToLower(s.channel), Provider: strings.ToLower(s.provider)}
			if !seen[src] {
				seen[src] = true
				out = append(out, src)
			}
		}
	}
	return out
}

// Match returns the hits of every signature that recognises r; usually none.
// Records with Source "trace" go to trace signatures, all others to evtx ones.
func (m *Matcher) Match(r *Record) []Hit {
	if r.Source == "trace" {
		return m.matchTrace(r)
	}
	var hits []Hit
	for _, list := range [2][]*compiledSig{m.byEvent[r.EventID], m.byShape} {
		for _, s := range list {
			if !strings.EqualFold(s.channel, r.Channel) || !strings.EqualFold(s.provider, r.Provider) {
				continue
			}
			if h, ok := s.matchEvtx(r); ok {
				hits = append(hits, h)
			}
		}
	}
	return hits
}

// WantsTrace reports whether any trace signature could match a row with
// this status, event and custom data, so a reader can skip building the
// record of every other row. A signature that tests only columns wants
// every row.
func (m *Matcher) WantsTrace(status, event, customData string) bool {
	for _, s := range m.trace {
		if (len(s.status) == 0 || containsAnyFold(status, s.status)) && s.wantsEventAndCustom(event, customData) {
			return true
		}
	}
	return false
}

func (m *Matcher) matchTrace(r *Record) []Hit {
	var hits []Hit
	status := strings.ToLower(column(r.Columns, "status"))
	for _, s := range m.trace {
		if h, ok := s.matchTrace(r, status); ok {
			hits = append(hits, h)
		}
	}
	return hits
}
