package patterns

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Catalog is the merged set of signatures and incident rules, as read from
// YAML. It is plain data: Compile turns it into a Matcher.
type Catalog struct {
	Signatures []Signature `yaml:"signatures"`
	Incidents  []Rule      `yaml:"incidents"`
	// Tests are the catalog's test cases (see tests.go), from every layer.
	Tests []TestCase `yaml:"tests"`
	// Disabled are the ids a layer's disable: removed, so tests of them are
	// skipped rather than failed.
	Disabled []string `yaml:"-"`
	// Version is the hash and count of the files Load read; zero for a
	// catalog built in code.
	Version Version `yaml:"-"`
	// Lists are named lists of values that templates test with
	// {{if listed "name" .field}} (compared case-insensitively), such as
	// the consumer mail domains. A user directory's list replaces the
	// builtin list of the same name whole.
	Lists map[string][]string `yaml:"lists"`
}

// Provenance says how well an entry is established: Status is "confirmed"
// (checked against a real export or a public source) or "unconfirmed";
// References are URLs or document titles. Both are optional for now, and
// validated when present; patterns lint warns when they are missing.
type Provenance struct {
	Status     string   `yaml:"status"`
	References []string `yaml:"references"`
}

// Where is where an entry was read: the file and line, for messages, and
// the YAML as written, for patterns show.
type Where struct {
	// Origin is the file the entry came from, for error messages.
	Origin string `yaml:"-"`
	// Line is the entry's line in Origin; 0 when not read from YAML.
	Line int `yaml:"-"`
	// Node is the entry's YAML, comments included; nil when not read from YAML.
	Node *yaml.Node `yaml:"-"`
}

// Pos is "file:line", or the file alone when the line is unknown.
func (w Where) Pos() string {
	if w.Line > 0 && w.Origin != "" {
		return fmt.Sprintf("%s:%d", w.Origin, w.Line)
	}
	return w.Origin
}

// Signature recognises one kind of record and names its values.
//
// For source evtx a record matches only when channel, provider and event id
// all agree (channel and provider case-insensitively): Exchange sources reuse
// small event ids, so an id alone proves nothing.
type Signature struct {
	ID         string `yaml:"id"`
	Provenance `yaml:",inline"`
	// Source is "evtx" (the default) or "trace".
	Source   string  `yaml:"source"`
	Channel  string  `yaml:"channel"`
	Provider string  `yaml:"provider"`
	EventID  *uint32 `yaml:"event_id"` // a pointer so that a missing id is an error, not event 0
	// Shape stands in for an event id that no public source gives: the
	// record must then hold exactly Shape.Values values (a Message value
	// aside) whose fields have the types listed. Channel and provider are
	// still required.
	Shape *Shape `yaml:"shape"`

	// Trace conditions: the status column contains any of StatusContains
	// (case-insensitively) and every column in Columns matches its regex.
	StatusContains []string          `yaml:"status_contains"`
	Columns        map[string]string `yaml:"columns"`
	// EventIs (the event column is one of these, case-insensitively) and
	// CustomDataContains (the custom data holds one of these) are
	// conditions like StatusContains, and like it are checked before a
	// row becomes a record, so a signature for DELIVER rows or for one
	// custom_data action costs nothing on other rows.
	EventIs            []string `yaml:"event_is"`
	CustomDataContains []string `yaml:"custom_data_contains"`

	// Fields names the record's values by position (evtx) or names the
	// columns to copy (trace).
	Fields []string `yaml:"fields"`
	// Names lists other value names that may carry a field, for records
	// whose values are named; the field's own name always counts.
	Names map[string]StringList `yaml:"names"`
	// Message is the rendered message with {field} placeholders.
	Message string `yaml:"message"`
	// Normalize maps field -> raw value -> canonical value (case-insensitive
	// on the raw value), for synonyms such as LogsInRequiredRange.
	Normalize map[string]map[string]string `yaml:"normalize"`
	// Computed sets a field from a {placeholder} template over the record's
	// builtins (computer, computer_host, file, channel, provider, event_id,
	// record_id, line, source) and fields, with filters {name|upper},
	// {name|lower}, {name|trim}. It fills a field only when the record left
	// it empty, so a value the event carries always wins.
	Computed map[string]string `yaml:"computed"`
	// Extract derives more fields by regex, in order.
	Extract []Extract `yaml:"extract"`

	Where `yaml:"-"`
}

// Shape recognises an event by its values when its id is unknown.
type Shape struct {
	// Values is the exact number of values the event has.
	Values int `yaml:"values"`
	// Types maps a field to the type its value must have: guid or int.
	Types map[string]string `yaml:"types"`
}

// Extract derives one field from another by regular expression.
type Extract struct {
	Field string `yaml:"field"`
	From  string `yaml:"from"`
	// Regex defaults to the whole value. Group defaults to 1 when the regex
	// has a group, else 0 (the whole match).
	Regex string `yaml:"regex"`
	Group *int   `yaml:"group"`
	// All collects every match into a list.
	All bool `yaml:"all"`
	// Split, a regex, splits each captured value into a list of non-empty,
	// trimmed parts (e.g. '\r?\n' for one entry per line).
	Split string `yaml:"split"`
	// Type is "string" (default), "int", or "bytes": a byte quantity such
	// as "7.933 GB (8,517,386,240 bytes)" (the exact count wins) or "9500MB",
	// read as a number of bytes. A value that is not a number is dropped
	// rather than guessed.
	Type string `yaml:"type"`
	// Exclude, a regex, drops the parts it matches (after split).
	Exclude string `yaml:"exclude"`
	// Filter is a chain of placeholder filters applied to each part, e.g.
	// "host|upper" turns SERVER4.contoso.local into SERVER4.
	Filter string `yaml:"filter"`
	// Count makes the field the number of matches of the regex, empty
	// captures included (an int; absent when there is none).
	Count bool `yaml:"count"`
}

// Rule turns signature hits into an incident. YAML key: incidents.
type Rule struct {
	ID         string `yaml:"id"`
	Provenance `yaml:",inline"`
	Title      string `yaml:"title"` // text/template over the incident's fields
	Severity   string `yaml:"severity"`
	// Signatures are the supporting hits: they add evidence but cannot make
	// an incident alone. Required selectors are members as well.
	Signatures []Selector `yaml:"signatures"`
	// Require lists selectors that must each match at least one hit of the
	// same key within the window.
	Require []Selector `yaml:"require"`
	// RequireAny lists selectors of which at least one must match, for a
	// problem that shows in more than one way (a reject seen by its status
	// or by its custom data).
	RequireAny []Selector `yaml:"require_any"`
	// UnlessSeen lists selectors whose hits cancel the incident: when one of
	// them, of the same key, comes at or after the incident's first hit,
	// there is no incident (an early warning whose outcome was logged).
	UnlessSeen []Selector `yaml:"unless_seen"`
	// Rejoin lists selectors of events logged once per episode: such a hit
	// joins the key's previous group however long the gap before it, rather
	// than starting a new incident.
	Rejoin []Selector `yaml:"rejoin"`
	// Key names the fields that identify one incident, e.g. [database, server];
	// values compare case-insensitively. A hit lacking a key field is ignored.
	Key          []string `yaml:"key"`
	KeySeparator string   `yaml:"key_separator"` // default `\`, as in DB1\SERVER3
	// Window: hits of one key farther apart than this start a new incident.
	// Go duration syntax plus a "d" suffix for days; empty means never split.
	Window string `yaml:"window"`
	// CountDistinct, when set, makes the incident's count the number of
	// distinct values of this field (e.g. message_id: one message seen in
	// two exports, or logged on two servers, counts once). Hits without the
	// field count one each. Default: distinct records.
	CountDistinct string `yaml:"count_distinct"`
	// CountUnit names what is counted, in the singular, for reports:
	// "message" says "12 messages". Default "record".
	CountUnit string      `yaml:"count_unit"`
	Fields    []FieldSpec `yaml:"fields"`
	Explain   string      `yaml:"explain"` // text/template
	Remedy    []StepSpec  `yaml:"remedy"`
	// Join fills list fields from hits of other signatures that share a
	// value with the incident's own hits, whatever their key: the rows of
	// the same message id (e.g. the DELIVER row naming the mailbox that
	// redirected a message).
	Join []Join `yaml:"join"`

	Where `yaml:"-"`
}

// Selector picks the hits of one signature, optionally only those whose
// fields have given values (case-insensitive, any of a list). In YAML a bare
// string is a selector without condition.
type Selector struct {
	Signature string                `yaml:"signature"`
	Where     map[string]StringList `yaml:"where"`
	// WhereNot excludes hits whose field has one of the values (an absent
	// field has none of them).
	WhereNot map[string]StringList `yaml:"where_not"`
}

// FieldSpec declares one output field of an incident and how the values of
// several hits combine. In YAML a bare string is {name: that}.
type FieldSpec struct {
	Name string `yaml:"name"`
	// From is the hit field to read; default Name.
	From string `yaml:"from"`
	// Signatures restricts the hits read; default all members.
	Signatures []string `yaml:"signatures"`
	// Take is latest (default: the newest hit wins, so the incident shows the
	// current state), first, min, max, or union (sorted unique list over all
	// hits, lists flattened).
	Take string `yaml:"take"`
}

// StepSpec is one remedy step: text and an optional command, both
// text/templates. When/Unless name a field that must be non-empty/empty for
// the step to appear; a step that renders empty is dropped.
//
// Shell (ems, exo or both) is required with a command. A command whose
// cmdlet changes state (New-, Set-, Add-, Remove-, ...) must carry -WhatIf
// and a SideEffects text (a template) saying what else the change affects.
type StepSpec struct {
	Text        string `yaml:"text"`
	Command     string `yaml:"command"`
	Shell       string `yaml:"shell"`
	SideEffects string `yaml:"side_effects"`
	// When and Unless: every field of When must be present, every field
	// of Unless absent (one name or a list).
	When   StringList `yaml:"when"`
	Unless StringList `yaml:"unless"`
	// Rollup: when this step's command is the same in several incidents of
	// one scan, each says so and names the others (one command, N fixes).
	Rollup bool `yaml:"rollup"`
}

// Join names a list field of an incident filled from another signature's
// hits: the Take values of every hit of Signature whose On field equals the
// On field of one of the incident's hits, less the values any of the
// incident's hits has in an Except field (compared case-insensitively).
type Join struct {
	Name      string   `yaml:"name"`
	Signature string   `yaml:"signature"`
	On        string   `yaml:"on"`
	Take      string   `yaml:"take"`
	Except    []string `yaml:"except"`
}

// StringList is a list of strings that YAML may also give as one scalar.
type StringList []string
