package scan

import (
	"strings"

	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/report"
)

// servers lists the time span of each server's records for the summary.
func servers(all kinds.Spans) []report.Server {
	list := all.List()
	out := make([]report.Server, 0, len(list))
	for _, sp := range list {
		out = append(out, report.Server{Name: sp.Name, Records: sp.Records, First: sp.First, Last: sp.Last})
	}
	return out
}

// errText is an error as the summary shows it, beside its file: without the
// file name the error repeats.
func errText(name string, err error) string {
	if err == nil {
		return "nothing could be read"
	}
	// Wrapped errors may name the file again further in.
	return strings.ReplaceAll(err.Error(), name+": ", "")
}
