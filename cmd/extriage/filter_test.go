package main

import (
	"testing"
	"time"
)

func TestParseWindow(t *testing.T) {
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		since, until string
		in, out      []string // times inside and outside the window
		err          bool
	}{
		{"", "", []string{"2000-01-01T00:00:00Z"}, nil, false},
		{"2024-03-01", "", []string{"2024-03-01T00:00:00Z", "2024-03-09T00:00:00Z"}, []string{"2024-02-29T23:59:59Z"}, false},
		{"", "2024-03-01T10:00:00+02:00", []string{"2024-03-01T08:00:00Z"}, []string{"2024-03-01T08:00:01Z"}, false},
		{"72h", "", []string{"2024-03-07T12:00:00Z"}, []string{"2024-03-07T11:59:59Z"}, false},
		{"2d", "1d", []string{"2024-03-09T00:00:00Z"}, []string{"2024-03-09T12:00:01Z", "2024-03-08T11:00:00Z"}, false},
		{"2024-03-05 08:00:00", "", []string{"2024-03-05T08:00:00Z"}, []string{"2024-03-05T07:59:59Z"}, false},
		{"soon", "", nil, nil, true},
		{"-5h", "", nil, nil, true},
		{"2024-03-02", "2024-03-01", nil, nil, true},
	}
	for _, tt := range tests {
		w, err := parseWindow(tt.since, tt.until, now)
		if (err != nil) != tt.err {
			t.Errorf("parseWindow(%q, %q) err = %v", tt.since, tt.until, err)
			continue
		}
		for _, s := range tt.in {
			if at, _ := time.Parse(time.RFC3339, s); !w.Contains(at) {
				t.Errorf("window(%q, %q) excludes %s", tt.since, tt.until, s)
			}
		}
		for _, s := range tt.out {
			if at, _ := time.Parse(time.RFC3339, s); w.Contains(at) {
				t.Errorf("window(%q, %q) includes %s", tt.since, tt.until, s)
			}
		}
		if (tt.since != "" || tt.until != "") && !tt.err && w.Contains(time.Time{}) {
			t.Errorf("window(%q, %q) includes a record of unknown time", tt.since, tt.until)
		}
	}
}
