package patterns

import (
	"fmt"
	"slices"
	"text/template"
	"text/template/parse"
)

// Warning is something lint finds worth fixing that does not stop the
// catalog from loading.
type Warning struct {
	Where   Where
	Message string
}

func (w Warning) String() string { return fmt.Sprintf("%s: warning: %s", w.Where.Pos(), w.Message) }

// Lint finds what loads but is likely wrong or unfinished in the entries
// mine selects (all when nil): a signature no incident uses, an entry
// without a positive or a negative case, a field an incident's templates
// use that no case's incident carries, missing status or references.
// results are the catalog's test results (RunTests).
func Lint(cat *Catalog, results []CaseResult, mine func(Where) bool) ([]Warning, error) {
	m, err := Compile(cat)
	if err != nil {
		return nil, err
	}
	if mine == nil {
		mine = func(Where) bool { return true }
	}
	var out []Warning
	add := func(w Where, format string, args ...any) {
		if mine(w) {
			out = append(out, Warning{Where: w, Message: fmt.Sprintf(format, args...)})
		}
	}
	used := map[string]bool{}
	for _, r := range cat.Incidents {
		for _, sel := range slices.Concat(r.Require, r.Signatures, r.RequireAny, r.UnlessSeen, r.Rejoin) {
			used[sel.Signature] = true
		}
		for _, j := range r.Join {
			used[j.Signature] = true
		}
	}
	for _, s := range cat.Signatures {
		if !used[s.ID] {
			add(s.Where, "signature %s: no incident uses it, so its hits are never reported", s.ID)
		}
		provenance(add, s.Where, "signature "+s.ID, s.Provenance)
	}
	for _, g := range Coverage(cat) {
		add(g.Where, "%s %s has no %s", g.Kind, g.ID, missing(g))
	}
	set := fieldsSet(results)
	for i, r := range cat.Incidents {
		for _, f := range m.rules[i].templateFields() {
			if !set[r.ID][f] && hasPositive(results, r.ID) {
				add(r.Where, "incident %s: its templates use the field %s, which no test case sets; the text that shows it is never tested", r.ID, f)
			}
		}
		provenance(add, r.Where, "incident "+r.ID, r.Provenance)
	}
	return out, nil
}

func missing(g Gap) string {
	switch {
	case !g.Positive && !g.Negative:
		return "test case: add a positive one and a negative one (expect: none)"
	case !g.Positive:
		return "positive test case"
	}
	return "negative test case (expect: none): nothing shows it stays quiet on look-alikes"
}

func provenance(add func(Where, string, ...any), w Where, what string, p Provenance) {
	if p.Status == "" {
		add(w, "%s: no status (confirmed or unconfirmed)", what)
	}
	if len(p.References) == 0 {
		add(w, "%s: no references (URLs or document titles)", what)
	}
}

func hasPositive(results []CaseResult, id string) bool {
	return slices.ContainsFunc(results, func(r CaseResult) bool {
		return r.Case.Pattern == id && r.Case.Positive() && r.Skip == ""
	})
}

// fieldsSet merges what every case's results carried, by pattern.
func fieldsSet(results []CaseResult) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, r := range results {
		for p, fields := range r.Set {
			if out[p] == nil {
				out[p] = map[string]bool{}
			}
			for f := range fields {
				out[p][f] = true
			}
		}
	}
	return out
}

// templateFields lists the incident fields the rule's templates name
// (.field), without the ones the correlator always sets.
func (r *compiledRule) templateFields() []string {
	var names []string
	ts := []*template.Template{r.title, r.explain}
	for _, s := range r.remedy {
		ts = append(ts, s.text, s.command)
	}
	for _, t := range ts {
		if t != nil && t.Tree != nil {
			walkFields(t.Tree.Root, &names)
		}
	}
	for _, s := range r.remedy {
		names = append(names, slices.Concat(s.when, s.unless)...)
	}
	var out []string
	for _, n := range names {
		if n != "" && !slices.Contains(reserved, n) && !slices.Contains(out, n) &&
			slices.ContainsFunc(r.fields, func(f fieldRule) bool { return f.name == n }) && !slices.Contains(r.key, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func walkFields(n parse.Node, out *[]string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkFields(c, out)
			}
		}
	case *parse.ActionNode:
		walkFields(n.Pipe, out)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walkFields(c, out)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkFields(a, out)
		}
	case *parse.FieldNode:
		*out = append(*out, n.Ident[0])
	case *parse.ChainNode:
		walkFields(n.Node, out)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, out)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, out)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, out)
	}
}

func walkBranch(b *parse.BranchNode, out *[]string) {
	walkFields(b.Pipe, out)
	walkFields(b.List, out)
	if b.ElseList != nil {
		walkFields(b.ElseList, out)
	}
}
