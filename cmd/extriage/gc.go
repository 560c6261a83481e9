package main

import "runtime/debug"

// The garbage collector's settings for a scan. A scan's live heap is a few
// MiB whatever the input (a bounded pool of 64 KiB chunks and the hits
// found), while it allocates hundreds of MiB a second in short-lived
// values; with Go's default (GOGC=100) the heap goal is then about 4 MiB
// and the collector runs all the time. A higher percent lets the heap grow
// to a few times that before collecting, and the soft limit makes the
// collector work harder, whatever the percent, before the heap nears it:
// peak memory stays far under the 200 MB the tool promises.
const (
	gcPercent   = 400
	memoryLimit = 160 << 20 // bytes, soft (runtime/debug.SetMemoryLimit)
)

// tuneGC applies gcPercent and memoryLimit, each unless the user set its
// environment variable (GOGC, GOMEMLIMIT), which the Go runtime has then
// applied already. It returns what it set: -1 for a setting left alone.
func tuneGC(getenv func(string) string) (percent int, limit int64) {
	percent, limit = -1, -1
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		percent = gcPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		limit = memoryLimit
	}
	return percent, limit
}
