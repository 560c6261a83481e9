package report

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/patterns"
)

// mainFields say where an incident happened: the server, database and
// mailbox an admin sorts and filters by. The table names them; CSV gives
// each a column.
var mainFields = []string{"server", "database", "sender", "recipient"}

// fieldString shows a field value (string, int, []string or []int) as
// text; lists are joined with ", ". The result is still log text: the
// caller escapes it for its format.
func fieldString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []string:
		return strings.Join(v, ", ")
	case []int:
		s := make([]string, len(v))
		for i, n := range v {
			s[i] = fmt.Sprint(n)
		}
		return strings.Join(s, ", ")
	case []any: // a field map read back from JSON
		s := make([]string, len(v))
		for i, e := range v {
			s[i] = fmt.Sprint(e)
		}
		return strings.Join(s, ", ")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// countText names what an incident's count counts: "records" (the default,
// and for incidents read from reports older than count_unit), "message".
func countText(n int, unit string) string {
	if unit == "" {
		unit = "record"
	}
	return plural(n, unit, unit+"s")
}

// moreEvidence says how many evidence records of inc a format for people
// did not list, having listed shown, and where to find them; "" when it
// listed all. A truncated incident's report holds only the first and the
// last patterns.EvidenceKept, and says so.
func moreEvidence(inc *Incident, shown int) string {
	more := max(inc.EvidenceTotal, len(inc.Evidence)) - shown
	switch {
	case more <= 0:
		return ""
	case inc.EvidenceTruncated:
		return fmt.Sprintf("... and %d more: the report keeps the first and the last %d (--evidence or --format json lists those); all are counted", more, patterns.EvidenceKept)
	}
	return fmt.Sprintf("... and %d more (--evidence or --format json lists all)", more)
}
