package scan

import (
	"slices"
	"strings"
	"time"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/report"
)

// addEvtx records one .evtx file's outcome in the summary.
func addEvtx(sum *report.Summary, path string, st evtx.Stats) {
	sum.Inputs++
	sum.Bytes += st.Bytes
	sum.Records += st.Records
	sum.Lost += st.Lost
	sum.Files = append(sum.Files, report.File{Path: path, Kind: "evtx", Bytes: st.Bytes,
		Records: st.Records, Lost: st.Lost, Problems: len(st.Problems), Dirty: st.Dirty})
	for _, p := range st.Problems {
		e := report.Error{File: path, Record: p.Record, Message: p.Message}
		if p.Chunk >= 0 {
			chunk, off := p.Chunk, p.Offset
			e.Chunk, e.Offset = &chunk, &off
		}
		sum.Errors = append(sum.Errors, e)
	}
}

// spans tracks the time span of each server's records, under the name
// Exchange prints: the host part, upper-case (SERVER3.contoso.local and
// server3 are SERVER3), so evtx and trace inputs of one server meet.
type spans map[string]*report.Server

// maxServers bounds the servers listed; the rest are counted together.
const (
	maxServers   = 1000
	otherServers = "(other servers)"
)

func (s spans) add(server string, t time.Time, known bool) {
	s.merge(server, 1, t, t, known)
}

func (s spans) merge(server string, records int, first, last time.Time, known bool) {
	host, _, _ := strings.Cut(strings.TrimSpace(server), ".")
	name := strings.ToUpper(host)
	if _, ok := s[name]; !ok && len(s) >= maxServers {
		name = otherServers // a hostile report may name a server per row
	}
	sp := s[name]
	if sp == nil {
		sp = &report.Server{Name: name}
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

func (s spans) list() []report.Server {
	out := make([]report.Server, 0, len(s))
	for _, sp := range s {
		out = append(out, *sp)
	}
	slices.SortFunc(out, func(a, b report.Server) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// errText is an error as the summary shows it, beside its file: without the
// file name the error repeats.
func errText(name string, err error) string {
	if err == nil {
		return "nothing could be read"
	}
	// Wrapped errors may name the file again further in.
	return strings.ReplaceAll(err.Error(), name+": ", "")
}
