package patterns

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestCase is one test of a catalog entry, written as data beside the
// pattern (a tests: block in any catalog file; by convention NAME.tests.yaml
// beside NAME.yaml): records in, and either the results the entry must
// give or "expect: none". Pattern names a signature (its hits are checked)
// or an incident rule (its incidents are checked).
type TestCase struct {
	Name    string       `yaml:"name"`
	Pattern string       `yaml:"pattern"`
	Records []TestRecord `yaml:"records"`
	// Files are fixture files or folders read as a scan reads them, after
	// Records; relative paths are from the folder of the YAML file.
	Files  []string    `yaml:"files"`
	Expect Expectation `yaml:"expect"`

	Where `yaml:"-"`
	// Dir is the folder relative Files are read from; "" for the built-in
	// catalog, which is embedded.
	Dir string `yaml:"-"`
}

// Builtin reports whether the case is of the built-in catalog.
func (tc *TestCase) Builtin() bool { return tc.Dir == "" }

// Positive reports whether the case expects results (not expect: none).
func (tc *TestCase) Positive() bool { return !tc.Expect.None }

// Expectation is what a case must give: None (written "expect: none"),
// or exactly the results listed, one each, for every pattern they name.
type Expectation struct {
	None    bool
	Results []Expected
}

// UnmarshalYAML accepts "none" or a list of expected results.
func (e *Expectation) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value != "none" {
			return fmt.Errorf("line %d: expect: want none or a list of results, not %q", n.Line, n.Value)
		}
		*e = Expectation{None: true}
		return nil
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return fmt.Errorf("line %d: expect: want none or a list of at least one result", n.Line)
	}
	for _, c := range n.Content {
		var x Expected
		if err := c.Decode(&x); err != nil {
			return err
		}
		x.Line = c.Line
		e.Results = append(e.Results, x)
	}
	return nil
}

// Expected is one incident (or, for a signature, one hit) a case must give.
// Only what is written is compared.
type Expected struct {
	// Pattern defaults to the case's pattern.
	Pattern string `yaml:"pattern"`
	Key     string `yaml:"key"` // incidents; compared case-insensitively
	Count   *int   `yaml:"count"`
	// Fields are compared by value: a scalar with a string or int field, a
	// list with a list field, in order.
	Fields map[string]any `yaml:"fields"`
	// Words the title, the explanation or (for a hit) the evidence message
	// must contain, case-sensitively.
	Title   []string `yaml:"title_contains"`
	Explain []string `yaml:"explain_contains"`
	Message []string `yaml:"message_contains"`
	// Caveat: words one of the incident's caveats must contain.
	Caveat []string `yaml:"caveat_contains"`

	Line int `yaml:"-"`
}

// UnmarshalYAML checks keys by hand: Node.Decode ignores KnownFields.
func (x *Expected) UnmarshalYAML(n *yaml.Node) error {
	if err := knownKeys(n, "pattern", "key", "count", "fields", "title_contains", "explain_contains",
		"message_contains", "caveat_contains"); err != nil {
		return fmt.Errorf("expect: %w", err)
	}
	type plain Expected
	return n.Decode((*plain)(x))
}

// TestRecord is one record of a case: an evtx record (channel, provider,
// event_id and values) or a trace row (columns). Unset places are filled
// in: file is the test file, record_id (evtx) or line (trace) is the
// record's position in the case, so that records never collapse into one.
type TestRecord struct {
	File     string `yaml:"file"`
	RecordID uint64 `yaml:"record_id"`
	Line     int64  `yaml:"line"`
	Time     string `yaml:"time"` // RFC 3339
	Computer string `yaml:"computer"`

	Channel  string    `yaml:"channel"`
	Provider string    `yaml:"provider"`
	EventID  *uint32   `yaml:"event_id"`
	Level    uint8     `yaml:"level"`
	Values   ValueList `yaml:"values"`
	// Columns are a trace row's columns by canonical name (sender,
	// recipient, status, ...). A missing response is the status.
	Columns map[string]string `yaml:"columns"`
}

// ValueList is an event's values in order. In YAML either a list, whose
// items are a bare value (unnamed, so matched by position) or a one-key
// mapping {Name: value}, or a mapping of named values in document order.
type ValueList []Value

// UnmarshalYAML reads the value forms ValueList documents.
func (l *ValueList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			*l = append(*l, Value{Name: n.Content[i].Value, Value: resolve(n.Content[i+1]).Value})
		}
		return nil
	case yaml.SequenceNode:
		for _, c := range n.Content {
			c = resolve(c)
			switch {
			case c.Kind == yaml.ScalarNode:
				*l = append(*l, Value{Value: c.Value})
			case c.Kind == yaml.MappingNode && len(c.Content) == 2 && resolve(c.Content[1]).Kind == yaml.ScalarNode:
				*l = append(*l, Value{Name: c.Content[0].Value, Value: resolve(c.Content[1]).Value})
			default:
				return fmt.Errorf("line %d: values: each value is a string or {Name: value}", c.Line)
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: values: want a list or a mapping", n.Line)
}

// resolve follows an alias (*name) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// record builds the Record the matcher sees; i is its position in the case.
func (tr *TestRecord) record(i int, file string) (Record, error) {
	r := Record{File: tr.File, Computer: tr.Computer}
	if r.File == "" {
		r.File = file
	}
	if tr.Time != "" {
		t, err := time.Parse(time.RFC3339Nano, tr.Time)
		if err != nil {
			return r, fmt.Errorf("time %q: want RFC 3339, e.g. 2024-03-02T08:00:00Z", tr.Time)
		}
		r.Time = t.UTC()
	}
	evtx := tr.Channel != "" || tr.Provider != "" || tr.EventID != nil || len(tr.Values) > 0
	switch {
	case evtx && tr.Columns != nil:
		return r, fmt.Errorf("a record is an evtx record (channel, provider, event_id, values) or a trace row (columns), not both")
	case evtx:
		if tr.Channel == "" || tr.Provider == "" || tr.EventID == nil {
			return r, fmt.Errorf("an evtx record needs channel, provider and event_id")
		}
		r.Source, r.Channel, r.Provider, r.EventID, r.Level = "evtx", tr.Channel, tr.Provider, *tr.EventID, tr.Level
		r.Values = append([]Value(nil), tr.Values...)
		r.RecordID = tr.RecordID
		if r.RecordID == 0 {
			r.RecordID = uint64(i + 1)
		}
	case tr.Columns != nil:
		r.Source, r.Line, r.Columns = "trace", tr.Line, map[string]string{}
		if r.Line == 0 {
			r.Line = int64(i + 1)
		}
		for k, v := range tr.Columns {
			r.Columns[strings.ToLower(k)] = v
		}
		if _, ok := r.Columns["response"]; !ok {
			r.Columns["response"] = r.Columns["status"]
		}
		if r.Computer == "" {
			r.Computer = r.Columns["server"]
		}
	default:
		return r, fmt.Errorf("a record needs channel, provider and event_id (evtx) or columns (trace)")
	}
	return r, nil
}
