package scan

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/extriage/extriage/evtx"
	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/patterns"
)

// CaveatField is the incident field that says how much of its evidence no
// checksum vouches for. A field, not a report section: every format shows
// an incident's fields already.
const CaveatField = "caveat"

// unverifiedRuns are the records of each file that no checksum vouches for.
type unverifiedRuns map[string][]kinds.Unverified

// find returns the run of file that holds record id.
func (u unverifiedRuns) find(file string, id uint64) (kinds.Unverified, bool) {
	for _, r := range u[file] {
		if r.First <= id && id <= r.Last {
			return r, true
		}
	}
	return kinds.Unverified{}, false
}

// addCaveats notes, on each incident whose evidence includes such records,
// how many of its supporting records they are and where they come from:
// "1 of 54 supporting records comes from a chunk whose checksum failed
// (chunk 0)". What those records say may have been altered.
func addCaveats(incs []patterns.Incident, u unverifiedRuns) {
	if len(u) == 0 {
		return
	}
	for i := range incs {
		if c := caveat(&incs[i], u); c != "" {
			if incs[i].Fields == nil {
				incs[i].Fields = map[string]any{}
			}
			incs[i].Fields[CaveatField] = c
		}
	}
}

func caveat(inc *patterns.Incident, u unverifiedRuns) string {
	type where struct {
		file  string
		chunk int
	}
	byWhy := map[string][]where{}
	counts := map[string]int{}
	files := map[string]bool{}
	for _, e := range inc.Evidence {
		files[e.File] = true
		if r, ok := u.find(e.File, e.Record); ok {
			counts[r.Why]++
			if w := (where{e.File, r.Chunk}); !slices.Contains(byWhy[r.Why], w) {
				byWhy[r.Why] = append(byWhy[r.Why], w)
			}
		}
	}
	var parts []string
	for _, why := range slices.Sorted(maps.Keys(counts)) {
		ws := byWhy[why]
		sort.Slice(ws, func(i, j int) bool {
			return ws[i].file < ws[j].file || ws[i].file == ws[j].file && ws[i].chunk < ws[j].chunk
		})
		var at []string
		for _, w := range ws {
			s := fmt.Sprint(w.chunk)
			if len(files) > 1 {
				s += " of " + filepath.Base(w.file)
			}
			at = append(at, s)
		}
		chunks := "chunk " + strings.Join(at, ", ")
		if len(at) > 1 {
			chunks = "chunks " + strings.Join(at, ", ")
		}
		parts = append(parts, fmt.Sprintf("%d of %d supporting records %s (%s)", counts[why], len(inc.Evidence), whyText(why, counts[why]), chunks))
	}
	return strings.Join(parts, "; ")
}

// whyText says why records are not vouched for, agreeing with n.
func whyText(why string, n int) string {
	one := n == 1
	pick := func(a, b string) string {
		if one {
			return a
		}
		return b
	}
	switch why {
	case evtx.UnverifiedChunk:
		return pick("comes", "come") + " from a chunk whose checksum failed"
	case evtx.UnverifiedRecovered:
		return pick("was", "were") + " recovered from a chunk whose header is lost"
	case evtx.UnverifiedSignature:
		return pick("has", "have") + " a damaged record signature"
	}
	return pick("is", "are") + " not vouched for by a checksum: " + why
}
