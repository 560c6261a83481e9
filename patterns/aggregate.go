package patterns

import (
	"cmp"
	"slices"
	"strings"
)

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

// clone copies strings and lists, so an Incident never shares memory with
// a Hit: a hit's strings are often cut from the record's text, and an
// incident that kept one would keep the whole record alive.
func clone(v any) any {
	switch v := v.(type) {
	case string:
		return strings.Clone(v)
	case []string:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = strings.Clone(s)
		}
		return out
	case []int:
		return slices.Clone(v)
	}
	return v
}

func compareScalar(a, b any) int {
	ai, aok := a.(int)
	bi, bok := b.(int)
	if aok && bok {
		return cmp.Compare(ai, bi)
	}
	return cmp.Compare(text(a), text(b))
}
