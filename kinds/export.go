package kinds

import (
	"github.com/extriage/extriage/eventexport"
	"github.com/extriage/extriage/patterns"
)

// exportKind is an event-log export other than .evtx (Event Viewer's and
// wevtutil's XML, PowerShell's CSV and JSON), read by package eventexport.
// It claims every export eventexport recognises, including those it cannot
// read yet, so that the summary says what the file is and what to send
// instead rather than that it is not a log.
type exportKind struct{}

func (exportKind) String() string { return "export" }

func (exportKind) Noun() Noun { return Noun{One: "event export", Many: "event exports"} }

func (exportKind) Sniff(head []byte) bool { return eventexport.Sniff(head) != eventexport.Unknown }

// Read streams the export; its records are events, matched as the .evtx
// reader's are, and cite the line they start on beside their record id.
func (exportKind) Read(src Source, opts Options, emit func(*patterns.Record)) (Stats, error) {
	r, err := src.Open()
	if err != nil {
		return Stats{}, err
	}
	defer r.Close()
	cr := &countingReader{r: r}
	servers := Spans{}
	noID := 0
	var rec patterns.Record
	eo := eventexport.Options{Location: opts.Location, DateOrder: opts.DateOrder}
	st, err := eventexport.Read(src.Name, cr, eo, func(er *eventexport.Record) {
		ev := &er.Event
		servers.Add(ev.Computer, ev.Time, !ev.Time.IsZero())
		if ev.RecordID == 0 {
			noID++
		}
		if opts.Prefilter != nil && !opts.Prefilter.Wants(ev.Channel, ev.Provider, ev.EventID) {
			return
		}
		evtxRecord(ev, &rec)
		rec.Line = er.Line
		emit(&rec)
	})
	out := exportStats(st, cr.n, servers, err)
	out.NoRecordID = noID
	return out, err
}

// exportStats turns the reader's statistics into a kind's.
func exportStats(st eventexport.Stats, bytes int64, servers Spans, err error) Stats {
	out := Stats{Scanned: err == nil || st.Records > 0, Bytes: bytes, Records: st.Records, Lost: st.Lost,
		Format: st.Format.String(), Encoding: st.Encoding, Lacks: st.Lacks,
		ProblemCount: len(st.Problems) + st.MoreProblems, Servers: servers}
	for _, p := range st.Problems {
		out.Problems = append(out.Problems, Problem{Line: p.Line, Message: p.Message})
	}
	for _, w := range st.Warnings {
		out.Warnings = append(out.Warnings, Problem{Message: w})
	}
	return out
}
