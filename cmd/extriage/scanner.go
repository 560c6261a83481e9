package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/input"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/trace"
)

// scanner reads inputs into one correlator. Inputs are read by a bounded
// pool of workers, each with its own record scratch; within an .evtx file
// the evtx package decodes chunks with a pool of its own. The outcome of
// each input is kept by its index, so the summary is in input order
// whatever order the workers finished in.
type scanner struct {
	m         *patterns.Matcher
	cor       *patterns.Correlator
	evtxOpts  evtx.Options
	traceOpts trace.Options
	wantRow   func(status, event, customData string) bool // nil: every row is matched
	window    window                                      // --since/--until
	meter     meter
}

// outcome is what reading one input gave, for the summary.
type outcome struct {
	name  string
	kind  input.Kind
	size  int64
	evtx  evtx.Stats
	trace trace.Stats
	read  bool  // something was read: the file counts as an input
	err   error // the input could not be read, or stopped early
	spans spans
}

// run reads every input with at most jobs at once.
func (sc *scanner) run(inputs []input.Input, jobs int) []outcome {
	out := make([]outcome, len(inputs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(jobs, len(inputs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rec patterns.Record
			for i := range next {
				out[i] = sc.read(&inputs[i], &rec)
			}
		}()
	}
	for i := range inputs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func (sc *scanner) read(in *input.Input, rec *patterns.Record) outcome {
	o := outcome{name: in.Name, kind: in.Kind, size: in.Size, spans: spans{}}
	switch in.Kind {
	case input.Evtx:
		sc.readEvtx(in, rec, &o)
	case input.Trace:
		sc.readTrace(in, rec, &o)
	}
	return o
}

func (sc *scanner) match(rec *patterns.Record) {
	if !sc.window.contains(rec.Time) {
		return
	}
	for _, h := range sc.m.Match(rec) {
		sc.cor.Add(h)
	}
}

// readEvtx reads a plain file in place, and anything else (a zip member,
// standard input) as a stream.
func (sc *scanner) readEvtx(in *input.Input, rec *patterns.Record, o *outcome) {
	emit := func(ev *evtx.Event) {
		evtxRecord(ev, rec)
		sc.match(rec)
	}
	if in.Path != "" {
		o.evtx, o.err = evtx.ReadFile(in.Path, sc.evtxOpts, emit)
		sc.meter.read(o.evtx.Bytes)
	} else {
		r, err := in.Open()
		if err != nil {
			o.err = err
			return
		}
		defer r.Close()
		o.evtx, o.err = evtx.ReadStream(in.Name, &countingReader{r: r, m: sc.meter}, sc.evtxOpts, emit)
	}
	o.size = o.evtx.Bytes
	o.read = o.evtx.Chunks+o.evtx.EmptyChunks > 0 || o.err == nil
	for name, sp := range o.evtx.Computers {
		o.spans.merge(name, sp.Records, sp.First, sp.Last, !sp.First.IsZero())
	}
}

func (sc *scanner) readTrace(in *input.Input, rec *patterns.Record, o *outcome) {
	r, err := in.Open()
	if err != nil {
		o.err = err
		return
	}
	defer r.Close()
	cr := &countingReader{r: r, m: sc.meter}
	o.trace, o.err = trace.Read(in.Name, cr, sc.traceOpts, func(row *trace.Row) error {
		o.spans.add(row.Server, row.Time, row.TimeKnown)
		if sc.wantRow != nil && !sc.wantRow(row.Status, row.Event, row.CustomData) {
			return nil
		}
		traceRecord(row, rec)
		sc.match(rec)
		return nil
	})
	o.size = cr.n
	// A fatal error after the header (a truncated UTF-16 file) keeps the
	// rows before it: the file still counts as read.
	o.read = o.err == nil || o.trace.Dialect != trace.DialectUnknown
}

// addOutcome records one input's outcome in the summary.
func addOutcome(sum *report.Summary, all spans, o *outcome) {
	for name, sp := range o.spans {
		all.merge(name, sp.Records, sp.First, sp.Last, !sp.First.IsZero())
	}
	if !o.read {
		sum.Errors = append(sum.Errors, report.Error{File: o.name, Message: errText(o.name, o.err)})
		return
	}
	switch o.kind {
	case input.Evtx:
		addEvtx(sum, o.name, o.evtx)
	case input.Trace:
		addTrace(sum, o.name, o.size, o.trace)
	}
	if o.err != nil {
		sum.Errors = append(sum.Errors, report.Error{File: o.name,
			Message: errText(o.name, o.err) + "; what was read before it is in this report"})
	}
}

// countingReader reports the bytes read through it to a meter.
type countingReader struct {
	r io.Reader
	m meter
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.m.read(int64(n))
	return n, err
}

// addTrace records one trace file's outcome in the summary.
func addTrace(sum *report.Summary, path string, size int64, st trace.Stats) {
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
}
