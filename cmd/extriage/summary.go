package main

import (
	"slices"
	"strings"
	"time"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/report"
)

// addEvtx records one .evtx file's outcome in the summary.
func addEvtx(sum *report.Summary, path string, st evtx.Stats, err error) {
	if err != nil {
		sum.Errors = append(sum.Errors, report.Error{File: path, Message: err.Error()})
		return
	}
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

// spans tracks the time span of each server's records.
type spans map[string]*report.Server

func (s spans) add(server string, t time.Time, known bool) {
	sp := s[server]
	if sp == nil {
		sp = &report.Server{Name: server}
		s[server] = sp
	}
	sp.Records++
	if !known {
		return
	}
	if sp.First.IsZero() || t.Before(sp.First) {
		sp.First = t
	}
	if t.After(sp.Last) {
		sp.Last = t
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
