package patterns

import (
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	const base = `signatures:
  - id: u.sig
    status: confirmed
    references: [r]
    channel: C
    provider: P
    event_id: 1
    fields: [a, b]
incidents:
  - id: u.rule
    status: confirmed
    references: [r]
    title: 'T {{.a}}'
    severity: low
    require: [u.sig]
    key: [a]
    fields: [b]
    explain: '{{if .b}}b is {{.b}}{{end}}'
`
	const tests = `tests:
  - {name: p, pattern: u.rule, records: [{channel: C, provider: P, event_id: 1, values: [x, y]}], expect: [{key: x}]}
  - {name: n, pattern: u.rule, records: [{channel: C, provider: P, event_id: 2, values: [x, y]}], expect: none}
  - {name: sp, pattern: u.sig, records: [{channel: C, provider: P, event_id: 1, values: [x, y]}], expect: [{fields: {a: x}}]}
  - {name: sn, pattern: u.sig, records: [{channel: C, provider: P, event_id: 2, values: [x]}], expect: none}
`
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  []string // one warning each, in this order
	}{
		{"clean", map[string]string{"u.yaml": base + tests}, nil},
		{"unused signature, no provenance", map[string]string{"u.yaml": strings.Replace(base, "incidents:", `  - id: u.other
    channel: C
    provider: P
    event_id: 9
incidents:`, 1) + tests}, []string{"u.yaml:9: warning: signature u.other: no incident uses it",
			"u.yaml:9: warning: signature u.other: no status", "u.yaml:9: warning: signature u.other: no references",
			"u.yaml:9: warning: signature u.other has no test case"}},
		{"no negative", map[string]string{"u.yaml": base + strings.Replace(tests, "  - {name: n,", "  - {name: n2, pattern: u.sig, records: [{channel: X, provider: P, event_id: 1}], expect: none}\n  #", 1)},
			[]string{"u.yaml:10: warning: incident u.rule has no negative test case"}},
		{"template field never set", map[string]string{"u.yaml": base + strings.ReplaceAll(tests, "values: [x, y]", "values: [x, '']")},
			[]string{"u.yaml:10: warning: incident u.rule: its templates use the field b, which no test case sets"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cat, err := Load(writeDir(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			results, err := RunTests(cat, TestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ws, err := Lint(cat, results, func(w Where) bool { return !strings.HasPrefix(w.Origin, "catalog/") })
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) != len(tt.want) {
				t.Fatalf("%d warnings, want %d: %v", len(ws), len(tt.want), ws)
			}
			for i, w := range ws {
				if !strings.Contains(w.String(), tt.want[i]) {
					t.Errorf("warning %d: %s\nwant it to contain %q", i, w, tt.want[i])
				}
			}
		})
	}
}
