package patterns

import (
	"cmp"
	"slices"
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

func compareScalar(a, b any) int {
	ai, aok := a.(int)
	bi, bok := b.(int)
	if aok && bok {
		return cmp.Compare(ai, bi)
	}
	return cmp.Compare(text(a), text(b))
}
