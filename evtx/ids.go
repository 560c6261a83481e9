package evtx

import "sort"

// Record ids number a log's records one by one, across chunks, so the ids
// the chunks hold tell what is missing between them (a chunk zeroed, cut
// off or overwritten) and what is there twice (a chunk copied over
// another). Chunks are not in id order in a log that wrapped around, so
// the ids are kept as a set of ranges, not compared chunk to chunk.

// maxIDRanges bounds the disjoint ranges kept per file. A real log has one,
// or a few where chunks were lost; only hostile input has more, and then
// gaps and repeats are no longer looked for (and that is said).
const maxIDRanges = 1024

// idSpan is a range of record ids that chunks account for, with the chunks
// at its two ends, which a message names.
type idSpan struct {
	first, last           uint64
	firstChunk, lastChunk int
}

// idSet is the record ids met so far in a file, as sorted, disjoint,
// non-adjacent ranges.
type idSet struct {
	spans    []idSpan
	overflow bool // more than maxIDRanges: no longer kept
}

// find returns the span holding id.
func (s *idSet) find(id uint64) (idSpan, bool) {
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].last >= id })
	if i < len(s.spans) && s.spans[i].first <= id {
		return s.spans[i], true
	}
	return idSpan{}, false
}

// add adds the ids first..last of chunk, merging the spans it touches.
func (s *idSet) add(first, last uint64, chunk int) {
	if s.overflow {
		return
	}
	n := idSpan{first, last, chunk, chunk}
	// The spans from i to j-1 overlap n or touch it.
	i := sort.Search(len(s.spans), func(i int) bool { return first == 0 || s.spans[i].last >= first-1 })
	j := i
	for j < len(s.spans) && (last == ^uint64(0) || s.spans[j].first <= last+1) {
		if s.spans[j].first < n.first {
			n.first, n.firstChunk = s.spans[j].first, s.spans[j].firstChunk
		}
		if s.spans[j].last > n.last {
			n.last, n.lastChunk = s.spans[j].last, s.spans[j].lastChunk
		}
		j++
	}
	if i == j && len(s.spans) >= maxIDRanges {
		s.overflow, s.spans = true, nil
		return
	}
	s.spans = append(s.spans[:i], append([]idSpan{n}, s.spans[j:]...)...)
}

// max returns the highest id met.
func (s *idSet) max() (uint64, int, bool) {
	if len(s.spans) == 0 {
		return 0, 0, false
	}
	last := s.spans[len(s.spans)-1]
	return last.last, last.lastChunk, true
}

// idGap is a run of ids that no chunk holds, between two that do.
type idGap struct {
	first, last         uint64
	afterChunk, inChunk int // the chunk with the id before the gap, and the one after it
}

func (s *idSet) gaps() []idGap {
	var out []idGap
	for i := 1; i < len(s.spans); i++ {
		a, b := s.spans[i-1], s.spans[i]
		out = append(out, idGap{a.last + 1, b.first - 1, a.lastChunk, b.firstChunk})
	}
	return out
}
