package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A report written as json or ndjson reads back as the same result: what
// merge relies on.
func TestReadReportRoundTrip(t *testing.T) {
	want := sample()
	want.Summary.normalise()
	for _, format := range []string{"json", "ndjson"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r."+format)
			if err := os.WriteFile(path, []byte(render(t, format, sample(), Options{})), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadReport(path)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(want)
			if string(a) != string(b) {
				t.Errorf("read back:\n%s\nwritten:\n%s", a, b)
			}
		})
	}
}

func TestReadReportErrors(t *testing.T) {
	dir := t.TempDir()
	full := render(t, "ndjson", sample(), Options{})
	for name, tt := range map[string]struct{ body, says string }{
		"empty":              {"", "the file is empty"},
		"not json":           {"Incidents: 1 high", "it is not JSON"},
		"no incidents":       {`{"schema_version":1}`, "no schema_version, summary or incidents"},
		"newer":              {`{"schema_version":99,"summary":{},"incidents":[]}`, "newer than this extriage reads"},
		"ndjson cut short":   {full[:strings.LastIndex(full, `{"type":"summary"`)], "ends before its summary line"},
		"ndjson line type":   {`{"type":"other"}`, `line 1 has type "other"`},
		"bad duration value": {`{"schema_version":1,"summary":{"duration_seconds":"x"},"incidents":[]}`, "duration_seconds"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
			os.WriteFile(path, []byte(tt.body), 0o644)
			_, err := ReadReport(path)
			if err == nil || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want it to name the file and say %q", err, tt.says)
			}
		})
	}
}
