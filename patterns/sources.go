package patterns

import (
	"fmt"
	"slices"
	"strings"
)

// source is a channel and provider some evtx signature reads.
type source struct{ channel, provider string }

// addSource records the source of an evtx signature, once.
func (m *Matcher) addSource(cs *compiledSig) {
	s := source{cs.channel, cs.provider}
	if !slices.ContainsFunc(m.sources, func(o source) bool {
		return strings.EqualFold(o.channel, s.channel) && strings.EqualFold(o.provider, s.provider)
	}) {
		m.sources = append(m.sources, s)
	}
}

// ReadsSource reports whether some signature reads records of this
// channel and provider, whatever their event id: a scan counts those
// records, so a report can say when none of its input is what the catalog
// knows about. It does not allocate.
func (m *Matcher) ReadsSource(channel, provider string) bool {
	for _, s := range m.sources {
		if strings.EqualFold(s.channel, channel) && strings.EqualFold(s.provider, provider) {
			return true
		}
	}
	return false
}

// ReadsTrace reports whether some signature reads message-trace rows.
func (m *Matcher) ReadsTrace() bool { return len(m.trace) > 0 }

// Sources names what the catalog reads, for people: "CHANNEL (provider
// PROVIDER)" per evtx source, then "message traces".
func (m *Matcher) Sources() []string {
	var out []string
	for _, s := range m.sources {
		out = append(out, fmt.Sprintf("%s (provider %s)", s.channel, s.provider))
	}
	slices.Sort(out)
	if m.ReadsTrace() {
		out = append(out, "message traces")
	}
	return out
}
