package main

import (
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
