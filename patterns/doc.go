// Package patterns recognises known Exchange failures in normalised records
// and groups what it recognises into explained incidents.
//
// The knowledge lives in data, not code: a catalog of YAML files (embedded
// from catalog/, extendable with user directories) declares signatures, which
// recognise one kind of record and pull named fields out of it, and incident
// rules, which say which signature hits belong together, what they mean and
// how to fix it. The Go code is a small engine around that data:
//
//	cat, err := patterns.Load(userDirs...)   // builtin catalog + user YAML, validated
//	m, err := patterns.Compile(cat)          // index signatures, compile regexes and templates
//	c := patterns.NewCorrelator(m)
//	for each record r:
//	    if r is evtx && !m.Wants(r.Channel, r.Provider, r.EventID) { skip decoding its values }
//	    for _, h := range m.Match(&r) { c.Add(h) }
//	incidents := c.Incidents()
//
// The correlator groups hits into incidents as they arrive and keeps, per
// incident, exact counts and the first and last EvidenceKept evidence
// records, never every hit: memory does not grow with the hits' text. An
// incident's ProblemID names its problem (pattern and key) in every scan;
// its ID names the episode (pattern, key and first_seen).
//
// Two template languages are used on purpose. A signature's message uses
// {field} placeholders because it must run both ways: render the message an
// offline .evtx record lacks, and, compiled to a regular expression, extract
// the fields from exports that carry only the rendered text. Incident titles,
// explanations and remedies are Go text/template, because they need
// conditionals and functions (join, first, list) but never run backwards.
package patterns
