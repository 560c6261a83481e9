package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/report"
	"github.com/extriage/extriage/scan"
	"go.yaml.in/yaml/v3"
)

// patternsCmd groups the commands that show and check the catalog.
type patternsCmd struct {
	List patternsListCmd `cmd:"" help:"List the catalog's signatures and incidents: kind, severity, source, status and what each reads."`
	Show patternsShowCmd `cmd:"" help:"Show one entry: its YAML, its message or texts rendered from its first positive test, its references and its tests."`
	Test patternsTestCmd `cmd:"" help:"Run the catalog's tests (built-in, and those of each DIR). Exit 0 when all pass, 1 when one fails, 2 when the catalog does not load."`
	Lint patternsLintCmd `cmd:"" help:"Check pattern folders (or the built-in catalog): load errors with file:line, then warnings. Exit 1 on an error, or on a warning with --strict."`
}

type patternsListCmd struct {
	Patterns []string `placeholder:"DIR" help:"Folder of extra pattern YAML files, read after the built-in catalog, as scan reads them. Repeatable."`
	Format   string   `short:"f" enum:"table,json,markdown" default:"table" help:"table, json, or markdown (the table README.md shows)."`
}

func (c *patternsListCmd) Run(e *env) error {
	cat, err := patterns.Load(c.Patterns...)
	if err != nil {
		return err
	}
	entries := patterns.Entries(cat)
	switch c.Format {
	case "json":
		return writeJSONDoc(e.stdout, entries)
	case "markdown":
		_, err := io.WriteString(e.stdout, markdownEntries(entries))
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSEVERITY\tSOURCE\tSTATUS\tREFS\tREADS")
	for _, en := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", clean(en.ID), en.Kind, dash(en.Severity), dash(en.Source),
			dash(clean(en.Status)), len(en.References), clean(en.Reads.String()))
	}
	return tw.Flush()
}

type patternsShowCmd struct {
	ID       string   `arg:"" help:"The id of a signature or incident."`
	Patterns []string `placeholder:"DIR" help:"Folder of extra pattern YAML files, as for scan. Repeatable."`
}

func (c *patternsShowCmd) Run(e *env) error {
	cat, err := patterns.Load(c.Patterns...)
	if err != nil {
		return err
	}
	sig, rule := cat.Find(c.ID)
	if sig == nil && rule == nil {
		return fmt.Errorf("the catalog has no signature or incident %q; extriage patterns list shows the ids", c.ID)
	}
	results, err := patterns.RunTests(cat, patterns.TestOptions{Read: readRecords})
	if err != nil {
		return err
	}
	var where patterns.Where
	var prov patterns.Provenance
	kind := "signature"
	if sig != nil {
		where, prov = sig.Where, sig.Provenance
	} else {
		where, prov, kind = rule.Where, rule.Provenance, "incident"
	}
	w := &lineWriter{w: e.stdout}
	w.printf("# %s %s (%s)\n", kind, clean(c.ID), clean(where.Pos()))
	w.printf("%s\n", clean(nodeYAML(where.Node)))
	w.printf("Status: %s\n", dash(clean(prov.Status)))
	w.printf("References:%s\n", bulletList(prov.References))
	showRendered(w, c.ID, sig != nil, results)
	w.printf("Tests:\n")
	n := 0
	for _, r := range results {
		if r.Case.Pattern != c.ID {
			continue
		}
		n++
		sense := "positive"
		if !r.Case.Positive() {
			sense = "negative"
		}
		state := "passes"
		switch {
		case r.Skip != "":
			state = "skipped: " + r.Skip
		case r.Failed():
			state = "FAILS (extriage patterns test shows why)"
		}
		w.printf("  %s  %s  %s: %s\n", clean(r.Case.Pos()), sense, clean(r.Case.Name), clean(state))
	}
	if n == 0 {
		w.printf("  none: add a positive and a negative case (patterns/README.md)\n")
	}
	return w.err
}

// showRendered prints what the entry renders on its first positive case
// that passed: the evidence message of a signature's hit, or an
// incident's title and explanation.
func showRendered(w *lineWriter, id string, isSig bool, results []patterns.CaseResult) {
	for _, r := range results {
		if r.Case.Pattern != id || !r.Case.Positive() || r.Skip != "" || r.Failed() {
			continue
		}
		from := fmt.Sprintf(" (from the test %q)", clean(r.Case.Name))
		if isSig {
			for _, h := range r.Hits {
				if h.Signature == id {
					w.printf("Message%s:\n  %s\n", from, clean(h.Message))
					return
				}
			}
		}
		for _, inc := range r.Incidents {
			if inc.Pattern == id {
				w.printf("Title%s:\n  %s\nExplanation:\n  %s\n", from, clean(inc.Title), clean(inc.Explanation))
				return
			}
		}
	}
	w.printf("Rendered: no passing positive test to render from\n")
}

type patternsTestCmd struct {
	Dirs      []string `arg:"" optional:"" name:"dir" help:"Pattern folders whose entries and tests are read after the built-in catalog."`
	NoBuiltin bool     `name:"no-builtin" help:"Run only the tests of the folders given, not those of the built-in catalog."`
	Verbose   bool     `short:"v" help:"List the cases that pass too."`
}

func (c *patternsTestCmd) Run(e *env) error {
	cat, err := patterns.Load(c.Dirs...)
	if err != nil {
		return err
	}
	results, err := patterns.RunTests(cat, patterns.TestOptions{Read: readRecords})
	if err != nil {
		return err
	}
	var run, failed, skipped int
	w := &lineWriter{w: e.stdout}
	for _, r := range results {
		if c.NoBuiltin && r.Case.Builtin() {
			continue
		}
		run++
		switch {
		case r.Skip != "":
			skipped++
		case r.Failed():
			failed++
		case !c.Verbose:
			continue
		}
		w.printf("%s\n", clean(r.String()))
	}
	// Untested entries do not fail the run (lint warns of them), but a
	// user should not take "all passed" for "all tested".
	for _, g := range patterns.Coverage(cat) {
		w.printf("note: %s\n", clean(g.String()))
	}
	w.printf("%d %s: %d passed, %d failed, %d skipped\n", run, plural(run, "case", "cases"), run-failed-skipped, failed, skipped)
	if w.err != nil {
		return w.err
	}
	if failed > 0 {
		return exitStatus(1)
	}
	return nil
}

type patternsLintCmd struct {
	Dirs   []string `arg:"" optional:"" name:"dir" help:"Pattern folders to check; without one, the built-in catalog is checked."`
	Strict bool     `help:"Exit 1 on warnings too."`
}

func (c *patternsLintCmd) Run(e *env) error {
	cat, err := patterns.Load(c.Dirs...)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(e.stdout, "%s\n", clean(strings.TrimPrefix(line, "patterns: ")))
		}
		return exitStatus(1)
	}
	results, err := patterns.RunTests(cat, patterns.TestOptions{Read: readRecords})
	if err != nil {
		return err
	}
	// With folders, their entries only: the built-in catalog's warnings are
	// the project's to fix, not the user's.
	mine := func(w patterns.Where) bool { return strings.HasPrefix(w.Origin, "catalog/") }
	if len(c.Dirs) > 0 {
		mine = func(w patterns.Where) bool { return !strings.HasPrefix(w.Origin, "catalog/") }
	}
	warnings, err := patterns.Lint(cat, results, mine)
	if err != nil {
		return err
	}
	w := &lineWriter{w: e.stdout}
	for _, r := range results {
		if r.Failed() && mine(r.Case.Where) {
			w.printf("%s: warning: the test case %q fails (extriage patterns test shows why)\n", clean(r.Case.Pos()), clean(r.Case.Name))
		}
	}
	for _, wn := range warnings {
		w.printf("%s\n", clean(wn.String()))
	}
	w.printf("%d %s\n", len(warnings), plural(len(warnings), "warning", "warnings"))
	if w.err != nil {
		return w.err
	}
	if c.Strict && len(warnings) > 0 {
		return exitStatus(1)
	}
	return nil
}

// readRecords reads a test's fixture file through the scan pipeline, so a
// case sees exactly the records a scan would.
func readRecords(path string, visit func(*patterns.Record)) error {
	res := scan.Run(scan.Config{Paths: []string{path}, Visit: visit})
	var errs []string
	for _, er := range res.Summary.Errors {
		errs = append(errs, er.File+": "+er.Message)
	}
	switch {
	case res.Summary.Inputs == 0 && len(errs) == 0:
		return fmt.Errorf("no .evtx file or message-trace export found there")
	case len(errs) > 0:
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// nodeYAML writes an entry as its file has it, comments included.
func nodeYAML(n *yaml.Node) string {
	if n == nil {
		return "(not read from a YAML file)"
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "(cannot print: " + err.Error() + ")"
	}
	return strings.TrimRight(b.String(), "\n")
}

func bulletList(items []string) string {
	if len(items) == 0 {
		return " none given"
	}
	var b strings.Builder
	for _, it := range items {
		b.WriteString("\n  - " + clean(it))
	}
	return b.String()
}

// clean keeps a catalog's text (a user's file) from driving the terminal.
func clean(s string) string { return report.Clean(s, true) }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// lineWriter writes formatted lines, keeping the first error.
type lineWriter struct {
	w   io.Writer
	err error
}

func (l *lineWriter) printf(format string, args ...any) {
	if l.err == nil {
		_, l.err = fmt.Fprintf(l.w, format, args...)
	}
}

// writeJSONDoc writes v as indented JSON, escaped as reports are.
func writeJSONDoc(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(report.EscapeJSON(b), '\n'))
	return err
}

// markdownEntries is the catalog as a Markdown table: README.md holds this
// table, and a test fails when it differs from the catalog.
func markdownEntries(entries []patterns.Entry) string {
	var b strings.Builder
	b.WriteString("| id | kind | severity | source | status | reads |\n|---|---|---|---|---|---|\n")
	for _, en := range entries {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", mdCell(en.ID), en.Kind, dash(en.Severity), dash(en.Source),
			dash(mdCell(en.Status)), mdCell(en.Reads.String()))
	}
	return b.String()
}

// mdCell keeps a value inside its table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ").Replace(clean(s))
}
