package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runOut(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A pattern that is not built in: an Application event of the field case's
// fixture files would not do, so it reads the HighAvailability 738 the
// fixtures hold, under an id of its own, and is tested on a fixture file.
const userPattern = `signatures:
  - id: my.suppressed
    status: unconfirmed
    references: [shared/docs/exchange-reference.md §1]
    channel: Microsoft-Exchange-HighAvailability/Operational
    provider: Microsoft-Exchange-HighAvailability
    event_id: 738
    fields: [database, server]
incidents:
  - id: my.lag-suppressed
    status: unconfirmed
    references: [shared/docs/exchange-reference.md §1]
    title: 'Lag disable suppressed for {{.database}}'
    severity: low
    require: [my.suppressed]
    key: [database]
    fields: [server]
    explain: '{{.count}} suppressed requests on {{.server}}.'
`

const userPatternTests = `tests:
  - name: the field case
    pattern: my.lag-suppressed
    files: [../../fixtures/evtx/field-case]
    expect:
      - key: DB1
        count: 6
        fields: {server: SERVER3}
        explain_contains: [6 suppressed requests on SERVER3]
  - name: low disk holds no 738
    pattern: my.lag-suppressed
    files: [../../fixtures/evtx/low-disk]
    expect: none
  - name: one record
    pattern: my.suppressed
    records: [{channel: Microsoft-Exchange-HighAvailability/Operational, provider: Microsoft-Exchange-HighAvailability, event_id: 738, values: [DB9, EX9]}]
    expect: [{fields: {database: DB9, server: EX9}}]
  - name: another provider
    pattern: my.suppressed
    records: [{channel: Microsoft-Exchange-HighAvailability/Operational, provider: MSExchangeRepl, event_id: 738, values: [DB9, EX9]}]
    expect: none
`

// userDir writes the user's folder; the fixture paths of its tests become
// absolute, since the folder is not beside fixtures/.
func userDir(t *testing.T, files map[string]string) string {
	t.Helper()
	abs, err := filepath.Abs(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		files[name] = strings.ReplaceAll(body, "../../fixtures", filepath.ToSlash(abs))
	}
	return writeFiles(t, files)
}

func TestPatternsTest(t *testing.T) {
	good := userDir(t, map[string]string{"my.yaml": userPattern, "my.tests.yaml": userPatternTests})
	broken := userDir(t, map[string]string{"my.yaml": strings.Replace(userPattern, "fields: [database, server]", "fields: [server, database]", 1),
		"my.tests.yaml": userPatternTests})
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"built-in", []string{"patterns", "test"}, 0, []string{"64 cases: 64 passed, 0 failed, 0 skipped"}},
		{"a user's folder", []string{"patterns", "test", "--no-builtin", "-v", good}, 0,
			[]string{`ok   ` + filepath.Join(good, "my.tests.yaml") + `:2: my.lag-suppressed "the field case"`, "4 cases: 4 passed"}},
		{"a broken copy", []string{"patterns", "test", "--no-builtin", broken}, 1, []string{
			`FAIL ` + filepath.Join(broken, "my.tests.yaml") + `:2: my.lag-suppressed "the field case"`,
			`want an incident of my.lag-suppressed with key "DB1"; got none (found instead: incident my.lag-suppressed "SERVER3" (count 6))`,
			`hit of my.suppressed: field database: want "DB9", got "EX9"`, "4 cases: 2 passed, 2 failed"}},
		{"an entry without tests", []string{"patterns", "test", "--no-builtin", userDir(t, map[string]string{"my.yaml": userPattern})}, 0,
			[]string{"note: ", "my.yaml:2: signature my.suppressed has no positive case and no negative case (expect: none)", "0 cases: 0 passed"}},
		{"a folder that does not load", []string{"patterns", "test", writeFiles(t, map[string]string{"x.yaml": "signatures:\n  - id: x\n    chanel: C\n"})}, 2,
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runOut(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	// The same folder works in a scan without a line of Go.
	doc, code := scanJSON(t, "--patterns", good, filepath.Join(fixtures, "evtx", "field-case"))
	var found bool
	for _, inc := range doc.Incidents {
		found = found || inc.Pattern == "my.lag-suppressed"
	}
	if !found || code != exitIncidents {
		t.Errorf("scan --patterns: exit %d, user incident found %v", code, found)
	}
	// Its basis is marked unconfirmed: the JSON report says so on the incident.
	out, _, _ := runOut(t, "scan", "--format", "json", "--patterns", good, filepath.Join(fixtures, "evtx", "field-case"))
	var caveats struct {
		Incidents []struct {
			Pattern string
			Caveats []string
		}
	}
	if err := json.Unmarshal([]byte(out), &caveats); err != nil {
		t.Fatal(err)
	}
	for _, inc := range caveats.Incidents {
		mine := inc.Pattern == "my.lag-suppressed"
		if got := strings.Join(inc.Caveats, " "); mine != strings.Contains(got, "The incident rule my.lag-suppressed is marked unconfirmed") ||
			mine != strings.Contains(got, "The signature my.suppressed is marked unconfirmed in the catalog: event 738 of Microsoft-Exchange-HighAvailability") {
			t.Errorf("%s: caveats %q", inc.Pattern, inc.Caveats)
		}
	}
}

func TestPatternsListShowLint(t *testing.T) {
	good := userDir(t, map[string]string{"my.yaml": userPattern, "my.tests.yaml": userPatternTests})
	out, _, code := runOut(t, "patterns", "list", "--format", "json", "--patterns", good)
	var entries []struct {
		ID, Kind, Status string
		References       []string
		Reads            struct {
			Channel string
			EventID *int `json:"event_id"`
		}
	}
	if err := json.Unmarshal([]byte(out), &entries); err != nil || code != 0 {
		t.Fatalf("list: exit %d, %v\n%s", code, err, out)
	}
	if len(entries) != 26 || entries[12].ID != "my.suppressed" || entries[12].Status != "unconfirmed" || entries[12].Reads.EventID == nil || *entries[12].Reads.EventID != 738 {
		t.Errorf("list: %+v", entries)
	}

	out, _, code = runOut(t, "patterns", "show", "my.lag-suppressed", "--patterns", good)
	for _, w := range []string{"# incident my.lag-suppressed (" + filepath.Join(good, "my.yaml") + ":10)", "title: 'Lag disable suppressed for {{.database}}'",
		"Status: unconfirmed", "  - shared/docs/exchange-reference.md §1", `Title (from the test "the field case"):`, "Lag disable suppressed for DB1",
		"6 suppressed requests on SERVER3", "positive  the field case: passes", "negative  low disk holds no 738: passes"} {
		if !strings.Contains(out, w) || code != 0 {
			t.Errorf("show: exit %d, lacks %q:\n%s", code, w, out)
		}
	}
	if _, errOut, code := runOut(t, "patterns", "show", "no.such"); code != exitError || !strings.Contains(errOut, "patterns list") {
		t.Errorf("show of an unknown id: exit %d, %s", code, errOut)
	}

	noNegative := userDir(t, map[string]string{"my.yaml": userPattern + "  - id: my.unused-rule\n    title: t\n    severity: low\n    require: [my.suppressed]\n    key: [server]\n",
		"my.tests.yaml": userPatternTests})
	out, _, code = runOut(t, "patterns", "lint", noNegative)
	for _, w := range []string{filepath.Join(noNegative, "my.yaml") + ":19: warning: incident my.unused-rule has no test case",
		"warning: incident my.unused-rule: no status", "3 warnings"} {
		if !strings.Contains(out, w) || code != 0 {
			t.Errorf("lint: exit %d, lacks %q:\n%s", code, w, out)
		}
	}
	if _, _, code := runOut(t, "patterns", "lint", "--strict", noNegative); code != 1 {
		t.Errorf("lint --strict with warnings: exit %d", code)
	}
	bad := writeFiles(t, map[string]string{"x.yaml": "signatures:\n  - id: x\n    chanel: C\n"})
	out, _, code = runOut(t, "patterns", "lint", bad)
	if want := filepath.Join(bad, "x.yaml") + ":3: field chanel not found"; code != 1 || !strings.Contains(out, want) {
		t.Errorf("lint of a bad file: exit %d, lacks %q:\n%s", code, want, out)
	}
	// Every built-in entry is tested and says how well it is established.
	if out, _, code := runOut(t, "patterns", "lint"); code != 0 || strings.Contains(out, "test case") ||
		strings.Contains(out, "no status") || strings.Contains(out, "no references") || !strings.Contains(out, "0 warnings") {
		t.Errorf("lint of the built-in catalog: exit %d\n%s", code, out)
	}
}

// The worked example of docs/patterns.md stays true: its tests pass, and
// lint finds exactly the warning the guide shows.
func TestPatternsGuideExample(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "examples", "log-cleared")
	if out, _, code := runOut(t, "patterns", "test", "--no-builtin", dir); code != exitClean || !strings.Contains(out, "4 cases: 4 passed, 0 failed") {
		t.Errorf("patterns test: exit %d\n%s", code, out)
	}
	out, _, code := runOut(t, "patterns", "lint", dir)
	if code != exitClean || !strings.Contains(out, "use the field backup_path, which no test case sets") || !strings.Contains(out, "\n1 warning\n") {
		t.Errorf("patterns lint: exit %d\n%s", code, out)
	}
}
