package report

import (
	"strings"
	"testing"

	"github.com/extriage/extriage/patterns"
)

// TestJSONEscapesC1: a C1 control from a log (U+009B is a terminal's CSI,
// U+0085 a line break) is written as a \u escape in JSON and NDJSON, as
// the bidi controls are, and read back unchanged.
func TestJSONEscapesC1(t *testing.T) {
	hostile := "DB1\u009b31m\u0085next"
	r := &Result{Incidents: []Incident{{Incident: patterns.Incident{ID: "1", Pattern: "p", Title: hostile, Key: hostile,
		Fields: map[string]any{"database": hostile}}}}}
	for _, format := range []string{"json", "ndjson"} {
		var b strings.Builder
		if err := Write(&b, format, r, Options{}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.ContainsAny(out, "\u009b\u0085") || !strings.Contains(out, `DB1\u009b31m\u0085next`) {
			t.Errorf("%s: C1 controls not escaped: %q", format, out)
		}
	}
}
