// Package scan is the pipeline every command that reads logs shares: it
// expands the paths (package input), reads each input with a bounded pool
// of workers, each input by its kind (package kinds: the evtx and trace
// readers, each record adapted to a patterns.Record), matches the records
// and correlates the hits into incidents, and sums up what was read,
// skipped and damaged in a report.Summary, whatever the kind.
//
// [Run] takes everything from its [Config] (paths, matcher, reader options,
// standard input, clock, progress sink) and keeps no state between calls,
// so scans can run side by side, as tests do. Choosing what to report and
// the exit code is left to the caller: the [Result] holds every incident
// found and the summary, whose Inputs and Partial decide a scan that read
// nothing or read only part of its inputs.
package scan
