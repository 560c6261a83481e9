package patterns

import "testing"

// TestFieldKindsAgree: a field name has one type across the whole
// catalog. Reports sent to Elasticsearch (--format ecs) put every
// incident's fields under extriage.fields, and a field indexed as a number
// for one pattern rejects the documents where another pattern makes it
// text.
func TestFieldKindsAgree(t *testing.T) {
	m := mustBuiltin(t)
	seen := map[string]kind{}
	where := map[string]string{}
	for _, r := range m.rules {
		for _, f := range r.fields {
			k := f.kind
			if k == kindList {
				k = kindString // a list of strings indexes as text, like one string
			}
			if old, ok := seen[f.name]; ok && old != k && !(isIntKind(old) && isIntKind(k)) {
				t.Errorf("field %s is a %s in %s and a %s in %s", f.name, old, where[f.name], f.kind, r.id)
			}
			seen[f.name], where[f.name] = k, r.id
		}
	}
}

func isIntKind(k kind) bool { return k == kindInt || k == kindInts }
