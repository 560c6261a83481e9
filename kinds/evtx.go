package kinds

import (
	"bytes"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/patterns"
)

// evtxKind is a Windows event log (.evtx), read by package evtx.
type evtxKind struct{}

var (
	evtxFileMagic  = []byte("ElfFile\x00")
	evtxChunkMagic = []byte("ElfChnk\x00")
)

func (evtxKind) String() string { return "evtx" }

func (evtxKind) Noun() Noun { return Noun{One: "event log", Many: "event logs", Format: ".evtx"} }

// Sniff knows a log by its file signature, or by the chunk signature at
// 4096 when the file header was destroyed and the chunks are there.
func (evtxKind) Sniff(head []byte) bool {
	return bytes.HasPrefix(head, evtxFileMagic) ||
		len(head) >= HeadSize && bytes.Equal(head[4096:HeadSize], evtxChunkMagic)
}

// Read reads a plain file in place, and anything else (a zip member,
// standard input) as a stream; both decode chunks with a bounded pool.
func (evtxKind) Read(src Source, opts Options, emit func(*patterns.Record)) (Stats, error) {
	eo := evtx.Options{Jobs: opts.Jobs}
	if opts.Prefilter != nil {
		eo.Want = opts.Prefilter.Wants
		eo.Sources = evtxSources(opts.Prefilter)
	}
	var rec patterns.Record
	var unverified Stats // the runs only, gathered as events arrive
	each := func(ev *evtx.Event) {
		if ev.Unverified != "" {
			unverified.addUnverified(ev.RecordID, ev.Chunk, ev.Unverified)
		}
		evtxRecord(ev, &rec)
		emit(&rec)
	}
	var st evtx.Stats
	var err error
	switch {
	case src.Path != "" && src.OpenFile != nil:
		f, size, oerr := src.OpenFile()
		if oerr != nil {
			return Stats{}, oerr
		}
		defer f.Close()
		st, err = evtx.Read(src.Path, f, size, eo, each)
	case src.Path != "":
		st, err = evtx.ReadFile(src.Path, eo, each)
	default:
		r, oerr := src.Open()
		if oerr != nil {
			return Stats{}, oerr
		}
		defer r.Close()
		st, err = evtx.ReadStream(src.Name, r, eo, each)
	}
	out := evtxStats(st, err)
	out.Unverified = unverified.Unverified
	return out, err
}

// evtxStats turns the reader's statistics into a kind's.
func evtxStats(st evtx.Stats, err error) Stats {
	out := Stats{Scanned: st.Chunks+st.EmptyChunks > 0 || err == nil, Bytes: st.Bytes, Records: st.Records,
		Lost: st.Lost, Dirty: st.Dirty, ProblemCount: len(st.Problems), Servers: Spans{}, UnknownTimes: st.UnknownTimes}
	for _, p := range st.Problems {
		q := Problem{Record: p.Record, Message: p.Message}
		if p.Chunk >= 0 { // the file header, or the whole file, otherwise
			chunk, off := p.Chunk, p.Offset
			q.Chunk, q.Offset = &chunk, &off
		}
		out.Problems = append(out.Problems, q)
	}
	for name, sp := range st.Computers {
		out.Servers.Merge(name, sp.Records, sp.First, sp.Last, !sp.First.IsZero())
	}
	return out
}

// evtxRecord adapts an evtx event to the matcher's record, reusing rec's
// storage: the matcher keeps nothing of it beyond a hit.
func evtxRecord(ev *evtx.Event, rec *patterns.Record) {
	*rec = patterns.Record{Source: "evtx", File: ev.File, RecordID: ev.RecordID, Time: ev.Time,
		Computer: ev.Computer, Channel: ev.Channel, Provider: ev.Provider, EventID: ev.EventID,
		Level: ev.Level, Values: rec.Values[:0]}
	for _, v := range ev.Values {
		rec.Values = append(rec.Values, patterns.Value{Name: v.Name, Value: v.Value})
	}
}

// evtxSources lists the channels and providers a prefilter takes records
// of, when it can say (patterns.Matcher can), so that the reader passes
// over chunks that hold none; nil otherwise.
func evtxSources(p Prefilter) []evtx.Source {
	lister, ok := p.(interface{ EvtxSources() []patterns.EvtxSource })
	if !ok {
		return nil
	}
	var out []evtx.Source
	for _, s := range lister.EvtxSources() {
		out = append(out, evtx.Source{Channel: s.Channel, Provider: s.Provider})
	}
	return out
}
