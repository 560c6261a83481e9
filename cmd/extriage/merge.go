package main

import (
	"context"
	"fmt"

	"github.com/extriage/extriage/merge"
	"github.com/extriage/extriage/report"
)

// mergeCmd combines JSON reports of many servers or nights into one.
type mergeCmd struct {
	Reports     []string `arg:"" name:"report" help:"JSON or NDJSON reports written by extriage scan."`
	Format      string   `short:"f" enum:"table,json,ndjson,markdown,html,csv," default:"" help:"Output format, as for scan. Default: from the extension of --output, else table."`
	Output      string   `short:"o" placeholder:"FILE" help:"Write the merged report to FILE, replaced only when the report is complete."`
	Patterns    []string `placeholder:"DIR" help:"The extra pattern folders the reports were scanned with, so their incidents can be combined and explained again."`
	AllEvidence bool     `name:"evidence" help:"List every evidence record of an incident, as for scan."`
	FailOn      string   `name:"fail-on" default:"info" placeholder:"LEVEL" help:"Exit 1 when a merged incident of this severity or higher is not known (info, low, medium, high, critical), or never (none)."`
	Quiet       bool     `short:"q" help:"Print no report on standard output and no notes on standard error, only errors."`
}

func (c *mergeCmd) Run(e *env) error {
	out := &scanCmd{Format: c.Format, Output: c.Output, AllEvidence: c.AllEvidence, Quiet: c.Quiet}
	format, err := out.format()
	if err != nil {
		return err
	}
	failOn, err := parseSeverity("--fail-on", c.FailOn, true)
	if err != nil {
		return err
	}
	cat, m, err := loadCatalog(c.Patterns...)
	if err != nil {
		return err
	}
	var reports []merge.Report
	for _, path := range c.Reports {
		res, err := report.ReadReport(path)
		if err != nil {
			return err
		}
		reports = append(reports, merge.Report{Path: path, Result: res})
	}
	catalog := e.catalogVersion(cat.Version)
	res := merge.Merge(m, catalog, reports)
	sc := &res.Summary.Scope
	sc.Tool, sc.Catalog, sc.CommandLine = e.build.tool(), catalog, e.args
	sc.Filters = report.Filters{FailOn: string(failOn), IncidentsBelowFailOn: belowFailOn(res.Incidents, failOn)}
	dest, err := out.openOutput(e.stdout)
	if err != nil {
		return err
	}
	defer dest.abort()
	if err := dest.deliver(context.Background(), e, format, res, c.Quiet, fmt.Sprintf(", from %d reports", len(reports))); err != nil {
		return err
	}
	return exitStatus(exitCode(res, failOn))
}
