package report

import (
	"fmt"
	"strings"
)

// Coverage is how much of what a scan read comes from sources the catalog
// has patterns for, so that "no incident" is never falsely reassuring: a
// folder of Security logs holds nothing the catalog reads.
type Coverage struct {
	// Records is the number of records read from a channel and provider
	// some signature reads (every trace row, when some signature reads
	// traces), whatever their event id.
	Records int `json:"records"`
	// Sources names what the catalog reads.
	Sources []string `json:"sources"`
}

// coverageText says how many records came from sources the catalog reads;
// empty when nothing was read.
func (s *Summary) coverageText() string {
	if s.Records == 0 || s.Coverage == nil {
		return ""
	}
	return fmt.Sprintf("%d of the %d records read %s from a source the catalog reads.", s.Coverage.Records, s.Records,
		plural(s.Coverage.Records, "comes", "come"))
}

// coverageWarning is the plain line a report prints when records were read
// but none from a source the catalog reads; empty otherwise.
func (s *Summary) coverageWarning() string {
	if s.Records == 0 || s.Coverage == nil || s.Coverage.Records > 0 {
		return ""
	}
	what := "nothing"
	if len(s.Coverage.Sources) > 0 {
		what = strings.Join(s.Coverage.Sources, ", ")
	}
	lead := fmt.Sprintf("None of the %d inputs read holds a record", s.Inputs)
	if s.Inputs == 1 {
		lead = "The one input read holds no record"
	}
	return Clean(fmt.Sprintf("%s the catalog could match: it reads %s. "+
		"Finding no incident here proves nothing about the problems extriage knows.", lead, what), false)
}
