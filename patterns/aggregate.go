package patterns

import (
	"cmp"
	"slices"
	"strings"
)

// aggregate combines the values of one field over the hits of an incident,
// which arrive in time order. Hits that lack the field are skipped.
func (f fieldRule) aggregate(hits []*Hit) (any, bool) {
	var vals []any
	for _, h := range hits {
		if len(f.sigs) > 0 && !slices.Contains(f.sigs, h.Signature) {
			continue
		}
		if v, ok := h.Fields[f.from]; ok && !isEmpty(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return nil, false
	}
	switch f.take {
	case "first":
		return clone(vals[0]), true
	case "min", "max":
		return extreme(vals, f.take == "max"), true
	case "union":
		return union(vals, f.kind), true
	}
	return clone(vals[len(vals)-1]), true
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []string:
		return len(v) == 0
	case []int:
		return len(v) == 0
	}
	return false
}

// clone copies lists so an Incident never shares memory with a Hit.
func clone(v any) any {
	switch v := v.(type) {
	case []string:
		return slices.Clone(v)
	case []int:
		return slices.Clone(v)
	}
	return v
}

func extreme(vals []any, max bool) any {
	best := vals[0]
	for _, v := range vals[1:] {
		c := compareScalar(v, best)
		if max && c > 0 || !max && c < 0 {
			best = v
		}
	}
	return best
}

func compareScalar(a, b any) int {
	ai, aok := a.(int)
	bi, bok := b.(int)
	if aok && bok {
		return cmp.Compare(ai, bi)
	}
	return cmp.Compare(text(a), text(b))
}

// union flattens lists and scalars into a sorted list without duplicates.
// Strings compare case-insensitively (server names do) and keep the
// spelling seen first.
func union(vals []any, k kind) any {
	if k == kindInts {
		var out []int
		for _, v := range vals {
			switch v := v.(type) {
			case int:
				out = append(out, v)
			case []int:
				out = append(out, v...)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range vals {
		for _, s := range strs(v) {
			if l := strings.ToLower(s); !seen[l] {
				seen[l] = true
				out = append(out, s)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	})
	return out
}
