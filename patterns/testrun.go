package patterns

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// TestOptions are what running a catalog's tests needs from outside.
type TestOptions struct {
	// Read reads a fixture file or folder as a scan does and hands each
	// record to visit. This package reads no file format itself; without
	// Read, a case that names files fails and says so.
	Read func(path string, visit func(*Record)) error
}

// CaseResult is the outcome of one test case.
type CaseResult struct {
	Case *TestCase
	// Skip says why the case did not run: the entry it tests was replaced
	// by a later layer or disabled. Empty when it ran.
	Skip string
	// Problems are what differed from the case, one readable line each;
	// none when the case passed.
	Problems []string
	// Set lists, per pattern, the fields its results carried: lint uses it
	// to find template fields no test ever sets.
	Set map[string]map[string]bool
	// Hits and Incidents are what the case's records gave.
	Hits      []Hit
	Incidents []Incident
}

// Failed reports whether the case ran and found a difference.
func (r *CaseResult) Failed() bool { return r.Skip == "" && len(r.Problems) > 0 }

// String is the case's outcome for people: a header line naming the file,
// line, pattern and case, then one indented line per problem.
func (r *CaseResult) String() string {
	head := fmt.Sprintf("%s: %s %s", r.Case.Pos(), r.Case.Pattern, quote(r.Case.Name))
	switch {
	case r.Skip != "":
		return "SKIP " + head + ": " + r.Skip
	case len(r.Problems) == 0:
		return "ok   " + head
	}
	return "FAIL " + head + "\n    " + strings.Join(r.Problems, "\n    ")
}

// RunTests runs every test case of cat against cat itself. It fails only
// when cat does not compile; a failing case is a result, not an error.
func RunTests(cat *Catalog, opts TestOptions) ([]CaseResult, error) {
	m, err := Compile(cat)
	if err != nil {
		return nil, err
	}
	owners := owners(cat)
	out := make([]CaseResult, len(cat.Tests))
	for i := range cat.Tests {
		tc := &cat.Tests[i]
		out[i] = CaseResult{Case: tc, Set: map[string]map[string]bool{}}
		if out[i].Skip = skipReason(tc, owners, cat.Disabled); out[i].Skip == "" {
			runCase(m, tc, opts, &out[i])
		}
	}
	return out, nil
}

// owners maps every entry id to the file that defines it.
func owners(cat *Catalog) map[string]string {
	o := map[string]string{}
	for _, s := range cat.Signatures {
		o[s.ID] = s.Origin
	}
	for _, r := range cat.Incidents {
		o[r.ID] = r.Origin
	}
	return o
}

// skipReason: a case tests the definition of its own layer (folder), so
// it does not run against a replacement from a later one.
func skipReason(tc *TestCase, owners map[string]string, disabled []string) string {
	if slices.Contains(disabled, tc.Pattern) {
		return tc.Pattern + " is disabled"
	}
	if o, ok := owners[tc.Pattern]; ok && tc.Origin != "" && o != "" && path.Dir(filepath.ToSlash(o)) != path.Dir(filepath.ToSlash(tc.Origin)) {
		return tc.Pattern + " is replaced by the definition in " + o
	}
	return ""
}

// result is one hit or incident, as cases compare them.
type result struct {
	pattern, key      string
	count             int
	fields            map[string]any
	title, explain    string
	messages, caveats []string
	incident          bool
	used              bool
}

func runCase(m *Matcher, tc *TestCase, opts TestOptions, res *CaseResult) {
	p := &res.Problems
	if tc.Pattern == "" {
		*p = append(*p, "the case names no pattern: give pattern: with a signature or incident id")
		return
	}
	if m.sigs[tc.Pattern] == nil && !slices.ContainsFunc(m.rules, func(r *compiledRule) bool { return r.id == tc.Pattern }) {
		*p = append(*p, fmt.Sprintf("pattern %s: the catalog has no signature or incident of this id", tc.Pattern))
		return
	}
	if len(tc.Records) == 0 && len(tc.Files) == 0 {
		*p = append(*p, "the case has no records: give records: or files:")
		return
	}
	got, ok := caseResults(m, tc, opts, res)
	if !ok {
		return
	}
	for _, r := range got {
		set := res.Set[r.pattern]
		if set == nil {
			set = map[string]bool{}
			res.Set[r.pattern] = set
		}
		for f, v := range r.fields {
			if !isEmpty(v) {
				set[f] = true
			}
		}
	}
	if tc.Expect.None {
		for _, r := range got {
			if r.pattern == tc.Pattern {
				*p = append(*p, "want nothing, got "+r.describe())
			}
		}
		return
	}
	compareResults(tc, got, p)
}

// caseResults feeds the case's records to the matcher and returns every
// hit and incident, false when the records could not be built or read.
func caseResults(m *Matcher, tc *TestCase, opts TestOptions, res *CaseResult) ([]result, bool) {
	p := &res.Problems
	c := NewCorrelator(m)
	var hits []result
	feed := func(r *Record) {
		for _, h := range m.Match(r) {
			c.Add(h)
			res.Hits = append(res.Hits, h)
			hits = append(hits, result{pattern: h.Signature, fields: h.Fields, messages: []string{h.Message}})
		}
	}
	for i := range tc.Records {
		r, err := tc.Records[i].record(i, tc.Origin)
		if err != nil {
			*p = append(*p, fmt.Sprintf("record %d (line %d): %v", i+1, recordLine(tc, i), err))
			continue
		}
		feed(&r)
	}
	for _, f := range tc.Files {
		if opts.Read == nil {
			*p = append(*p, fmt.Sprintf("files %s: this runner reads no files; run the case with extriage patterns test", f))
			continue
		}
		if !filepath.IsAbs(f) && tc.Dir != "" {
			f = filepath.Join(tc.Dir, f)
		}
		if err := opts.Read(f, feed); err != nil {
			*p = append(*p, fmt.Sprintf("files %s: %v", f, err))
		}
	}
	if len(*p) > 0 {
		return nil, false
	}
	res.Incidents = c.Incidents()
	for _, inc := range res.Incidents {
		r := result{pattern: inc.Pattern, key: inc.Key, count: inc.Count, fields: inc.Fields, title: inc.Title,
			explain: inc.Explanation, caveats: inc.Caveats, incident: true}
		for _, e := range inc.Evidence {
			r.messages = append(r.messages, e.Message)
		}
		hits = append(hits, r)
	}
	return hits, true
}

// recordLine is the YAML line of the case's i-th record, when known.
func recordLine(tc *TestCase, i int) int {
	if tc.Node == nil {
		return 0
	}
	for j := 0; j+1 < len(tc.Node.Content); j += 2 {
		if tc.Node.Content[j].Value == "records" && i < len(tc.Node.Content[j+1].Content) {
			return tc.Node.Content[j+1].Content[i].Line
		}
	}
	return tc.Line
}

func (r *result) describe() string {
	if !r.incident {
		return fmt.Sprintf("a hit of %s (%s)", r.pattern, showFields(r.fields))
	}
	return fmt.Sprintf("incident %s %s (count %d)", r.pattern, quote(r.key), r.count)
}

// compareResults pairs each expected result with one of the same pattern
// (by key when it gives one, else in order) and reports what differs,
// what is missing and what is extra.
// The case is not changed: its expectations are copied with their
// pattern filled in.
func compareResults(tc *TestCase, got []result, p *[]string) {
	named := []string{}
	wants := slices.Clone(tc.Expect.Results)
	for i := range wants {
		x := &wants[i]
		if x.Pattern == "" {
			x.Pattern = tc.Pattern
		}
		if !slices.Contains(named, x.Pattern) {
			named = append(named, x.Pattern)
		}
	}
	if !slices.Contains(named, tc.Pattern) {
		*p = append(*p, fmt.Sprintf("expect: a case of %s must expect at least one result of it, or say expect: none", tc.Pattern))
		return
	}
	for i := range wants {
		x := &wants[i]
		r := pair(got, x)
		if r == nil {
			*p = append(*p, fmt.Sprintf("want %s; got none%s", x.describe(), others(got, x.Pattern)))
			continue
		}
		r.used = true
		for _, d := range x.diff(r) {
			*p = append(*p, r.label()+": "+d)
		}
	}
	for i := range got {
		if r := &got[i]; !r.used && slices.Contains(named, r.pattern) {
			*p = append(*p, "unexpected "+r.describe())
		}
	}
}

func pair(got []result, x *Expected) *result {
	for i := range got {
		r := &got[i]
		if !r.used && r.pattern == x.Pattern && (x.Key == "" || strings.EqualFold(r.key, x.Key)) {
			return r
		}
	}
	return nil
}

// others lists the unpaired results of a pattern, so a wrong key shows
// the key that was found instead.
func others(got []result, pattern string) string {
	var s []string
	for _, r := range got {
		if !r.used && r.pattern == pattern {
			s = append(s, r.describe())
		}
	}
	if len(s) == 0 {
		return ""
	}
	return " (found instead: " + strings.Join(s, "; ") + ")"
}

func (r *result) label() string {
	if r.incident {
		return fmt.Sprintf("incident %s %s", r.pattern, quote(r.key))
	}
	return "hit of " + r.pattern
}

func (x *Expected) describe() string {
	s := "a result of " + x.Pattern
	if x.Key != "" {
		s = fmt.Sprintf("an incident of %s with key %s", x.Pattern, quote(x.Key))
	}
	return s
}

// diff lists, one line each, what r has that x does not want.
func (x *Expected) diff(r *result) []string {
	var d []string
	if !r.incident && (x.Key != "" || x.Count != nil || len(x.Title) > 0 || len(x.Explain) > 0 || len(x.Caveat) > 0) {
		d = append(d, "key, count, title_contains, explain_contains and caveat_contains apply to incidents; a signature's hit has fields and a message")
	}
	if x.Count != nil && *x.Count != r.count {
		d = append(d, fmt.Sprintf("count: want %d, got %d", *x.Count, r.count))
	}
	for _, name := range sortedKeys(x.Fields) {
		want := x.Fields[name]
		got, ok := r.fields[name]
		switch {
		case want == nil && ok:
			d = append(d, fmt.Sprintf("field %s: want it absent, got %s", name, show(got)))
		case want == nil:
		case !ok:
			d = append(d, fmt.Sprintf("field %s: want %s, got no such field (fields: %s)", name, show(want), showFields(r.fields)))
		case !sameValue(want, got):
			d = append(d, fmt.Sprintf("field %s: want %s, got %s", name, show(want), show(got)))
		}
	}
	d = append(d, lacks("title", r.title, x.Title)...)
	d = append(d, lacks("explanation", r.explain, x.Explain)...)
	d = append(d, lacksAny("evidence message", r.messages, x.Message)...)
	d = append(d, lacksAny("caveat", r.caveats, x.Caveat)...)
	return d
}

func lacks(what, text string, words []string) []string {
	var d []string
	for _, w := range words {
		if !strings.Contains(text, w) {
			d = append(d, fmt.Sprintf("%s lacks %s; it reads: %s", what, quote(w), quote(text)))
		}
	}
	return d
}

func lacksAny(what string, texts, words []string) []string {
	var d []string
	for _, w := range words {
		if !slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(t, w) }) {
			d = append(d, fmt.Sprintf("no %s contains %s; they read: %s", what, quote(w), show(texts)))
		}
	}
	return d
}

// sameValue compares a value from YAML with a field's value: scalars by
// their text (so 2 matches the int 2 and "2" the string), lists item by
// item in order.
func sameValue(want, got any) bool {
	wl, wantList := want.([]any)
	gl := listOf(got)
	if wantList != (gl != nil) {
		return false
	}
	if !wantList {
		return fmt.Sprint(want) == fmt.Sprint(got)
	}
	if len(wl) != len(gl) {
		return false
	}
	for i := range wl {
		if fmt.Sprint(wl[i]) != gl[i] {
			return false
		}
	}
	return true
}

// listOf is a list field's items as text; nil for a scalar.
func listOf(v any) []string {
	switch v := v.(type) {
	case []string:
		return append([]string{}, v...)
	case []int:
		out := []string{}
		for _, n := range v {
			out = append(out, strconv.Itoa(n))
		}
		return out
	}
	return nil
}

// show writes a value as a case would: text quoted, lists in brackets.
func show(v any) string {
	if l := listOf(v); l != nil {
		return showList(l)
	}
	switch v := v.(type) {
	case string:
		return quote(v)
	case []any:
		var s []string
		for _, x := range v {
			s = append(s, fmt.Sprint(x))
		}
		return showList(s)
	}
	return fmt.Sprint(v)
}

func showList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func showFields(f map[string]any) string {
	var s []string
	for _, k := range sortedKeys(f) {
		s = append(s, k+"="+show(f[k]))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// quote quotes s for a diff line. Plain text is quoted as it is, so a key
// DB1\SERVER3 reads as the report writes it; text with quotes or control
// characters is quoted and escaped Go-style.
func quote(s string) string {
	for _, c := range s {
		if c < 0x20 || c == '"' || c == 0x7f || c >= 0x80 && c < 0xa0 {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}

// Gap is a catalog entry that lacks a positive or a negative case.
type Gap struct {
	Kind, ID           string // "signature" or "incident"
	Where              Where
	Positive, Negative bool
}

func (g Gap) String() string {
	var miss []string
	if !g.Positive {
		miss = append(miss, "positive case")
	}
	if !g.Negative {
		miss = append(miss, "negative case (expect: none)")
	}
	return fmt.Sprintf("%s: %s %s has no %s", g.Where.Pos(), g.Kind, g.ID, strings.Join(miss, " and no "))
}

// Coverage lists the entries of cat without a positive and a negative
// case of their own layer: nothing enters the catalog untested.
func Coverage(cat *Catalog) []Gap {
	owners := owners(cat)
	has := map[string][2]bool{}
	for i := range cat.Tests {
		tc := &cat.Tests[i]
		if skipReason(tc, owners, cat.Disabled) != "" {
			continue
		}
		h := has[tc.Pattern]
		if tc.Positive() {
			h[0] = true
		} else {
			h[1] = true
		}
		has[tc.Pattern] = h
	}
	var gaps []Gap
	add := func(kind, id string, w Where) {
		if h := has[id]; !h[0] || !h[1] {
			gaps = append(gaps, Gap{Kind: kind, ID: id, Where: w, Positive: h[0], Negative: h[1]})
		}
	}
	for _, s := range cat.Signatures {
		add("signature", s.ID, s.Where)
	}
	for _, r := range cat.Incidents {
		add("incident", r.ID, r.Where)
	}
	return gaps
}
