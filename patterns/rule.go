package patterns

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// compiledRule is a Rule ready to correlate.
type compiledRule struct {
	id       string
	severity Severity
	require  []selector
	anyOf    []selector // require_any: at least one must match
	members  []selector // require first, then supporting
	// memberSigs are the first eight distinct signatures of members: the
	// flags an episode sets per record.
	memberSigs []string
	unless     []selector // hits that cancel an incident of the same key
	rejoin     []selector // hits that never start a new episode
	key        []string
	sep        string
	window     time.Duration
	distinct   string // count distinct values of this field; "" counts records
	unit       string // what is counted, singular
	fields     []fieldRule
	title      *template.Template
	explain    *template.Template
	remedy     []compiledStep
	joins      []compiledJoin
	lists      map[string][]string // the catalog's, for the listed function
	// unconfirmed: the catalog marks the rule so; incidents say it.
	unconfirmed bool
	sigs        map[string]*compiledSig // for the caveats of unconfirmed signatures
}

type selector struct {
	sig      string
	where    []condition
	whereNot []condition
}

type condition struct {
	field  string
	values []string
}

type fieldRule struct {
	name, from string
	sigs       []string // empty: every member
	take       string
	kind       kind // of the output value
}

type compiledStep struct {
	text, command, sideEffects *template.Template
	shell                      string
	when, unless               []string
	rollup                     bool
}

// reserved are template names the correlator provides besides the fields.
var reserved = []string{"count", "first_seen", "last_seen", "key", "pattern"}

func compileRule(r Rule, sigs map[string]*compiledSig, lists map[string][]string) (*compiledRule, error) {
	c := &compiledRule{id: r.ID, sep: r.KeySeparator, lists: lists, sigs: sigs}
	if c.sep == "" {
		c.sep = `\`
	}
	steps := []func(Rule, map[string]*compiledSig) error{c.setProvenance, c.setSeverity, c.setMembers, c.setKey, c.setUnlessRejoin, c.setWindow, c.setCount, c.setFields, c.setJoins, c.setTemplates}
	for _, step := range steps {
		if err := step(r, sigs); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *compiledRule) setSeverity(r Rule, _ map[string]*compiledSig) error {
	s := Severity(strings.ToLower(r.Severity))
	if s.Rank() < 0 {
		return fmt.Errorf("severity %q: want info, low, medium, high or critical", r.Severity)
	}
	c.severity = s
	return nil
}

func (c *compiledRule) setMembers(r Rule, sigs map[string]*compiledSig) error {
	if len(r.Require) == 0 && len(r.RequireAny) == 0 {
		return fmt.Errorf("require: at least one signature must be required (require or require_any), or any stray hit would be an incident")
	}
	for _, list := range []struct {
		name string
		sels []Selector
	}{{"require", r.Require}, {"require_any", r.RequireAny}, {"signatures", r.Signatures}} {
		for _, s := range list.sels {
			sel, err := compileSelector(s, sigs)
			if err != nil {
				return fmt.Errorf("%s: %w", list.name, err)
			}
			switch list.name {
			case "require":
				c.require = append(c.require, sel)
			case "require_any":
				c.anyOf = append(c.anyOf, sel)
			}
			c.members = append(c.members, sel)
			if !slices.Contains(c.memberSigs, sel.sig) && len(c.memberSigs) < 8 {
				c.memberSigs = append(c.memberSigs, sel.sig)
			}
		}
	}
	return nil
}

func compileSelector(s Selector, sigs map[string]*compiledSig) (selector, error) {
	sig := sigs[s.Signature]
	if sig == nil {
		return selector{}, fmt.Errorf("unknown signature %q", s.Signature)
	}
	sel := selector{sig: s.Signature}
	for _, f := range sortedKeys(s.Where) {
		if _, ok := sig.produces[f]; !ok {
			return selector{}, fmt.Errorf("signature %s: where %s: the signature has no such field", s.Signature, f)
		}
		sel.where = append(sel.where, condition{field: f, values: s.Where[f]})
	}
	for _, f := range sortedKeys(s.WhereNot) {
		if _, ok := sig.produces[f]; !ok {
			return selector{}, fmt.Errorf("signature %s: where_not %s: the signature has no such field", s.Signature, f)
		}
		sel.whereNot = append(sel.whereNot, condition{field: f, values: s.WhereNot[f]})
	}
	return sel, nil
}

// setKey insists every member yields every key field as a string: a member
// that cannot be keyed would silently never contribute.
func (c *compiledRule) setKey(r Rule, sigs map[string]*compiledSig) error {
	if len(r.Key) == 0 {
		return fmt.Errorf("key: at least one field")
	}
	for _, f := range r.Key {
		for _, m := range c.members {
			if k, ok := sigs[m.sig].produces[f]; !ok || k != kindString {
				return fmt.Errorf("key %s: signature %s has no string field %s", f, m.sig, f)
			}
		}
	}
	c.key = r.Key
	return nil
}

// setUnlessRejoin compiles unless_seen and rejoin. An unless_seen
// signature must yield the key, or it could never cancel anything; a rejoin
// selector must pick members, or it would never be grouped.
func (c *compiledRule) setUnlessRejoin(r Rule, sigs map[string]*compiledSig) error {
	for _, s := range r.UnlessSeen {
		sel, err := compileSelector(s, sigs)
		if err != nil {
			return fmt.Errorf("unless_seen: %w", err)
		}
		for _, f := range c.key {
			if k, ok := sigs[sel.sig].produces[f]; !ok || k != kindString {
				return fmt.Errorf("unless_seen: signature %s has no string field %s (the key)", sel.sig, f)
			}
		}
		c.unless = append(c.unless, sel)
	}
	for _, s := range r.Rejoin {
		sel, err := compileSelector(s, sigs)
		if err != nil {
			return fmt.Errorf("rejoin: %w", err)
		}
		if !slices.ContainsFunc(c.members, func(m selector) bool { return m.sig == sel.sig }) {
			return fmt.Errorf("rejoin: %s is not a member of this incident", sel.sig)
		}
		c.rejoin = append(c.rejoin, sel)
	}
	return nil
}

func (c *compiledRule) setWindow(r Rule, _ map[string]*compiledSig) error {
	d, err := parseWindow(r.Window)
	if err != nil {
		return fmt.Errorf("window %q: %w", r.Window, err)
	}
	c.window = d
	return nil
}

// setCount checks that some member can carry the field counted: a typo
// would otherwise count every hit as distinct without a word.
func (c *compiledRule) setCount(r Rule, sigs map[string]*compiledSig) error {
	c.unit = cmp.Or(strings.TrimSpace(r.CountUnit), "record")
	if r.CountDistinct == "" {
		return nil
	}
	for _, m := range c.members {
		if _, ok := sigs[m.sig].produces[r.CountDistinct]; ok {
			c.distinct = r.CountDistinct
			return nil
		}
	}
	return fmt.Errorf("count_distinct %s: no signature of this incident has that field", r.CountDistinct)
}

// parseWindow accepts Go durations plus whole days ("2d"), the unit admins
// think in for log retention.
func parseWindow(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err == nil && d < 0 {
		err = fmt.Errorf("negative")
	}
	return d, err
}

func (c *compiledRule) setFields(r Rule, sigs map[string]*compiledSig) error {
	specs := r.Fields
	for _, k := range r.Key {
		if !slices.ContainsFunc(specs, func(f FieldSpec) bool { return f.Name == k }) {
			specs = append(specs, FieldSpec{Name: k}) // templates and reports always want the key
		}
	}
	seen := map[string]bool{}
	for _, f := range specs {
		fr, err := c.compileField(f, sigs)
		if err != nil {
			return fmt.Errorf("fields %s: %w", f.Name, err)
		}
		if seen[fr.name] {
			return fmt.Errorf("fields %s: listed twice", fr.name)
		}
		seen[fr.name] = true
		c.fields = append(c.fields, fr)
	}
	return nil
}

func (c *compiledRule) compileField(f FieldSpec, sigs map[string]*compiledSig) (fieldRule, error) {
	fr := fieldRule{name: f.Name, from: f.From, sigs: f.Signatures, take: f.Take}
	if !placeholderName.MatchString(f.Name) || slices.Contains(reserved, f.Name) {
		return fr, fmt.Errorf("bad or reserved name (reserved: %v)", reserved)
	}
	if fr.from == "" {
		fr.from = f.Name
	}
	if fr.take == "" {
		fr.take = "latest"
	}
	src, err := c.sourceKind(fr, sigs)
	if err != nil {
		return fr, err
	}
	switch fr.take {
	case "latest", "first":
		fr.kind = src
	case "min", "max":
		if src != kindString && src != kindInt {
			return fr, fmt.Errorf("take %s needs a string or int field, %s is a %s", fr.take, fr.from, src)
		}
		fr.kind = src
	case "union":
		fr.kind = kindList
		if src == kindInt || src == kindInts {
			fr.kind = kindInts
		}
	default:
		return fr, fmt.Errorf("take %q: want latest, first, min, max or union", fr.take)
	}
	return fr, nil
}

// sourceKind finds the type of the hit field the spec reads; member
// signatures must agree on it, or combining their values would be nonsense.
func (c *compiledRule) sourceKind(fr fieldRule, sigs map[string]*compiledSig) (kind, error) {
	found := false
	var k kind
	for _, s := range fr.sigs {
		if !slices.ContainsFunc(c.members, func(m selector) bool { return m.sig == s }) {
			return 0, fmt.Errorf("signatures: %s is not a member of this incident", s)
		}
	}
	for _, m := range c.members {
		if len(fr.sigs) > 0 && !slices.Contains(fr.sigs, m.sig) {
			continue
		}
		sk, ok := sigs[m.sig].produces[fr.from]
		if !ok {
			continue
		}
		if found && sk != k {
			return 0, fmt.Errorf("signatures disagree on the type of %s (%s, %s)", fr.from, k, sk)
		}
		found, k = true, sk
	}
	if !found {
		return 0, fmt.Errorf("no member signature has a field %s", fr.from)
	}
	return k, nil
}
