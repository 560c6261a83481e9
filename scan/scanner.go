package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/extriage/extriage/input"
	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
)

// scanner reads inputs into one correlator. Inputs are read by a bounded
// pool of workers; within an .evtx file the evtx package decodes chunks
// with a pool of its own. The outcome of each input is kept by its index,
// so the summary is in input order whatever order the workers finished in.
type scanner struct {
	ctx     context.Context // checked before each input and on each read
	m       *patterns.Matcher
	cor     *patterns.Correlator
	opts    kinds.Options
	window  Window       // --since/--until
	outside atomic.Int64 // records read outside the window
	// unwindowed correlates every hit, inside the window or not, so the
	// report can say how many incidents the window hid; nil without one.
	unwindowed *patterns.Correlator
	progress   Progress
	visit      func(*patterns.Record) // Config.Visit
}

// outcome is what reading one input gave, for the summary.
type outcome struct {
	name  string
	kind  kinds.Kind
	stats kinds.Stats
	err   error // the input could not be read, or stopped early
	// sha256 is of the input's bytes, hashed as they were read; "" when
	// they were not all read.
	sha256 string
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
			for i := range next {
				if sc.ctx.Err() != nil {
					out[i] = outcome{name: inputs[i].Name, kind: inputs[i].Kind, err: errStopped}
					continue
				}
				out[i] = sc.read(&inputs[i])
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

// read reads one input with its kind; the bytes read through Open are
// shown as they are read, those a kind read in place once it is done.
func (sc *scanner) read(in *input.Input) outcome {
	var counted int64
	src := kinds.Source{Name: in.Name, Path: in.Path, Open: func() (io.ReadCloser, error) {
		r, err := in.Open()
		if err != nil {
			return nil, err
		}
		return &countingReader{ctx: sc.ctx, r: r, p: sc.progress, n: &counted}, nil
	}}
	if in.Path != "" {
		src.OpenFile = func() (kinds.ReaderAtCloser, int64, error) { return in.OpenFile() }
	}
	st, err := in.Kind.Read(src, sc.opts, sc.match)
	if rest := st.Bytes - counted; rest > 0 {
		sc.progress.Read(rest)
	}
	return outcome{name: in.Name, kind: in.Kind, stats: st, err: err, sha256: in.SHA256()}
}

func (sc *scanner) match(rec *patterns.Record) {
	inside := sc.window.Contains(rec.Time)
	if !inside {
		sc.outside.Add(1)
		if sc.unwindowed == nil {
			return
		}
	}
	if sc.visit != nil {
		if inside {
			sc.visit(rec)
		}
		return
	}
	for _, h := range sc.m.Match(rec) {
		if inside {
			sc.cor.Add(h)
		}
		if sc.unwindowed != nil {
			sc.unwindowed.Add(h)
		}
	}
}

// errStopped is the error of an input the scan was stopped before or
// while reading.
var errStopped = errors.New("the scan was stopped before this input was read to its end")

// countingReader reports the bytes read through it as progress, and ends
// the input when ctx is done: each read is of a buffer (bufio, a 64 KiB
// chunk slot), so the check costs nothing next to it.
type countingReader struct {
	ctx context.Context
	r   io.ReadCloser
	p   Progress
	n   *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, errStopped
	}
	n, err := c.r.Read(p)
	*c.n += int64(n)
	c.p.Read(int64(n))
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

// addOutcome records one input's outcome in the summary.
func addOutcome(sum *report.Summary, all kinds.Spans, o *outcome) {
	st := &o.stats
	all.MergeAll(st.Servers)
	if !st.Scanned {
		sum.Errors = append(sum.Errors, report.Error{File: o.name, Message: errText(o.name, o.err)})
		return
	}
	addFile(sum, o.name, o.kind, st)
	sum.Files[len(sum.Files)-1].SHA256 = o.sha256
	if o.err != nil {
		sum.Errors = append(sum.Errors, report.Error{File: o.name,
			Message: errText(o.name, o.err) + "; what was read before it is in this report"})
	}
}

// addFile records one scanned file in the summary: its counts, its damage,
// its warnings and what its format cannot give.
func addFile(sum *report.Summary, path string, k kinds.Kind, st *kinds.Stats) {
	sum.Inputs++
	sum.Bytes += st.Bytes
	sum.Records += st.Records
	sum.Lost += st.Lost
	n := k.Noun()
	sum.Files = append(sum.Files, report.File{Path: path, Kind: k.String(), Bytes: st.Bytes, Records: st.Records,
		Lost: st.Lost, Problems: st.ProblemCount, Dirty: st.Dirty, Dialect: st.Format, Encoding: st.Encoding,
		Lacks: st.Lacks, Noun: report.Noun{One: n.One, Many: n.Many, Format: n.Format}})
	for _, p := range st.Problems {
		sum.Errors = append(sum.Errors, reportError(path, p))
	}
	if more := st.ProblemCount - len(st.Problems); more > 0 {
		sum.Errors = append(sum.Errors, report.Error{File: path,
			Message: fmt.Sprintf("%d more problems in this file are not listed", more)})
	}
	for _, w := range st.Warnings {
		sum.Warnings = append(sum.Warnings, reportError(path, w))
	}
	if n := st.UnknownTimes; n > 0 {
		sum.TimesUnknown += n
		sum.Warnings = append(sum.Warnings, report.Error{File: path, Message: fmt.Sprintf(
			"%d %s no usable time (zero, or before 1970 or after 2099, as damage or an unset clock leaves them): counted, but left out of the servers' time spans",
			n, plural(n, "record has", "records have"))})
	}
	for _, lack := range st.Lacks {
		msg := lack
		if st.Format != "" {
			msg = st.Format + ": " + lack
		}
		sum.Warnings = append(sum.Warnings, report.Error{File: path, Message: msg})
	}
}

func reportError(path string, p kinds.Problem) report.Error {
	return report.Error{File: path, Chunk: p.Chunk, Offset: p.Offset, Record: p.Record, Line: p.Line, Message: p.Message}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// warnCountedTwice warns of event records that carry no record id (an
// export of rendered text, such as wevtutil qe /f:text) read beside another
// event log of the same server: an event in both cannot be recognised as
// one, so it counts twice (docs/design.md, "One event read twice counts
// once").
func warnCountedTwice(sum *report.Summary, outcomes []outcome) {
	for i := range outcomes {
		o := &outcomes[i]
		if o.stats.NoRecordID == 0 {
			continue
		}
		other, server := sameServerLog(outcomes, i)
		if other == "" {
			continue
		}
		sum.Warnings = append(sum.Warnings, report.Error{File: o.name, Message: fmt.Sprintf(
			"%d %s no record id, so %s cannot be matched to the same events in %s, another log of %s read in this scan: an event in both counts twice; scan one or the other",
			o.stats.NoRecordID, plural(o.stats.NoRecordID, "record has", "records have"),
			plural(o.stats.NoRecordID, "it", "they"), other, server)})
	}
}

// sameServerLog names another event log of the scan (not a trace) that
// holds records of a server outcome i holds records of.
func sameServerLog(outcomes []outcome, i int) (file, server string) {
	for j := range outcomes {
		o := &outcomes[j]
		if j == i || o.kind == nil || o.kind.String() == "trace" {
			continue
		}
		for s := range outcomes[i].stats.Servers {
			if _, ok := o.stats.Servers[s]; ok && s != kinds.OtherServers {
				return o.name, s
			}
		}
	}
	return "", ""
}
