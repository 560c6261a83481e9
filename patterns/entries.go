package patterns

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Entry describes one catalog entry for people and scripts (extriage
// patterns list): what it is, how established, and what it reads.
type Entry struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`               // "signature" or "incident"
	Severity   string   `json:"severity,omitempty"` // incidents
	Source     string   `json:"source"`             // "evtx", "trace", or both for an incident: "evtx, trace"
	Status     string   `json:"status"`             // confirmed, unconfirmed, or "" when the entry does not say
	References []string `json:"references"`
	Reads      Reads    `json:"reads"`
	File       string   `json:"file"`
	Line       int      `json:"line,omitempty"`
}

// Reads is what an entry looks at: an evtx signature's channel, provider
// and event id; a trace signature's status strings and column patterns;
// an incident's signatures.
type Reads struct {
	Channel        string            `json:"channel,omitempty"`
	Provider       string            `json:"provider,omitempty"`
	EventID        *uint32           `json:"event_id,omitempty"`
	StatusContains []string          `json:"status_contains,omitempty"`
	Columns        map[string]string `json:"columns,omitempty"`
	EventIs        []string          `json:"event_is,omitempty"`
	// ShapeValues is the number of values of an evtx event recognised by
	// its shape, its id being unknown.
	ShapeValues int      `json:"shape_values,omitempty"`
	Signatures  []string `json:"signatures,omitempty"`
}

// String says what an entry reads in one line.
func (r Reads) String() string {
	switch {
	case r.EventID != nil:
		return fmt.Sprintf("%s / %s / %d", r.Channel, r.Provider, *r.EventID)
	case len(r.Signatures) > 0:
		return strings.Join(r.Signatures, ", ")
	}
	var parts []string
	if r.ShapeValues > 0 {
		parts = append(parts, fmt.Sprintf("%s / %s / an event of %d values (by shape)", r.Channel, r.Provider, r.ShapeValues))
	}
	if len(r.EventIs) > 0 {
		var evs []string
		for _, e := range r.EventIs {
			evs = append(evs, cmp.Or(e, "(empty)"))
		}
		parts = append(parts, "event is "+strings.Join(evs, " or "))
	}
	if len(r.StatusContains) > 0 {
		parts = append(parts, "status contains "+strings.Join(r.StatusContains, " or "))
	}
	for _, c := range sortedKeys(r.Columns) {
		parts = append(parts, fmt.Sprintf("%s ~ %s", c, r.Columns[c]))
	}
	return strings.Join(parts, "; ")
}

// Entries lists the catalog's signatures, then its incidents, in catalog
// order.
func Entries(cat *Catalog) []Entry {
	sources := map[string]string{}
	var out []Entry
	for _, s := range cat.Signatures {
		src := cmp.Or(s.Source, "evtx")
		sources[s.ID] = src
		reads := Reads{Channel: s.Channel, Provider: s.Provider, EventID: s.EventID, StatusContains: s.StatusContains,
			Columns: s.Columns, EventIs: s.EventIs}
		if s.Shape != nil {
			reads.ShapeValues = s.Shape.Values
		}
		out = append(out, Entry{ID: s.ID, Kind: "signature", Source: src, Status: s.Status,
			References: refs(s.References), File: s.Origin, Line: s.Line, Reads: reads})
	}
	for _, r := range cat.Incidents {
		var sigs, srcs []string
		for _, sel := range slices.Concat(r.Require, r.RequireAny, r.Signatures) {
			sigs = append(sigs, sel.String())
			if src := sources[sel.Signature]; src != "" && !slices.Contains(srcs, src) {
				srcs = append(srcs, src)
			}
		}
		slices.Sort(srcs)
		out = append(out, Entry{ID: r.ID, Kind: "incident", Severity: strings.ToLower(r.Severity), Source: strings.Join(srcs, ", "),
			Status: r.Status, References: refs(r.References), File: r.Origin, Line: r.Line, Reads: Reads{Signatures: sigs}})
	}
	return out
}

func refs(r []string) []string {
	if r == nil {
		return []string{}
	}
	return r
}

// String is the selector as written in short: the signature id, and its
// conditions (ha.lag-playdown where reason_code=LagDisabled).
func (s Selector) String() string {
	if len(s.Where) == 0 {
		return s.Signature
	}
	var conds []string
	for _, f := range sortedKeys(s.Where) {
		conds = append(conds, f+"="+strings.Join(s.Where[f], "|"))
	}
	return s.Signature + " where " + strings.Join(conds, ", ")
}

// Find returns the signature or incident of this id, and its kind.
func (cat *Catalog) Find(id string) (sig *Signature, rule *Rule) {
	for i := range cat.Signatures {
		if cat.Signatures[i].ID == id {
			return &cat.Signatures[i], nil
		}
	}
	for i := range cat.Incidents {
		if cat.Incidents[i].ID == id {
			return nil, &cat.Incidents[i]
		}
	}
	return nil, nil
}
