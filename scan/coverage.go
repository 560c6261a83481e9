package scan

import (
	"sync/atomic"

	"github.com/extriage/extriage/kinds"
	"github.com/extriage/extriage/patterns"
)

// coverage is the prefilter every scan reads through. Every event passes
// Wants before its values are decoded, so that is where the records of a
// source the catalog reads are counted, at no decoding cost; the decision
// is next's (nil: every record is wanted).
type coverage struct {
	m    *patterns.Matcher
	next kinds.Prefilter
	n    atomic.Int64
}

func (c *coverage) Wants(channel, provider string, eventID uint32) bool {
	if c.m.ReadsSource(channel, provider) {
		c.n.Add(1)
	}
	return c.next == nil || c.next.Wants(channel, provider, eventID)
}

func (c *coverage) WantsTrace(status, event, customData string) bool {
	return c.next == nil || c.next.WantsTrace(status, event, customData)
}

// visitFilter is the prefilter of a scan that visits records: want decides
// for events (nil: all), and every trace row is visited.
type visitFilter struct {
	want func(channel, provider string, eventID uint32) bool
}

func (v visitFilter) Wants(channel, provider string, eventID uint32) bool {
	return v.want == nil || v.want(channel, provider, eventID)
}

func (visitFilter) WantsTrace(string, string, string) bool { return true }
