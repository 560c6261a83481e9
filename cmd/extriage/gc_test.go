package main

import (
	"runtime/debug"
	"testing"
)

// The collector is tuned unless the user's GOGC or GOMEMLIMIT says
// otherwise: a setting of the user's is never overridden.
func TestTuneGC(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	})
	for _, tc := range []struct {
		name                   string
		env                    map[string]string
		wantPercent, wantSet   int
		wantLimit, wantLimited int64
	}{
		{name: "nothing set", env: nil, wantPercent: gcPercent, wantSet: gcPercent, wantLimit: memoryLimit, wantLimited: memoryLimit},
		{name: "GOGC set", env: map[string]string{"GOGC": "50"}, wantPercent: -1, wantSet: 100, wantLimit: memoryLimit, wantLimited: memoryLimit},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "1GiB"}, wantPercent: gcPercent, wantSet: gcPercent, wantLimit: -1, wantLimited: 1 << 40},
		{name: "both set", env: map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, wantPercent: -1, wantSet: 100, wantLimit: -1, wantLimited: 1 << 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Stand-ins for what the runtime applied from the user's variables.
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(1 << 40)
			percent, limit := tuneGC(func(k string) string { return tc.env[k] })
			if percent != tc.wantPercent || limit != tc.wantLimit {
				t.Errorf("tuneGC returned (%d, %d), want (%d, %d)", percent, limit, tc.wantPercent, tc.wantLimit)
			}
			if got := debug.SetGCPercent(100); got != tc.wantSet {
				t.Errorf("GC percent is %d, want %d", got, tc.wantSet)
			}
			if got := debug.SetMemoryLimit(-1); got != tc.wantLimited {
				t.Errorf("memory limit is %d, want %d", got, tc.wantLimited)
			}
		})
	}
}
