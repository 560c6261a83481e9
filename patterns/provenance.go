package patterns

import (
	"fmt"
	"slices"
	"strings"
)

// Statuses an entry's provenance may have.
const (
	StatusConfirmed   = "confirmed"
	StatusUnconfirmed = "unconfirmed"
)

// check validates what is present: provenance is optional for now.
func (p Provenance) check() error {
	if p.Status != "" && p.Status != StatusConfirmed && p.Status != StatusUnconfirmed {
		return fmt.Errorf("status %q: want confirmed or unconfirmed", p.Status)
	}
	for i, r := range p.References {
		if strings.TrimSpace(r) == "" {
			return fmt.Errorf("references #%d: empty; give a URL or a document title", i+1)
		}
	}
	return nil
}

func (c *compiledSig) setProvenance(s Signature) error {
	c.unconfirmed = s.Status == StatusUnconfirmed
	return s.Provenance.check()
}

func (c *compiledRule) setProvenance(r Rule, _ map[string]*compiledSig) error {
	c.unconfirmed = r.Status == StatusUnconfirmed
	return r.Provenance.check()
}

// caveats say which parts of an incident's basis the catalog marks
// unconfirmed: the rule itself, and each signature that supplied a hit.
func (r *compiledRule) caveats(supplied []string, sigs map[string]*compiledSig) []string {
	var out []string
	if r.unconfirmed {
		out = append(out, fmt.Sprintf("The incident rule %s is marked unconfirmed in the catalog: what it concludes has not been checked against a real export or a public source.", r.id))
	}
	var seen []string
	for _, id := range supplied {
		if s := sigs[id]; s != nil && s.unconfirmed && !slices.Contains(seen, s.id) {
			seen = append(seen, s.id)
		}
	}
	slices.Sort(seen)
	for _, id := range seen {
		out = append(out, fmt.Sprintf("The signature %s is marked unconfirmed in the catalog: %s.", id, sigs[id].what()))
	}
	return out
}

// what says what an unconfirmed signature rests on, in words.
func (c *compiledSig) what() string {
	if c.trace {
		return "the trace statuses it matches have not been checked against a real export or a public source"
	}
	return fmt.Sprintf("event %d of %s in %s, and the meaning of its values, have not been checked against a real export or a public source",
		c.eventID, c.provider, c.channel)
}
