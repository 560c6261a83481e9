package scan

import (
	"fmt"
	"io"
	"sync"

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
	m        *patterns.Matcher
	cor      *patterns.Correlator
	opts     kinds.Options
	window   Window // --since/--until
	progress Progress
}

// outcome is what reading one input gave, for the summary.
type outcome struct {
	name  string
	kind  kinds.Kind
	stats kinds.Stats
	err   error // the input could not be read, or stopped early
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
		return &countingReader{r: r, p: sc.progress, n: &counted}, nil
	}}
	st, err := in.Kind.Read(src, sc.opts, sc.match)
	if rest := st.Bytes - counted; rest > 0 {
		sc.progress.Read(rest)
	}
	return outcome{name: in.Name, kind: in.Kind, stats: st, err: err}
}

func (sc *scanner) match(rec *patterns.Record) {
	if !sc.window.Contains(rec.Time) {
		return
	}
	for _, h := range sc.m.Match(rec) {
		sc.cor.Add(h)
	}
}

// countingReader reports the bytes read through it as progress.
type countingReader struct {
	r io.ReadCloser
	p Progress
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
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
