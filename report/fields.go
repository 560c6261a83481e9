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

// commandBlock is a step's command as every format prints it: a first line
// naming the shell it runs in, as a PowerShell comment (the catalog's own
// text, never a log's, so it stays inert when pasted with the command).
func commandBlock(st patterns.Step) string {
	if name := patterns.ShellName(st.Shell); name != "" {
		return "# " + name + "\n" + st.Command
	}
	return st.Command
}

// zoneText is what an incident's times are: UTC, or local times of an
// unknown zone read as if UTC (R30).
func zoneText(inc *Incident) string {
	if inc.ZoneUnknown {
		return "local, zone unknown"
	}
	return "UTC"
}

// zoneWarning is said before the incidents when any has local times of an
// unknown zone, so nobody reads them as UTC.
func zoneWarning(incs []Incident) string {
	n := 0
	for i := range incs {
		if incs[i].ZoneUnknown {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s times local to the exporting machine in an unknown zone, shown as if UTC and labelled "+
		"\"local, zone unknown\": scan again with --timezone to place them.", n, map[bool]string{true: "incident has", false: "incidents have"}[n == 1])
}

// sideEffectsText is what a step says its change also does, or "".
func sideEffectsText(st patterns.Step) string {
	if st.SideEffects == "" {
		return ""
	}
	return "Side effects: " + st.SideEffects
}
