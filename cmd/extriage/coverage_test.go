package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A scan of logs from no source the catalog reads says so; one of the
// catalog's own channel counts its records.
func TestScanCoverage(t *testing.T) {
	for _, tt := range []struct {
		dir     string
		covered func(records, covered int) bool
		warn    bool
	}{
		{"negative-service-started", func(_, c int) bool { return c == 0 }, true},
		{"negative-healthy-lag", func(r, c int) bool { return c == r && c > 0 }, false},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			path := filepath.Join(fixtures, "evtx", tt.dir)
			out, _, code := runOut(t, "scan", "--format", "json", path)
			var doc struct {
				Summary struct {
					Records  int
					Coverage struct {
						Records int
						Sources []string
					}
				}
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitClean {
				t.Fatalf("exit %d, %v", code, err)
			}
			if s := doc.Summary; !tt.covered(s.Records, s.Coverage.Records) || len(s.Coverage.Sources) == 0 {
				t.Errorf("records %d, coverage %+v", s.Records, s.Coverage)
			}
			table, _, _ := runOut(t, "scan", path)
			if got := strings.Contains(table, "holds no record the catalog could match"); got != tt.warn {
				t.Errorf("warning shown %v, want %v:\n%s", got, tt.warn, table)
			}
		})
	}
}
