package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/patterns"
	"github.com/extriage/extriage/scan"
)

// parseWindow reads --since and --until: RFC 3339 times (a date alone is
// midnight UTC) or a duration back from now ("72h", "7d", "90m").
func parseWindow(since, until string, now time.Time) (scan.Window, error) {
	var w scan.Window
	var err error
	if w.Since, err = parseWhen(since, now); err != nil {
		return w, fmt.Errorf("--since %q: %w", since, err)
	}
	if w.Until, err = parseWhen(until, now); err != nil {
		return w, fmt.Errorf("--until %q: %w", until, err)
	}
	if !w.Since.IsZero() && !w.Until.IsZero() && w.Until.Before(w.Since) {
		return w, fmt.Errorf("--until %s is before --since %s", until, since)
	}
	return w, nil
}

func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if d, ok := parseAgo(s); ok {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("want an RFC 3339 time (2024-02-03T09:00:00Z, or a date 2024-02-03, read as UTC) or a duration back from now (72h, 7d)")
}

// parseAgo reads a Go duration or a whole number of days ("7d").
func parseAgo(s string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		return time.Duration(n) * 24 * time.Hour, err == nil && n >= 0
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d >= 0
}

// parseSeverity reads --min-severity and --fail-on; none is allowed only
// where allowNone says so.
func parseSeverity(flag, s string, allowNone bool) (patterns.Severity, error) {
	v := patterns.Severity(strings.ToLower(strings.TrimSpace(s)))
	if v == "none" && allowNone {
		return v, nil
	}
	if v.Rank() < 0 {
		want := "info, low, medium, high or critical"
		if allowNone {
			want += ", or none"
		}
		return "", fmt.Errorf("%s %q: want %s", flag, s, want)
	}
	return v, nil
}

// atLeast reports whether s is at or above min (none is above everything).
func atLeast(s, min patterns.Severity) bool {
	return min != "none" && s.Rank() >= min.Rank()
}
