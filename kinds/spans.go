package kinds

import (
	"slices"
	"strings"
	"time"
)

// Span is the records of one server and the times they cover.
type Span struct {
	Name        string // as Exchange prints it: SERVER3
	Records     int
	First, Last time.Time // zero when no record had a known time
}

// Spans tracks the time span of each server's records, under the name
// Exchange prints: the host part, upper-case (SERVER3.contoso.local and
// server3 are SERVER3), so evtx and trace inputs of one server meet. It
// holds at most MaxServers servers; the rest are counted together under
// OtherServers.
type Spans map[string]*Span

// MaxServers bounds the servers listed; the rest are counted together.
const (
	MaxServers   = 1000
	OtherServers = "(other servers)"
)

// Add counts one record of server at t; known says t was known.
func (s Spans) Add(server string, t time.Time, known bool) {
	s.Merge(server, 1, t, t, known)
}

// Merge counts records of server between first and last.
func (s Spans) Merge(server string, records int, first, last time.Time, known bool) {
	host, _, _ := strings.Cut(strings.TrimSpace(server), ".")
	name := strings.ToUpper(host)
	if _, ok := s[name]; !ok && len(s) >= MaxServers {
		name = OtherServers // a hostile report may name a server per row
	}
	sp := s[name]
	if sp == nil {
		sp = &Span{Name: name}
		s[name] = sp
	}
	sp.Records += records
	if !known {
		return
	}
	if sp.First.IsZero() || first.Before(sp.First) {
		sp.First = first
	}
	if last.After(sp.Last) {
		sp.Last = last
	}
}

// MergeAll adds every span of o to s.
func (s Spans) MergeAll(o Spans) {
	for name, sp := range o {
		s.Merge(name, sp.Records, sp.First, sp.Last, !sp.First.IsZero())
	}
}

// List returns the spans sorted by server name.
func (s Spans) List() []Span {
	out := make([]Span, 0, len(s))
	for _, sp := range s {
		out = append(out, *sp)
	}
	slices.SortFunc(out, func(a, b Span) int { return strings.Compare(a.Name, b.Name) })
	return out
}
