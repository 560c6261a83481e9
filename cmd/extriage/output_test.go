package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// -o replaces the report only with a complete one, keeps its permissions,
// leaves no temporary file, and says on standard error where it went and
// what it found, unless --quiet.
func TestOutputFile(t *testing.T) {
	field := filepath.Join(fixtures, "evtx", "field-case")
	damaged := filepath.Join(fixtures, "evtx", "damaged-zeroed-signature")
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("not a log"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		replaced bool
		stderr   string // "" for none at all
	}{
		{"incident", []string{field}, exitIncidents, true, "report written to REPORT: 1 incident (1 high)\n"},
		{"quiet", []string{"-q", field}, exitIncidents, true, ""},
		{"partial", []string{"--min-severity", "medium", field, damaged, filepath.Join(fixtures, "evtx", "low-disk")}, exitPartial, true,
			"report written to REPORT: 3 incidents (2 high, 1 medium), partial scan\n"},
		{"clean", []string{filepath.Join(fixtures, "evtx", "negative-healthy-lag")}, exitClean, true, "report written to REPORT: no incident\n"},
		{"nothing scanned", []string{empty}, exitError, false, "REPORT was not written"},
		{"missing path", []string{field, filepath.Join(empty, "gone")}, exitError, false, "does not exist"},
		{"bad flag", []string{"--since", "soon", field}, exitError, false, "--since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			report := filepath.Join(dir, "report.json")
			old := []byte("yesterday's report\n")
			if err := os.WriteFile(report, old, 0o640); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := run(append([]string{"scan", "-o", report}, tt.args...), &out, &errOut)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errOut.String())
			}
			got, _ := os.ReadFile(report)
			if replaced := !bytes.Equal(got, old); replaced != tt.replaced {
				t.Errorf("report replaced %v, want %v", replaced, tt.replaced)
			}
			if tt.replaced && !bytes.HasPrefix(got, []byte("{\n  \"schema_version\"")) {
				t.Errorf("the new report is not a JSON report: %.80q", got)
			}
			want := strings.ReplaceAll(tt.stderr, "REPORT", report)
			switch {
			case want == "" && errOut.Len() > 0:
				t.Errorf("stderr: %q, want nothing", errOut.String())
			case strings.HasSuffix(want, "\n") && errOut.String() != want:
				t.Errorf("stderr: %q, want %q", errOut.String(), want)
			case !strings.Contains(errOut.String(), want):
				t.Errorf("stderr: %q, want it to say %q", errOut.String(), want)
			}
			if out.Len() > 0 {
				t.Errorf("standard output got %d bytes with -o", out.Len())
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("the folder holds %v, want the report alone", entries)
			}
			if fi, err := os.Stat(report); runtime.GOOS != "windows" && (err != nil || fi.Mode().Perm() != 0o640) {
				t.Errorf("report mode %v (%v), want the old file's 0640", fi.Mode(), err)
			}
		})
	}
}

// Where the report cannot go is found before the scan starts.
func TestOutputRefused(t *testing.T) {
	dir := t.TempDir()
	readOnly := filepath.Join(dir, "ro.json")
	os.WriteFile(readOnly, []byte("kept"), 0o444)
	field := filepath.Join(fixtures, "evtx", "field-case")
	for name, tt := range map[string]struct{ path, says string }{
		"folder":         {dir, "it is a folder"},
		"read-only":      {readOnly, "read-only"},
		"missing folder": {filepath.Join(dir, "no", "such", "r.json"), "r.json"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run([]string{"scan", "-o", tt.path, "-f", "json", field}, &out, &errOut); code != exitError ||
				!strings.Contains(errOut.String(), tt.says) || strings.Contains(errOut.String(), "written") {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut.String(), tt.says)
			}
		})
	}
	if b, _ := os.ReadFile(readOnly); string(b) != "kept" {
		t.Errorf("the read-only report became %q", b)
	}
}
