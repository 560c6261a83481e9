package report

import (
	"fmt"
	"strings"
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
