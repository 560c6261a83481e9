package merge

import (
	"testing"
	"time"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
)

func day(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }

// Summaries add up: counts sum, each server's span is the union of its
// spans, the earliest start is kept, and one partial report makes the
// merge partial. A report of one server is named by it in the matrix.
func TestMergeSummaries(t *testing.T) {
	cat, err := patterns.Load()
	if err != nil {
		t.Fatal(err)
	}
	m, err := patterns.Compile(cat)
	if err != nil {
		t.Fatal(err)
	}
	a := report.Summary{Inputs: 2, Records: 10, Bytes: 100, Started: day(5), Files: []report.File{{Path: "a.evtx"}},
		Servers: []report.Server{{Name: "EX01", Records: 10, First: day(1), Last: day(3)}}}
	b := report.Summary{Inputs: 1, Records: 5, Lost: 2, Bytes: 50, Started: day(4), Partial: true, Files: []report.File{{Path: "b.evtx"}},
		Servers: []report.Server{{Name: "EX01", Records: 3, First: day(2), Last: day(4)}, {Name: "EX02", Records: 2, First: day(2), Last: day(2)}}}
	reports := []Report{{Path: "/r/ex01.json", Result: &report.Result{Summary: a}}, {Path: "/r/night-2.ndjson", Result: &report.Result{Summary: b}}}
	got := Merge(m, cat.Version, reports).Summary
	if got.Inputs != 3 || got.Records != 15 || got.Lost != 2 || got.Bytes != 150 || !got.Partial || !got.Started.Equal(day(4)) || len(got.Files) != 2 {
		t.Errorf("summary %+v", got)
	}
	if len(got.Servers) != 2 || got.Servers[0] != (report.Server{Name: "EX01", Records: 13, First: day(1), Last: day(4)}) {
		t.Errorf("servers %+v", got.Servers)
	}
	if s0, s1 := reports[0].Source(), reports[1].Source(); s0 != "EX01" || s1 != "night-2" {
		t.Errorf("sources %q, %q; want EX01 (its one server), night-2 (its file)", s0, s1)
	}
}

// Each merged report's scope is kept, and one made with another catalog
// is named in a warning.
func TestMergeScopes(t *testing.T) {
	cat, _ := patterns.Load()
	m, _ := patterns.Compile(cat)
	other := patterns.Version{Hash: "0123456789abcdef", Files: 3}
	reports := []Report{
		{Path: "same.json", Result: &report.Result{Summary: report.Summary{Scope: report.Scope{Catalog: cat.Version, CommandLine: []string{"extriage", "scan", "a"}}}}},
		{Path: "other.json", Result: &report.Result{Summary: report.Summary{Scope: report.Scope{Catalog: other}}}},
	}
	got := Merge(m, cat.Version, reports).Summary
	if len(got.Scope.MergedFrom) != 2 || got.Scope.MergedFrom[0].CommandLine[2] != "a" || got.Scope.MergedFrom[1].Catalog != other {
		t.Errorf("merged from %+v", got.Scope.MergedFrom)
	}
	if len(got.Warnings) != 1 || got.Warnings[0].File != "other.json" {
		t.Errorf("warnings %+v, want one for other.json", got.Warnings)
	}
}
