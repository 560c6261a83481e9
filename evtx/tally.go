package evtx

import (
	"fmt"
	"slices"
	"sort"
)

// maxZeroRun bounds the all-zero slots remembered until a chunk follows
// them; beyond it they are counted as unused.
const maxZeroRun = 4096

// perChunk is the most records a chunk can hold: a gap in the record ids
// larger than the lost chunks could hold is not counted as records lost.
const perChunk = (chunkSize - chunkHeaderSize) / minRecord

// tally gathers the chunks' results into Stats in file order, emits their
// events, and checks the chunks against the file header and against each
// other by their record ids, so that what could not be read is said: a
// chunk lost inside the header's count, a file cut at a chunk boundary, a
// run of record ids no chunk holds, a chunk that repeats another.
type tally struct {
	name  string
	st    *Stats
	hdr   fileHeader
	ids   idSet
	slots int // slots met so far
	// lost are the slots whose chunk is lost (all zeros inside the
	// header's count, no signature and no record, unreadable) or holds
	// only a copy of another, in file order, with the index in
	// st.Problems of the problem that names each: the records lost there
	// are added to it.
	lost []lostSlot
	// zeros is the run of all-zero slots since the last chunk: unused if
	// the file ends with them, lost chunks if a chunk follows, since a
	// log fills its slots in order.
	zeros []int
	// shifts are where chunks were found off the 64 KiB grid, in slot
	// order: slot i is at slotOffset(i) plus the delta of the last shift at
	// or before it.
	shifts []shift
}

type shift struct {
	from  int
	delta int64
}

// place records the file offset of slot i when it is off the grid.
func (t *tally) place(i int, off int64) {
	if delta := off - slotOffset(i); delta != t.delta(i) {
		t.shifts = append(t.shifts, shift{i, delta})
	}
}

func (t *tally) delta(i int) int64 {
	var d int64
	for _, s := range t.shifts {
		if s.from <= i {
			d = s.delta
		}
	}
	return d
}

// offset is the file offset of slot i.
func (t *tally) offset(i int) int64 { return slotOffset(i) + t.delta(i) }

type lostSlot struct{ slot, problem int }

// add takes slot i's result, at file offset off: its counts, its events
// (emitted), its problems.
func (t *tally) add(i int, off int64, res slotResult, emit func(*Event)) {
	st := t.st
	t.slots = i + 1
	t.place(i, off)
	if res.fragment {
		if len(res.problems) > 0 {
			t.lost = append(t.lost, lostSlot{i, len(st.Problems)})
		}
		st.Problems = append(st.Problems, res.problems...)
		return
	}
	if !res.empty {
		for _, z := range t.zeros {
			st.EmptyChunks--
			t.lostChunk(z, fmt.Sprintf("an all-zero chunk slot before chunk %d, which holds a chunk: a log fills its slots in order, so the chunk that was here is lost", i))
		}
		t.zeros = t.zeros[:0]
	}
	switch {
	case res.empty && t.hdr.trusted && i < t.hdr.chunks:
		t.lostChunk(i, fmt.Sprintf("an all-zero chunk slot inside the %d chunks the file header lists: the chunk that was here is lost", t.hdr.chunks))
	case res.empty:
		st.EmptyChunks++
		if len(t.zeros) < maxZeroRun {
			t.zeros = append(t.zeros, i)
		}
	case res.decoded:
		st.Chunks++
		if res.headerless {
			t.lost = append(t.lost, lostSlot{i, len(st.Problems)})
		}
	default: // unreadable, or no chunk and no record in it
		t.lost = append(t.lost, lostSlot{i, len(st.Problems)})
	}
	st.Lost += res.lost
	st.Recovered += res.recovered
	st.Problems = append(st.Problems, res.problems...)
	repeated := t.repeats(i, res)
	ev := 0
	for _, r := range res.recs {
		if r.emitted {
			ev++
		}
		if repeated && t.seen(r.id) {
			continue
		}
		st.Records++
		if !r.emitted {
			st.Filtered++
		}
		if r.written.IsZero() {
			st.UnknownTimes++
		}
		if st.Computers == nil {
			st.Computers = map[string]Span{}
		}
		sp := st.Computers[r.computer]
		sp.addRecord(r.written)
		st.Computers[r.computer] = sp
		if r.emitted {
			emit(&res.events[ev-1])
		}
	}
	if res.ids.ok {
		t.ids.add(res.ids.first, res.ids.last, i)
	}
}

func (t *tally) seen(id uint64) bool {
	_, ok := t.ids.find(id)
	return ok
}

// repeats tells whether chunk i holds records whose ids an earlier chunk
// held, and names the chunk: a chunk copied over another.
func (t *tally) repeats(i int, res slotResult) bool {
	var rep idRange
	n := 0
	var in idSpan
	for _, r := range res.recs {
		if sp, ok := t.ids.find(r.id); ok {
			if n == 0 {
				in = sp
			}
			n++
			rep.add(r.id)
		}
	}
	if n == 0 {
		return false
	}
	t.st.Repeated += n
	from := "an earlier chunk"
	switch {
	case rep.last == in.last:
		from = fmt.Sprintf("chunk %d", in.lastChunk)
	case rep.first == in.first:
		from = fmt.Sprintf("chunk %d", in.firstChunk)
	}
	t.lostChunk(i, fmt.Sprintf("records %d to %d of this chunk were already read from %s: it is a copy of another chunk, written over this one; its %d repeated records are counted once",
		rep.first, rep.last, from, n))
	return true
}

// lostChunk reports slot i as a chunk lost, to which the record ids found
// missing around it are added later.
func (t *tally) lostChunk(i int, msg string) {
	t.lost = append(t.lost, lostSlot{i, len(t.st.Problems)})
	t.st.Problems = append(t.st.Problems, Problem{File: t.name, Chunk: i, Offset: t.offset(i), Message: msg})
}

func slotOffset(i int) int64 { return int64(fileHeaderSize) + int64(i)*chunkSize }

// finish compares what was found with the file header: the number of
// chunks, the next record id; and reports the record ids that no chunk
// holds between two that do.
func (t *tally) finish() {
	if t.ids.overflow {
		t.st.Problems = append(t.st.Problems, Problem{File: t.name, Chunk: ChunkNone, Message: fmt.Sprintf(
			"the record ids of this file's chunks form more than %d separate runs, which no log writes: missing and repeated records are not looked for", maxIDRanges)})
		return
	}
	for _, g := range t.ids.gaps() {
		t.gap(g)
	}
	cut := -1 // the problem that says the file is cut short
	if t.hdr.trusted && t.slots < t.hdr.chunks {
		cut = len(t.st.Problems)
		t.st.Problems = append(t.st.Problems, Problem{File: t.name, Chunk: t.slots, Offset: t.offset(t.slots), Message: fmt.Sprintf(
			"the file header lists %d chunks, but the file ends after %d: it is cut short, and the chunks after its end are lost", t.hdr.chunks, t.slots)})
	}
	t.tail(cut)
}

// gap reports the ids of g. When chunks are lost between the chunks on
// either side of it (in file order, around the end for a log that wrapped)
// they held them: the records are counted as lost, in the first lost
// chunk's problem. Otherwise the ids are said to be missing, but no
// records are counted: the file shows no place where they were, as in a
// shadow copy that mixes chunks of different times.
func (t *tally) gap(g idGap) {
	between := t.lostBetween(g.afterChunk, g.inChunk)
	if len(between) > 0 {
		t.addTo(between[0].problem, "; "+t.lose(g.first, g.last, len(between)))
		return
	}
	t.st.Problems = append(t.st.Problems, Problem{File: t.name, Chunk: g.inChunk, Offset: t.offset(g.inChunk), Record: g.first, Message: fmt.Sprintf(
		"record ids %d to %d are in no chunk of the file: they fall between the last record of chunk %d and the first of this chunk, with no lost chunk between them, so they are not counted as records lost",
		g.first, g.last, g.afterChunk)})
}

// tail reports the records between the last one found and the next record
// id the file header gives: lost at the end of a file cut short or in its
// last chunks. A dirty header lags behind its chunks, so it never shows a
// tail that is not lost.
func (t *tally) tail(cut int) {
	if !t.hdr.trusted || t.hdr.nextID == 0 {
		return
	}
	last, chunk, ok := t.ids.max()
	if !ok || t.hdr.nextID-1 <= last {
		return
	}
	after := t.lostBetween(chunk+1, int(^uint(0)>>1))
	slots := len(after) + max(0, t.hdr.chunks-t.slots)
	text := t.lose(last+1, t.hdr.nextID-1, max(1, slots))
	switch {
	case cut >= 0:
		t.addTo(cut, "; "+text)
	case len(after) > 0:
		t.addTo(after[0].problem, "; "+text)
	default:
		t.st.Problems = append(t.st.Problems, Problem{File: t.name, Chunk: ChunkFileHeader, Record: last + 1, Message: fmt.Sprintf(
			"the file header gives %d as the next record id, but the last record found is %d: records %s", t.hdr.nextID, last, text)})
	}
}

// lose counts the records first..last as lost when the slots they were in
// could hold them, and says so.
func (t *tally) lose(first, last uint64, slots int) string {
	n := last - first + 1
	if n > uint64(slots)*perChunk {
		return fmt.Sprintf("record ids %d to %d are missing, but are not counted as records lost: %d records are more than %d chunks could hold", first, last, n, slots)
	}
	t.st.Lost += int(n)
	if n == 1 {
		return fmt.Sprintf("record %d is lost", first)
	}
	return fmt.Sprintf("records %d to %d (%d records) are lost", first, last, n)
}

// lostBetween returns the lost slots from slot a to slot b (a and b
// themselves lost in part when their headers are), going round past the
// end of the file when b is before a: the oldest chunk of a log that
// wrapped follows its newest.
func (t *tally) lostBetween(a, b int) []lostSlot {
	i := sort.Search(len(t.lost), func(i int) bool { return t.lost[i].slot >= a })
	j := sort.Search(len(t.lost), func(j int) bool { return t.lost[j].slot > b })
	if b >= a {
		return t.lost[i:j]
	}
	return append(slices.Clone(t.lost[i:]), t.lost[:j]...)
}

func (t *tally) addTo(problem int, text string) {
	t.st.Problems[problem].Message += text
}
