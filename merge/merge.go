// Package merge combines the reports of separate scans (the nightly JSON
// reports of many servers, or of many nights) into one report: the
// incidents of one problem seen from several servers become one (see
// patterns.Matcher.Combine), the summaries add up, and each incident says
// which report saw how much of it, for the server × incident matrix.
package merge

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
)

// Report is one report to merge and the file it was read from.
type Report struct {
	Path   string
	Result *report.Result
}

// Source names a report in the matrix: its server when it covers one,
// else its file name without the extension.
func (r Report) Source() string {
	if s := r.Result.Summary.Servers; len(s) == 1 && s[0].Name != "" {
		return s[0].Name
	}
	return strings.TrimSuffix(filepath.Base(r.Path), filepath.Ext(r.Path))
}

// Merge combines reports with the catalog compiled in m, of the version
// given, which must hold the patterns the reports were made with (the
// built-in catalog and the same --patterns) for their incidents to be
// combined and their text rendered again; a report that states another
// catalog gets a warning. A problem is known when any report marked it known.
func Merge(m *patterns.Matcher, catalog patterns.Version, reports []Report) *report.Result {
	var all []patterns.Incident
	known := map[string]bool{}
	type part struct {
		source string
		inc    patterns.Incident
	}
	parts := map[string][]part{} // by problem
	for _, r := range reports {
		src := r.Source()
		for _, inc := range r.Result.Incidents {
			all = append(all, inc.Incident)
			problem := problemOf(&inc.Incident)
			parts[problem] = append(parts[problem], part{src, inc.Incident})
			if inc.Known {
				known[problem] = true
			}
		}
	}
	merged := report.Wrap(m.Combine(all), known)
	for i := range merged {
		inc := &merged[i]
		for _, p := range parts[problemOf(&inc.Incident)] {
			if !p.inc.FirstSeen.Before(inc.FirstSeen) && !p.inc.LastSeen.After(inc.LastSeen) {
				inc.SeenIn = addSighting(inc.SeenIn, p.source, p.inc.Count)
			}
		}
	}
	sum := sumUp(reports)
	for _, r := range reports {
		sc := r.Result.Summary.Scope
		sum.Scope.MergedFrom = append(sum.Scope.MergedFrom, report.MergedReport{File: r.Path, Tool: sc.Tool,
			Catalog: sc.Catalog, CommandLine: sc.CommandLine})
		if sc.Catalog.Hash != "" && sc.Catalog.Hash != catalog.Hash {
			sum.Warnings = append(sum.Warnings, report.Error{File: r.Path, Message: fmt.Sprintf(
				"written with the catalog %s, merged with %s: its incidents are combined and explained with the merge's; pass the --patterns its scan used",
				sc.Catalog, catalog)})
		}
	}
	return &report.Result{Summary: sum, Incidents: merged}
}

// problemOf is the incident's problem_id; reports written before it had
// the same value as their id.
func problemOf(inc *patterns.Incident) string {
	return cmp.Or(inc.ProblemID, inc.ID)
}

func addSighting(seen []report.Sighting, source string, n int) []report.Sighting {
	i, found := slices.BinarySearchFunc(seen, source, func(s report.Sighting, t string) int { return cmp.Compare(s.Source, t) })
	if found {
		seen[i].Count += n
		return seen
	}
	return slices.Insert(seen, i, report.Sighting{Source: source, Count: n})
}

// sumUp adds the summaries: counts add, lists are joined in report order,
// each server's span is the union of its spans, and the merged scan is
// partial when any was.
func sumUp(reports []Report) report.Summary {
	var sum report.Summary
	servers := map[string]*report.Server{}
	for i, r := range reports {
		s := r.Result.Summary
		sum.Inputs += s.Inputs
		sum.Records += s.Records
		sum.Lost += s.Lost
		sum.Bytes += s.Bytes
		sum.Duration += s.Duration
		sum.Partial = sum.Partial || s.Partial
		sum.Skipped = append(sum.Skipped, s.Skipped...)
		sum.Errors = append(sum.Errors, s.Errors...)
		sum.Warnings = append(sum.Warnings, s.Warnings...)
		sum.Files = append(sum.Files, s.Files...)
		if i == 0 || s.Started.Before(sum.Started) {
			sum.Started = s.Started
		}
		for _, sv := range s.Servers {
			addServer(servers, sv)
		}
	}
	for _, sv := range servers {
		sum.Servers = append(sum.Servers, *sv)
	}
	slices.SortFunc(sum.Servers, func(a, b report.Server) int { return cmp.Compare(a.Name, b.Name) })
	return sum
}

func addServer(servers map[string]*report.Server, sv report.Server) {
	have := servers[sv.Name]
	if have == nil {
		servers[sv.Name] = &sv
		return
	}
	have.Records += sv.Records
	if !sv.First.IsZero() && (have.First.IsZero() || sv.First.Before(have.First)) {
		have.First = sv.First
	}
	if sv.Last.After(have.Last) {
		have.Last = sv.Last
	}
}
