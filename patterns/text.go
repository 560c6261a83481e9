package patterns

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// funcs are the helpers incident templates may call.
var funcs = template.FuncMap{
	"join":   func(v any, sep string) string { return strings.Join(strs(v), sep) },
	"list":   englishList,
	"first":  func(v any) string { return pick(v, 0) },
	"last":   func(v any) string { return pick(v, -1) },
	"upper":  strings.ToUpper,
	"lower":  strings.ToLower,
	"plural": func(n int, one, many string) string { return map[bool]string{true: one, false: many}[n == 1] },
	"time":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"bytes":  formatBytes,
	"plus":   func(a, b int) int { return a + b },
	"add":    addSpan,
	// isotime is a time as cmdlets parse it (-Start, -StartDate);
	// isotimeAfter is a minute later, for an end that includes the time.
	"isotime":      func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") },
	"isotimeAfter": func(t time.Time) string { return t.UTC().Add(time.Minute).Format("2006-01-02T15:04:05Z") },
}

// formatBytes writes a byte count the way an admin reads a disk: "7.9 GB",
// "200 GB" (units of 1024, as Exchange and Windows count).
func formatBytes(n int) string {
	units := []string{"bytes", "KB", "MB", "GB", "TB", "PB"}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%d bytes", n)
	case f < 10 && math.Round(f*10) < 100:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0") + " " + units[u]
	}
	return fmt.Sprintf("%.0f %s", f, units[u])
}

// dotnetSpan is a .NET TimeSpan as Exchange writes it: [d.]hh:mm:ss[.fffffff].
var dotnetSpan = regexp.MustCompile(`^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$`)

// addSpan adds a span, a .NET TimeSpan ("1.00:00:00") or a Go duration
// ("24h"), to t. A span it cannot read gives the zero time, which templates
// test with .IsZero rather than print a made-up deadline.
func addSpan(t time.Time, span string) time.Time {
	span = strings.TrimSpace(span)
	if m := dotnetSpan.FindStringSubmatch(span); m != nil {
		var d time.Duration
		for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
		return t.Add(d)
	}
	if d, err := time.ParseDuration(span); err == nil && span != "" {
		return t.Add(d)
	}
	return time.Time{}
}

func (c *compiledRule) setTemplates(r Rule, _ map[string]*compiledSig) error {
	var err error
	zero := c.zeroData()
	if strings.TrimSpace(r.Title) == "" {
		return fmt.Errorf("title: missing")
	}
	if c.title, err = c.parseText("title", r.Title, zero); err != nil {
		return err
	}
	if c.explain, err = c.parseText("explain", r.Explain, zero); err != nil {
		return err
	}
	for i, s := range r.Remedy {
		step, err := c.compileStep(i, s, zero)
		if err != nil {
			return err
		}
		c.remedy = append(c.remedy, step)
	}
	return nil
}

func (c *compiledRule) compileStep(i int, s StepSpec, zero map[string]any) (compiledStep, error) {
	var st compiledStep
	var err error
	name := fmt.Sprintf("remedy #%d", i+1)
	for _, f := range append(slices.Clone(s.When), s.Unless...) {
		if _, ok := zero[f]; !ok {
			return st, fmt.Errorf("%s: when/unless %q is not a field of this incident", name, f)
		}
	}
	st.when, st.unless, st.rollup = s.When, s.Unless, s.Rollup
	if s.Rollup && strings.TrimSpace(s.Command) == "" {
		return st, fmt.Errorf("%s: rollup compares commands, and this step has none", name)
	}
	if st.text, err = c.parseText(name+" text", s.Text, zero); err != nil {
		return st, err
	}
	if st.command, err = c.parseText(name+" command", s.Command, zero); err != nil {
		return st, err
	}
	if err := lintCommand(st.command); err != nil {
		return st, fmt.Errorf("%s command: %w", name, err)
	}
	if st.sideEffects, err = c.parseText(name+" side_effects", s.SideEffects, zero); err != nil {
		return st, err
	}
	if err := checkShell(s.Shell, strings.TrimSpace(s.Command) != ""); err != nil {
		return st, fmt.Errorf("%s: %w", name, err)
	}
	// Two trial runs, with every field empty and with every field set, so
	// a changing cmdlet behind {{if .field}} or {{if not .field}} is seen.
	for _, data := range []map[string]any{zero, c.fullData()} {
		trial, err := trialRun(st.command, data)
		if err != nil {
			return st, fmt.Errorf("%s command: %w", name, err)
		}
		if err := lintWhatIf(trial, s.SideEffects); err != nil {
			return st, fmt.Errorf("%s command: %w", name, err)
		}
	}
	st.shell = s.Shell
	return st, nil
}

// fullData is template data with every field set (strings "x", lists of
// one "x", numbers 1), the other arm of every {{if .field}}.
func (c *compiledRule) fullData() map[string]any {
	d := c.zeroData()
	for k, v := range d {
		switch v.(type) {
		case string:
			d[k] = "x"
		case []string:
			d[k] = []string{"x"}
		case int:
			d[k] = 1
		case []int:
			d[k] = []int{1}
		}
	}
	d["first_seen"], d["last_seen"] = time.Unix(0, 0), time.Unix(60, 0)
	return d
}

// parseText parses a template and runs it once on zero data, so a
// reference to an unknown field fails at load time, naming the entry,
// rather than in the middle of a report.
func (c *compiledRule) parseText(name, src string, zero map[string]any) (*template.Template, error) {
	t, err := template.New(name).Funcs(funcs).Funcs(template.FuncMap{"listed": c.listed}).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := trialRun(t, zero); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// trialRun renders a template on zero data. Zero data holds empty values,
// which the ps* functions rightly refuse; the trial run checks field names
// and the shape of commands, so it quotes without checking.
func trialRun(t *template.Template, zero map[string]any) (string, error) {
	trial, err := t.Clone()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = trial.Funcs(psLenient).Execute(&b, zero)
	return b.String(), err
}

// listed reports whether the catalog's list name holds v, case-insensitively
// (for domains, in either IDNA form). A list the catalog lacks is an error
// at load time, since the trial run calls it too.
func (c *compiledRule) listed(name string, v any) (bool, error) {
	list, ok := c.lists[name]
	if !ok {
		return false, fmt.Errorf("listed: the catalog has no list %q", name)
	}
	s := text(v)
	return slices.ContainsFunc(list, func(item string) bool {
		return strings.EqualFold(item, s) || strings.EqualFold(domainASCII(item), domainASCII(s))
	}), nil
}

// zeroData is template data with every declared field at its zero value:
// templates test absence with {{if .field}} and never see "<no value>".
func (c *compiledRule) zeroData() map[string]any {
	d := map[string]any{"count": 0, "first_seen": time.Time{}, "last_seen": time.Time{}, "key": "", "pattern": c.id}
	for _, f := range c.fields {
		d[f.name] = zeroOf(f.kind)
	}
	for _, j := range c.joins {
		d[j.name] = []string{}
	}
	return d
}

func zeroOf(k kind) any {
	switch k {
	case kindInt:
		return 0
	case kindList:
		return []string{}
	case kindInts:
		return []int{}
	}
	return ""
}

var (
	blanks    = regexp.MustCompile(`[ \t]+`)
	manyLines = regexp.MustCompile(`\n{3,}`)
)

// execText renders and tidies whitespace, so YAML authors can indent and
// wrap templates freely without the output inheriting it.
func execText(t *template.Template, data map[string]any) string {
	s, err := execTextErr(t, data)
	if err != nil {
		return "(template error: " + err.Error() + ")"
	}
	return s
}

// execTextErr is execText that returns the template's error, for commands,
// whose values a ps* function may refuse.
func execTextErr(t *template.Template, data map[string]any) (string, error) {
	if t == nil {
		return "", nil
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(blanks.ReplaceAllString(l, " "))
	}
	return strings.TrimSpace(manyLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")), nil
}

// strs flattens a field value to strings.
func strs(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []string:
		return v
	case []int:
		out := make([]string, len(v))
		for i, n := range v {
			out[i] = strconv.Itoa(n)
		}
		return out
	}
	return []string{text(v)}
}

// text formats one field value for humans; lists are comma-separated.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case []string, []int:
		return strings.Join(strs(v), ", ")
	}
	return fmt.Sprint(v)
}

func pick(v any, i int) string {
	s := strs(v)
	if len(s) == 0 {
		return ""
	}
	if i < 0 {
		i = len(s) + i
	}
	return s[i]
}

// englishList writes "A", "A and B", "A, B and C".
func englishList(v any) string {
	s := strs(v)
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
