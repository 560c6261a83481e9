// Command benchcheck reads the JSON reports scripts/bench.sh collects, so
// that the script needs no JSON tool of its own. It is a helper of the
// benchmark, not part of extriage.
//
//	benchcheck summary REPORT.json
//	    prints the report's summary as shell assignments:
//	    inputs= records= lost= bytes= errors= incidents=
//	benchcheck incidents A.json B.json
//	    exits 0 if both reports hold the same incidents (every field of
//	    every incident, evidence included; the summary's times and durations
//	    are not compared), else prints the first difference and exits 1
//	benchcheck baseline BASELINE.json
//	    prints the golang-evtx baseline's closing line as shell assignments:
//	    files= files_failed= bytes= chunks_failed= records= record_errors=
//	benchcheck planted BULK.json REPORT.json
//	    checks that every incident fixtures/bulk planted (its -json summary)
//	    is in the report with the same pattern, key and count, and that the
//	    report has no other; prints the verdict, exits 1 on a difference
//	benchcheck records REPORT.json BASELINE.jsonl
//	    compares the records extriage read per file (REPORT.json, from
//	    extriage scan -f json) with those the golang-evtx baseline decoded
//	    (BASELINE.jsonl, from goevtx-baseline -v), and lists every file
//	    where they differ with the baseline's reason
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchcheck:", err)
		os.Exit(2)
	}
}

type errDiffer struct{ msg string }

func (e errDiffer) Error() string { return e.msg }

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: benchcheck summary|incidents|records FILE...")
	}
	switch {
	case args[0] == "summary" && len(args) == 2:
		r, err := load(args[1])
		if err != nil {
			return err
		}
		s := r.Summary
		fmt.Fprintf(out, "inputs=%d records=%d lost=%d bytes=%d errors=%d incidents=%d\n",
			s.Inputs, s.Records, s.Lost, s.Bytes, len(s.Errors), len(r.Incidents))
		return nil
	case args[0] == "incidents" && len(args) == 3:
		a, err := load(args[1])
		if err != nil {
			return err
		}
		b, err := load(args[2])
		if err != nil {
			return err
		}
		if msg := sameIncidents(a.Incidents, b.Incidents); msg != "" {
			fmt.Fprintln(out, msg)
			os.Exit(1)
		}
		fmt.Fprintf(out, "identical: %d incidents\n", len(a.Incidents))
		return nil
	case args[0] == "baseline" && len(args) == 2:
		b, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		var r struct {
			Files        int   `json:"files"`
			FilesFailed  int   `json:"files_failed"`
			ChunksFailed int   `json:"chunks_failed"`
			Bytes        int64 `json:"bytes"`
			Records      int64 `json:"records"`
			RecordErrors int64 `json:"record_errors"`
		}
		if err := json.Unmarshal(lastLine(b), &r); err != nil {
			return fmt.Errorf("%s: %w", args[1], err)
		}
		fmt.Fprintf(out, "files=%d files_failed=%d bytes=%d chunks_failed=%d records=%d record_errors=%d\n",
			r.Files, r.FilesFailed, r.Bytes, r.ChunksFailed, r.Records, r.RecordErrors)
		return nil
	case args[0] == "planted" && len(args) == 3:
		msg, err := checkPlanted(args[1], args[2])
		if err != nil {
			return err
		}
		fmt.Fprintln(out, msg)
		if !strings.HasPrefix(msg, "all ") {
			os.Exit(1)
		}
		return nil
	case args[0] == "records" && len(args) == 3:
		r, err := load(args[1])
		if err != nil {
			return err
		}
		base, err := loadBaseline(args[2])
		if err != nil {
			return err
		}
		compareRecords(r, base, out)
		return nil
	}
	return fmt.Errorf("usage: benchcheck summary REPORT | incidents A B | baseline BASELINE.json | planted BULK.json REPORT | records REPORT BASELINE.jsonl")
}

// lastLine returns the last non-empty line of b: the baseline prints one.
func lastLine(b []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return lines[len(lines)-1]
}

// checkPlanted compares the incidents fixtures/bulk planted with those of
// the report, by pattern, key and count.
func checkPlanted(bulkPath, reportPath string) (string, error) {
	b, err := os.ReadFile(bulkPath)
	if err != nil {
		return "", err
	}
	var bulk struct {
		Incidents []struct {
			Pattern, Key string
			Count        int
		} `json:"incidents"`
	}
	if err := json.Unmarshal(b, &bulk); err != nil {
		return "", fmt.Errorf("%s: %w", bulkPath, err)
	}
	r, err := load(reportPath)
	if err != nil {
		return "", err
	}
	key := func(p, k string, n int) string { return fmt.Sprintf("%s %s (%d)", p, strings.ToLower(k), n) }
	want := map[string]bool{}
	for _, p := range bulk.Incidents {
		want[key(p.Pattern, p.Key, p.Count)] = true
	}
	var extra []string
	for _, raw := range r.Incidents {
		var inc struct {
			Pattern, Key string
			Count        int
		}
		if err := json.Unmarshal(raw, &inc); err != nil {
			return "", err
		}
		k := key(inc.Pattern, inc.Key, inc.Count)
		if want[k] {
			delete(want, k)
		} else {
			extra = append(extra, k)
		}
	}
	if len(want) == 0 && len(extra) == 0 {
		return fmt.Sprintf("all %d planted incidents found, and no other", len(bulk.Incidents)), nil
	}
	var missing []string
	for k := range want {
		missing = append(missing, k)
	}
	sort.Strings(missing)
	return fmt.Sprintf("planted incidents not found: %q; incidents not planted: %q", missing, extra), nil
}

// report is the part of extriage's JSON report read here.
type report struct {
	Summary struct {
		Inputs  int               `json:"inputs"`
		Records int64             `json:"records"`
		Lost    int64             `json:"records_lost"`
		Bytes   int64             `json:"bytes"`
		Errors  []json.RawMessage `json:"errors"`
		Files   []struct {
			File    string `json:"file"`
			Kind    string `json:"kind"`
			Records int64  `json:"records"`
			Lost    int64  `json:"records_lost"`
		} `json:"files"`
	} `json:"summary"`
	Incidents []json.RawMessage `json:"incidents"`
}

func load(path string) (*report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// sameIncidents compares incidents as canonical JSON (object keys sorted),
// in order: the report sorts them.
func sameIncidents(a, b []json.RawMessage) string {
	if len(a) != len(b) {
		return fmt.Sprintf("different: %d incidents and %d incidents", len(a), len(b))
	}
	for i := range a {
		ca, cb := canonical(a[i]), canonical(b[i])
		if !bytes.Equal(ca, cb) {
			return fmt.Sprintf("different: incident %d:\n  %s\n  %s", i+1, clip(ca), clip(cb))
		}
	}
	return ""
}

func canonical(m json.RawMessage) []byte {
	var v any
	if err := json.Unmarshal(m, &v); err != nil {
		return m
	}
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return b
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// baselineFile is one line of goevtx-baseline -v.
type baselineFile struct {
	File         string `json:"file"`
	Chunks       int    `json:"chunks"`
	ChunksFailed int    `json:"chunks_failed"`
	Records      int64  `json:"records"`
	RecordErrors int64  `json:"record_errors"`
	Error        string `json:"error"`
}

func loadBaseline(path string) (map[string]baselineFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]baselineFile{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var b baselineFile
		if err := json.Unmarshal(sc.Bytes(), &b); err != nil || b.File == "" {
			continue // the closing summary line, or noise
		}
		out[filepath.Clean(b.File)] = b
	}
	return out, sc.Err()
}

// compareRecords prints the totals and each file whose counts differ, with
// the reason the baseline gives.
func compareRecords(r *report, base map[string]baselineFile, out io.Writer) {
	var ex, gb int64
	type diff struct {
		file       string
		ex, gb     int64
		lost       int64
		why        string
		extriageLo bool
	}
	var diffs []diff
	seen := map[string]bool{}
	for _, f := range r.Summary.Files {
		if f.Kind != "evtx" {
			continue
		}
		p := filepath.Clean(f.File)
		seen[p] = true
		b, ok := base[p]
		ex += f.Records
		gb += b.Records
		if !ok {
			diffs = append(diffs, diff{p, f.Records, 0, f.Lost, "not read by the baseline", false})
			continue
		}
		if b.Records != f.Records {
			diffs = append(diffs, diff{p, f.Records, b.Records, f.Lost, reason(b), f.Records < b.Records})
		}
	}
	for p, b := range base {
		if !seen[p] {
			gb += b.Records
			diffs = append(diffs, diff{p, 0, b.Records, 0, "not read by extriage (skipped or refused)", true})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].file < diffs[j].file })
	fmt.Fprintf(out, "records: extriage %d, golang-evtx baseline %d, difference %+d, in %d files\n", ex, gb, ex-gb, len(diffs))
	lower := 0
	for _, d := range diffs {
		if d.extriageLo {
			lower++
		}
		fmt.Fprintf(out, "  %s: extriage %d (known lost %d), baseline %d: %s\n", filepath.Base(d.file), d.ex, d.lost, d.gb, d.why)
	}
	if lower > 0 {
		fmt.Fprintf(out, "WARNING: extriage read fewer records than the baseline in %d files\n", lower)
	}
}

// reason says why the baseline decoded fewer records than extriage.
func reason(b baselineFile) string {
	var parts []string
	switch {
	case b.Chunks == 0 && b.Error != "":
		return "golang-evtx refused the file (" + b.Error + ")"
	case b.ChunksFailed > 0:
		parts = append(parts, fmt.Sprintf("%d of %d chunks stopped by an error (golang-evtx drops a chunk at its first bad record)", b.ChunksFailed, b.Chunks))
	}
	if b.RecordErrors > 0 {
		parts = append(parts, fmt.Sprintf("%d records golang-evtx cannot decode", b.RecordErrors))
	}
	if len(parts) == 0 {
		parts = append(parts, "chunks beyond the header's (repaired) chunk count, which golang-evtx does not read")
	}
	s := strings.Join(parts, "; ")
	if b.Error != "" {
		s += " (first: " + b.Error + ")"
	}
	return s
}
