package main

import (
	"fmt"
	"os"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/trace"
)

// scanner reads inputs one by one into the correlator and the summary.
type scanner struct {
	m         *patterns.Matcher
	cor       *patterns.Correlator
	sum       *report.Summary
	spans     spans
	evtxOpts  evtx.Options
	traceOpts trace.Options
	wantRow   func(status string) bool // nil: every row is matched
	window    window                   // --since/--until
	meter     meter
	rec       patterns.Record
}

func (sc *scanner) match() {
	if !sc.window.contains(sc.rec.Time) {
		return
	}
	for _, h := range sc.m.Match(&sc.rec) {
		sc.cor.Add(h)
	}
}

func (sc *scanner) evtx(path string) {
	st, err := evtx.ReadFile(path, sc.evtxOpts, func(ev *evtx.Event) {
		evtxRecord(ev, &sc.rec)
		sc.match()
	})
	addEvtx(sc.sum, path, st, err)
	for name, sp := range st.Computers {
		sc.spans.merge(name, sp.Records, sp.First, sp.Last, !sp.First.IsZero())
	}
}

func (sc *scanner) trace(path string) {
	f, err := os.Open(path)
	if err != nil {
		sc.sum.Errors = append(sc.sum.Errors, report.Error{File: path, Message: describeOpenError(err)})
		return
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	st, err := trace.Read(path, countingReader{f, sc.meter}, sc.traceOpts, func(r *trace.Row) error {
		sc.spans.add(r.Server, r.Time, r.TimeKnown)
		if sc.wantRow != nil && !sc.wantRow(r.Status) {
			return nil
		}
		traceRecord(r, &sc.rec)
		sc.match()
		return nil
	})
	addTrace(sc.sum, path, size, st, err)
}

// addTrace records one trace file's outcome in the summary. A fatal error
// after some rows (a truncated UTF-16 file) keeps those rows: the file
// still counts as read, and the error makes the scan partial.
func addTrace(sum *report.Summary, path string, size int64, st trace.Stats, err error) {
	if err != nil && st.Records == 0 && st.Lines <= 1 {
		sum.Errors = append(sum.Errors, report.Error{File: path, Message: err.Error()})
		return
	}
	sum.Inputs++
	sum.Bytes += size
	sum.Records += int(st.Records)
	sum.Lost += int(st.Skipped)
	sum.Files = append(sum.Files, report.File{Path: path, Kind: "trace", Bytes: size, Records: int(st.Records),
		Lost: int(st.Skipped), Problems: int(st.ProblemCount), Dialect: st.Dialect.String(), Encoding: st.Encoding.String()})
	for _, p := range st.Problems {
		sum.Errors = append(sum.Errors, report.Error{File: path, Line: p.Line, Message: p.Message})
	}
	if more := st.ProblemCount - int64(len(st.Problems)); more > 0 {
		sum.Errors = append(sum.Errors, report.Error{File: path,
			Message: fmt.Sprintf("%d more problems in this file are not listed", more)})
	}
	for _, w := range st.Warnings {
		sum.Warnings = append(sum.Warnings, report.Error{File: path, Line: w.Line, Message: w.Message})
	}
	if err != nil {
		sum.Errors = append(sum.Errors, report.Error{File: path, Message: err.Error() + "; the rows before it were read"})
	}
}
