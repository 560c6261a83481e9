package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The merge property: the reports of two halves of the fixtures, merged,
// hold the same incidents as one scan of all of them, and their summaries
// add up to its summary. The halves share incidents: a tracking log split
// in two by rows (its messages in both halves), and the field case in both
// (the same records in two copies).
func TestMergeHalves(t *testing.T) {
	tmp := t.TempDir()
	var logs []string
	for _, kind := range []string{"evtx", "trace"} {
		entries, err := os.ReadDir(filepath.Join(fixtures, kind))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() && e.Name() != "af-tracking-log" && e.Name() != "field-case" {
				logs = append(logs, filepath.Join(fixtures, kind, e.Name()))
			}
		}
	}
	first, second := splitTrackingLog(t, tmp)
	field := filepath.Join(fixtures, "evtx", "field-case")
	fieldCopy := filepath.Join(tmp, "copy-of-field-case")
	if err := os.CopyFS(fieldCopy, os.DirFS(field)); err != nil {
		t.Fatal(err)
	}
	halves := [2][]string{{first, field}, {second, fieldCopy}}
	for i, l := range logs {
		halves[i%2] = append(halves[i%2], l)
	}
	var reports []string
	for i, half := range halves {
		path := filepath.Join(tmp, []string{"a.json", "b.ndjson"}[i])
		var out, errOut bytes.Buffer
		if code := run(append([]string{"scan", "-q", "-o", path}, half...), &out, &errOut); code != exitPartial {
			t.Fatalf("scan of half %d: exit %d: %s", i, code, errOut.String())
		}
		reports = append(reports, path)
	}
	whole, code := scanAll(t, append(halves[0], halves[1]...))
	var out, errOut bytes.Buffer
	mcode := run(append([]string{"merge", "-f", "json"}, reports...), &out, &errOut)
	if mcode != code {
		t.Errorf("merge exit %d, one scan %d: %s", mcode, code, errOut.String())
	}
	merged := decodeReport(t, out.Bytes())
	crossed := 0
	for i := range merged.Incidents {
		if len(merged.Incidents[i]["seen_in"].([]any)) == 2 {
			crossed++
		}
		delete(merged.Incidents[i], "seen_in")
	}
	if crossed != 2 {
		t.Errorf("%d incidents seen in both halves, want 2 (the split log's and the field case)", crossed)
	}
	a, _ := json.MarshalIndent(merged.Incidents, "", " ")
	b, _ := json.MarshalIndent(whole.Incidents, "", " ")
	if !bytes.Equal(a, b) {
		t.Errorf("merged incidents differ from one scan's:\n%s", firstDiff(string(a), string(b)))
	}
	for _, k := range []string{"inputs", "records", "records_lost", "bytes", "partial", "incidents_by_severity"} {
		if x, y := jsonText(merged.Summary[k]), jsonText(whole.Summary[k]); x != y {
			t.Errorf("summary %s: merged %s, one scan %s", k, x, y)
		}
	}
}

type looseReport struct {
	Summary   map[string]any   `json:"summary"`
	Incidents []map[string]any `json:"incidents"`
}

func scanAll(t *testing.T, paths []string) (looseReport, int) {
	var out, errOut bytes.Buffer
	code := run(append([]string{"scan", "-f", "json"}, paths...), &out, &errOut)
	return decodeReport(t, out.Bytes()), code
}

func decodeReport(t *testing.T, b []byte) looseReport {
	t.Helper()
	var r looseReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("not a JSON report: %v: %.200s", err, b)
	}
	return r
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return strings.Join(la[max(0, i-5):min(len(la), i+3)], "\n") + "\n--- one scan:\n" + strings.Join(lb[max(0, i-5):min(len(lb), i+3)], "\n")
		}
	}
	return "lengths differ"
}

// splitTrackingLog writes the af-tracking-log fixture as two logs, each
// with the header and half of the rows, in separate folders of dir.
func splitTrackingLog(t *testing.T, dir string) (string, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "trace", "af-tracking-log", "MSGTRK2024020309-1.LOG"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	body := slices.IndexFunc(lines, func(l string) bool { return !strings.HasPrefix(strings.TrimPrefix(l, "\ufeff"), "#") })
	mid := body + (len(lines)-body)/2
	var paths []string
	for i, rows := range [][]string{lines[body:mid], lines[mid:]} {
		sub := filepath.Join(dir, []string{"EX01-a", "EX01-b"}[i])
		os.Mkdir(sub, 0o755)
		path := filepath.Join(sub, "MSGTRK2024020309-1.LOG")
		if err := os.WriteFile(path, []byte(strings.Join(lines[:body], "")+strings.Join(rows, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, sub)
	}
	return paths[0], paths[1]
}

// TestMergeGolden merges the reports of two servers' exports, with the
// clock stopped, and compares the merged HTML (with its server × incident
// matrix) and JSON with testdata/. Run with -update and review the diff.
func TestMergeGolden(t *testing.T) {
	tmp := t.TempDir()
	first, second := splitTrackingLog(t, tmp)
	inputs := [][]string{
		{first, filepath.Join(fixtures, "evtx", "field-case"), filepath.Join(fixtures, "trace", "extended-report")},
		{second, filepath.Join(fixtures, "evtx", "low-disk"), filepath.Join(fixtures, "evtx", "damaged-zeroed-signature")},
	}
	var reports []string
	for i, in := range inputs {
		path := filepath.Join(tmp, []string{"night-1.json", "night-2.json"}[i])
		var out, errOut bytes.Buffer
		runEnv(append([]string{"scan", "-q", "-o", path}, in...), goldenEnv(&out, &errOut))
		reports = append(reports, path)
	}
	for _, format := range []string{"html", "json"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			runEnv(append([]string{"merge", "-f", format}, reports...), goldenEnv(&out, &errOut))
			// The temporary folder's name changes from run to run.
			got := bytes.ReplaceAll(out.Bytes(), []byte(filepath.ToSlash(tmp)), []byte("TMP"))
			compareGolden(t, filepath.Join("testdata", "merged."+format), got, errOut.String())
		})
	}
}

// merge writes -o safely and says what it wrote; a file that is not a
// report is an error naming it, and nothing is written.
func TestMergeOutput(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.ndjson")
	var out, errOut bytes.Buffer
	run([]string{"scan", "-q", "-o", a, filepath.Join(fixtures, "evtx", "field-case")}, &out, &errOut)
	run([]string{"scan", "-q", "-o", b, filepath.Join(fixtures, "evtx", "low-disk")}, &out, &errOut)
	merged := filepath.Join(dir, "fleet.html")
	errOut.Reset()
	if code := run([]string{"merge", "-o", merged, a, b}, &out, &errOut); code != exitIncidents {
		t.Errorf("merge: exit %d: %s", code, errOut.String())
	}
	if want := "report written to " + merged + ": 2 incidents (1 high, 1 medium), from 2 reports\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
	if b, err := os.ReadFile(merged); err != nil || !bytes.Contains(b, []byte(`id="matrix"`)) {
		t.Errorf("the merged HTML has no matrix (%v)", err)
	}
	notReport := filepath.Join(dir, "notes.json")
	os.WriteFile(notReport, []byte(`{"hello": 1}`), 0o644)
	errOut.Reset()
	if code := run([]string{"merge", "-o", filepath.Join(dir, "x.json"), a, notReport}, &out, &errOut); code != exitError ||
		!strings.Contains(errOut.String(), notReport) {
		t.Errorf("merging a non-report: exit %d, stderr %q", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
		t.Error("a failed merge wrote its output")
	}
}
