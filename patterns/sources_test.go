package patterns

import (
	"strings"
	"testing"
)

// EvtxSources lists every channel and provider Wants takes, once each: a
// reader that passes over logs without them must lose no wanted record.
func TestEvtxSources(t *testing.T) {
	m := mustBuiltin(t)
	sources := m.EvtxSources()
	listed := func(channel, provider string) bool {
		for _, s := range sources {
			if strings.EqualFold(s.Channel, channel) && strings.EqualFold(s.Provider, provider) {
				return true
			}
		}
		return false
	}
	seen := map[EvtxSource]bool{}
	for _, s := range sources {
		if seen[s] {
			t.Errorf("%+v listed twice", s)
		}
		seen[s] = true
	}
	if !listed(haChannel, haProvider) {
		t.Errorf("the HighAvailability channel and provider are not listed: %+v", sources)
	}
	wanted := 0
	for id, sigs := range m.byEvent {
		for _, s := range sigs {
			// Asked as a log may write them: in another case.
			ch, pr := strings.ToUpper(s.channel), strings.ToLower(s.provider)
			if !m.Wants(ch, pr, id) {
				continue
			}
			wanted++
			if !listed(ch, pr) {
				t.Errorf("Wants(%q, %q, %d) is true but EvtxSources does not list them", ch, pr, id)
			}
		}
	}
	for _, s := range m.byShape {
		// A shape signature has no id: any id of its source is wanted.
		if !m.Wants(s.channel, s.provider, 0) {
			t.Errorf("the shape signature %s is not wanted", s.id)
		}
		if !listed(s.channel, s.provider) {
			t.Errorf("the shape signature %s reads %s/%s, which EvtxSources does not list", s.id, s.channel, s.provider)
		}
	}
	if len(m.byShape) == 0 {
		t.Error("the built-in catalog has no shape signature any more: check this test still proves something")
	}
	if wanted == 0 {
		t.Fatal("the catalog wants no evtx record: the test proves nothing")
	}
	if m.Wants("Application", "MSExchangeRepl", 2001) && !listed("Application", "MSExchangeRepl") {
		t.Error("MSExchangeRepl in Application is wanted but not listed")
	}
}
