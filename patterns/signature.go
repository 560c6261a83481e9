package patterns

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// kind is the type of a field value: string, int, []string or []int.
type kind int

const (
	kindString kind = iota
	kindInt
	kindList
	kindInts
)

func (k kind) String() string {
	return [...]string{"string", "int", "list", "int list"}[k]
}

// builtins are the record properties a computed template may use besides
// the signature's fields. A field of the same name shadows a builtin.
var builtins = []string{"computer", "computer_host", "file", "channel", "provider", "event_id", "record_id", "line", "source"}

// compiledSig is a Signature ready to match.
type compiledSig struct {
	id       string
	trace    bool
	channel  string
	provider string
	eventID  uint32
	shape    *compiledShape // set when the event id is unknown
	status   []string       // lower-cased
	events   []string       // lower-cased
	custom   []string       // lower-cased
	columns  []columnCond
	fields   []string
	aliases  map[string][]string // field -> accepted value names, itself first
	message  *placeholderTemplate
	msgRe    *messageRegex
	norm     map[string]map[string]string // field -> lower(raw) -> canonical
	computed []computedField
	extracts []compiledExtract
	produces map[string]kind // every field a hit may carry, for validating rules
	// unconfirmed: the catalog marks the signature so; incidents say it.
	unconfirmed bool
	// lookupOnly: only joins read this signature's hits, and they read
	// fields, never the evidence message, which is then not rendered.
	lookupOnly bool
}

type columnCond struct {
	name string
	re   *regexp.Regexp
}

type computedField struct {
	name string
	tpl  placeholderTemplate
}

func compileSignature(s Signature) (*compiledSig, error) {
	c := &compiledSig{id: s.ID, channel: s.Channel, provider: s.Provider, produces: map[string]kind{}}
	steps := []func(Signature) error{c.setProvenance, c.source, c.setFields, c.setShape, c.setMessage, c.setNormalize, c.setComputed, c.setExtracts}
	for _, step := range steps {
		if err := step(s); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *compiledSig) source(s Signature) error {
	switch s.Source {
	case "", "evtx":
		return c.evtxSource(s)
	case "trace":
		return c.traceSource(s)
	}
	return fmt.Errorf("source %q: want evtx or trace", s.Source)
}

func (c *compiledSig) evtxSource(s Signature) error {
	if s.Channel == "" || s.Provider == "" || s.EventID == nil && s.Shape == nil {
		return fmt.Errorf("an evtx signature needs channel, provider and event_id, or shape when the id is unknown (matching by event id alone is never safe)")
	}
	if len(s.StatusContains) > 0 || len(s.Columns) > 0 || len(s.EventIs) > 0 || len(s.CustomDataContains) > 0 {
		return fmt.Errorf("status_contains, event_is, custom_data_contains and columns apply to trace signatures only")
	}
	if s.EventID != nil && s.Shape != nil {
		return fmt.Errorf("event_id and shape: give one (shape is for an event whose id is unknown)")
	}
	if s.EventID != nil {
		c.eventID = *s.EventID
	}
	return nil
}

func (c *compiledSig) traceSource(s Signature) error {
	c.trace = true
	if s.Channel != "" || s.Provider != "" || s.EventID != nil {
		return fmt.Errorf("channel, provider and event_id apply to evtx signatures only")
	}
	if len(s.StatusContains) == 0 && len(s.Columns) == 0 && len(s.EventIs) == 0 && len(s.CustomDataContains) == 0 {
		return fmt.Errorf("a trace signature needs status_contains, event_is, custom_data_contains or columns")
	}
	for _, sub := range s.StatusContains {
		c.status = append(c.status, strings.ToLower(sub))
	}
	for _, e := range s.EventIs {
		c.events = append(c.events, strings.ToLower(e))
	}
	for _, sub := range s.CustomDataContains {
		c.custom = append(c.custom, strings.ToLower(sub))
	}
	for _, name := range sortedKeys(s.Columns) {
		re, err := regexp.Compile(s.Columns[name])
		if err != nil {
			return fmt.Errorf("columns %s: bad regex: %w", name, err)
		}
		c.columns = append(c.columns, columnCond{name: name, re: re})
	}
	return nil
}

func (c *compiledSig) setFields(s Signature) error {
	c.aliases = map[string][]string{}
	for _, f := range s.Fields {
		if !placeholderName.MatchString(f) {
			return fmt.Errorf("fields: bad name %q", f)
		}
		if _, dup := c.produces[f]; dup {
			return fmt.Errorf("fields: %q listed twice", f)
		}
		c.fields = append(c.fields, f)
		c.produces[f] = kindString
		c.aliases[f] = []string{f}
	}
	for _, f := range sortedKeys(s.Names) {
		if _, ok := c.aliases[f]; !ok {
			return fmt.Errorf("names: %q is not in fields", f)
		}
		c.aliases[f] = append(c.aliases[f], s.Names[f]...)
	}
	return nil
}

// compiledShape is a Shape checked against the signature's fields.
type compiledShape struct {
	values int
	types  map[string]*regexp.Regexp
}

var shapeTypes = map[string]*regexp.Regexp{
	"guid": guidForm,
	"int":  regexp.MustCompile(`^[0-9]+$`),
}

func (c *compiledSig) setShape(s Signature) error {
	if s.Shape == nil {
		return nil
	}
	if s.Shape.Values != len(c.fields) {
		return fmt.Errorf("shape: values %d, but fields names %d", s.Shape.Values, len(c.fields))
	}
	if len(s.Shape.Types) == 0 {
		return fmt.Errorf("shape: types must name at least one field's type, or any event of the provider with %d values would match", s.Shape.Values)
	}
	sh := &compiledShape{values: s.Shape.Values, types: map[string]*regexp.Regexp{}}
	for f, t := range s.Shape.Types {
		if !slices.Contains(c.fields, f) {
			return fmt.Errorf("shape: types: %q is not in fields", f)
		}
		re, ok := shapeTypes[t]
		if !ok {
			return fmt.Errorf("shape: types: %s: %q, want guid or int", f, t)
		}
		sh.types[f] = re
	}
	c.shape = sh
	return nil
}

// fits reports whether a record's values have the shape: exactly as many
// values as fields (a reader's Message value aside), each typed field of
// the right form.
func (sh *compiledShape) fits(values []Value, base map[string]string) bool {
	n := 0
	for _, v := range values {
		if !strings.EqualFold(v.Name, messageName) {
			n++
		}
	}
	if n != sh.values {
		return false
	}
	for f, re := range sh.types {
		if !re.MatchString(base[f]) {
			return false
		}
	}
	return true
}

func (c *compiledSig) setMessage(s Signature) error {
	if s.Message == "" {
		return nil
	}
	t, err := parsePlaceholders(s.Message)
	if err != nil {
		return fmt.Errorf("message: %w", err)
	}
	for _, n := range t.names() {
		if !slices.Contains(c.fields, n) {
			return fmt.Errorf("message: placeholder {%s} is not in fields", n)
		}
	}
	re, err := compileMessage(t)
	if err != nil {
		return fmt.Errorf("message: %w", err)
	}
	c.message, c.msgRe = &t, re
	return nil
}

func (c *compiledSig) setNormalize(s Signature) error {
	c.norm = map[string]map[string]string{}
	for f, m := range s.Normalize {
		if !slices.Contains(c.fields, f) {
			return fmt.Errorf("normalize: %q is not in fields", f)
		}
		c.norm[f] = map[string]string{}
		for raw, canon := range m {
			c.norm[f][strings.ToLower(raw)] = canon
		}
	}
	return nil
}

func (c *compiledSig) setComputed(s Signature) error {
	for _, name := range sortedKeys(s.Computed) {
		if !placeholderName.MatchString(name) {
			return fmt.Errorf("computed: bad name %q", name)
		}
		t, err := parsePlaceholders(s.Computed[name])
		if err != nil {
			return fmt.Errorf("computed %s: %w", name, err)
		}
		for _, n := range t.names() {
			if !slices.Contains(c.fields, n) && !slices.Contains(builtins, n) {
				return fmt.Errorf("computed %s: {%s} is neither a field nor one of %v", name, n, builtins)
			}
		}
		c.computed = append(c.computed, computedField{name: name, tpl: t})
		c.produces[name] = kindString
	}
	return nil
}

func (c *compiledSig) setExtracts(s Signature) error {
	for i, e := range s.Extract {
		ce, err := compileExtract(e, c.produces)
		if err != nil {
			return fmt.Errorf("extract #%d (%s): %w", i+1, e.Field, err)
		}
		c.extracts = append(c.extracts, ce)
		c.produces[e.Field] = ce.kind()
	}
	return nil
}
