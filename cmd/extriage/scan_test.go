package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/patterns"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const fixtures = "../../fixtures"

// fact is one entry of fixtures/evtx/facts.json, which the generator
// writes beside the files it generates.
type fact struct {
	File      string   `json:"file"`
	Incident  string   `json:"incident"`
	Incidents []string `json:"incidents"` // "pattern key", for a file with several

	Database                  string   `json:"database"`
	Server                    string   `json:"server"`
	ReasonCode                string   `json:"reason_code"`
	AvailabilityCount         int      `json:"availability_count"`
	ExpectedAvailabilityCount int      `json:"expected_availability_count"`
	BlockedServers            []string `json:"blocked_servers"`
	Support                   struct {
		Count708, Count738, Count2001, CountRequiredRange int
		First, Last                                       string
		RecordIDs                                         []uint64 `json:"record_ids"`
	} `json:"support"`
	Damage *struct {
		Kind      string   `json:"kind"`
		Chunk     int      `json:"chunk"`
		RecordIDs []uint64 `json:"record_ids"`
	} `json:"damage"`
}

func (f *fact) UnmarshalJSON(b []byte) error {
	type plain fact
	var aux struct {
		plain
		Support struct {
			Count708  int      `json:"count_708"`
			Count738  int      `json:"count_738"`
			Count2001 int      `json:"count_2001"`
			CountR    int      `json:"count_required_range"`
			First     string   `json:"first"`
			Last      string   `json:"last"`
			RecordIDs []uint64 `json:"record_ids"`
		} `json:"support"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*f = fact(aux.plain)
	s := aux.Support
	f.Support.Count708, f.Support.Count738, f.Support.Count2001 = s.Count708, s.Count738, s.Count2001
	f.Support.CountRequiredRange = s.CountR
	f.Support.First, f.Support.Last, f.Support.RecordIDs = s.First, s.Last, s.RecordIDs
	return nil
}

// document is the part of the JSON report the tests read.
type document struct {
	SchemaVersion int `json:"schema_version"`
	Summary       struct {
		Inputs  int  `json:"inputs"`
		Records int  `json:"records"`
		Partial bool `json:"partial"`
		Errors  []struct {
			File    string `json:"file"`
			Chunk   *int   `json:"chunk"`
			Record  uint64 `json:"record"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"summary"`
	Incidents []struct {
		Pattern     string         `json:"pattern"`
		Title       string         `json:"title"`
		Explanation string         `json:"explanation"`
		Key         string         `json:"key"`
		Fields      map[string]any `json:"fields"`
		Count       int            `json:"count"`
		FirstSeen   string         `json:"first_seen"`
		LastSeen    string         `json:"last_seen"`
		Remedy      []remedyStep
		Evidence    []struct {
			File      string `json:"file"`
			Record    uint64 `json:"record"`
			Signature string `json:"signature"`
		} `json:"evidence"`
	} `json:"incidents"`
}

// remedyStep is one remedy step of the JSON report.
type remedyStep struct {
	Text, Command, Shell string
	SideEffects          string `json:"side_effects"`
}

func scanJSON(t *testing.T, args ...string) (document, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"scan", "--format", "json"}, args...), &out, &errOut)
	var doc document
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("scan %v: output is not JSON (%v); stderr: %s", args, err, errOut.String())
	}
	return doc, code
}

func loadFacts(t *testing.T) []fact {
	b, err := os.ReadFile(filepath.Join(fixtures, "evtx", "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var facts []fact
	if err := json.Unmarshal(b, &facts); err != nil {
		t.Fatal(err)
	}
	return facts
}

// TestScanFixtures scans each generated log on its own and checks the
// incident, its fields, count, times and evidence, the damage named, and
// the exit code, against the facts the generator recorded.
func TestScanFixtures(t *testing.T) {
	for _, f := range loadFacts(t) {
		t.Run(strings.Split(f.File, "/")[1], func(t *testing.T) {
			doc, code := scanJSON(t, filepath.Join(fixtures, f.File))
			wantCode := exitIncidents
			switch {
			case f.Incident == "" && len(f.Incidents) == 0:
				wantCode = exitClean
			case f.Damage != nil && f.Damage.Kind != "dirty": // a dirty file is a normal copy of a live log
				wantCode = exitPartial
			}
			if code != wantCode {
				t.Errorf("exit code %d, want %d", code, wantCode)
			}
			if len(f.Incidents) > 0 {
				var got []string
				for _, inc := range doc.Incidents {
					got = append(got, inc.Pattern+" "+inc.Key)
				}
				slices.Sort(got)
				if !slices.Equal(got, f.Incidents) {
					t.Errorf("incidents %q, want %q", got, f.Incidents)
				}
				return
			}
			if f.Incident == "" {
				if len(doc.Incidents) != 0 {
					t.Fatalf("negative fixture raised %d incidents: %+v", len(doc.Incidents), doc.Incidents)
				}
				return
			}
			if len(doc.Incidents) != 1 {
				t.Fatalf("got %d incidents, want 1", len(doc.Incidents))
			}
			inc := doc.Incidents[0]
			checkIncident(t, f, inc.Pattern, inc.Fields, inc.Count, inc.FirstSeen, inc.LastSeen)
			if f.Damage != nil && f.Damage.Kind != "dirty" {
				checkDamageNamed(t, f, doc)
			}
			if ids := f.Support.RecordIDs; len(ids) > 0 {
				var got []uint64
				for _, e := range inc.Evidence {
					got = append(got, e.Record)
				}
				if !slices.Equal(got, ids) {
					t.Errorf("evidence records %v, want %v", got, ids)
				}
			}
		})
	}
}

func checkIncident(t *testing.T, f fact, pattern string, fields map[string]any, count int, first, last string) {
	t.Helper()
	if pattern != f.Incident {
		t.Errorf("pattern %q, want %q", pattern, f.Incident)
	}
	for k, want := range map[string]string{"database": f.Database, "server": f.Server, "reason_code": f.ReasonCode} {
		if got, _ := fields[k].(string); got != want { // absent when the facts have none
			t.Errorf("fields.%s = %v, want %q", k, fields[k], want)
		}
	}
	if f.AvailabilityCount != 0 {
		if fields["availability_count"] != float64(f.AvailabilityCount) || fields["expected_availability_count"] != float64(f.ExpectedAvailabilityCount) {
			t.Errorf("availability %v of %v, want %d of %d", fields["availability_count"], fields["expected_availability_count"], f.AvailabilityCount, f.ExpectedAvailabilityCount)
		}
		var blocked []string
		list, _ := fields["blocked_servers"].([]any) // absent when no Blocked line names a server
		for _, s := range list {
			blocked = append(blocked, s.(string))
		}
		if !slices.Equal(blocked, f.BlockedServers) {
			t.Errorf("blocked_servers %v, want %v", blocked, f.BlockedServers)
		}
	}
	if want := f.Support.Count708 + f.Support.Count738 + f.Support.Count2001 + f.Support.CountRequiredRange; count != want {
		t.Errorf("count %d, want %d", count, want)
	}
	if first != f.Support.First || last != f.Support.Last {
		t.Errorf("seen %s to %s, want %s to %s", first, last, f.Support.First, f.Support.Last)
	}
}

// checkDamageNamed: the damage is reported with its file and chunk, and
// with the record where one record was lost.
func checkDamageNamed(t *testing.T, f fact, doc document) {
	t.Helper()
	if !doc.Summary.Partial {
		t.Error("summary.partial is false for a damaged file")
	}
	for _, e := range doc.Summary.Errors {
		if e.Chunk == nil || *e.Chunk != f.Damage.Chunk || !strings.HasSuffix(e.File, filepath.FromSlash(f.File)) {
			continue
		}
		if f.Damage.Kind == "bad-records-crc" || slices.Contains(f.Damage.RecordIDs, e.Record) {
			return
		}
	}
	t.Errorf("no error names chunk %d, records %v: %+v", f.Damage.Chunk, f.Damage.RecordIDs, doc.Summary.Errors)
}

// TestScanAllFixtures scans the bundled folder as the README's quick start
// does: every positive fixture's incident is there, damage wins the exit
// code, and non-log files are skipped, not errors.
func TestScanAllFixtures(t *testing.T) {
	doc, code := scanJSON(t, fixtures)
	if code != exitPartial {
		t.Errorf("exit code %d, want %d (partial scan)", code, exitPartial)
	}
	want := 0
	for _, f := range loadFacts(t) {
		if f.Incident != "" {
			want++
		}
		want += len(f.Incidents)
	}
	for _, f := range loadTraceFacts(t) {
		want += len(f.Incidents) // each sender and recipient is in one file only
	}
	if len(doc.Incidents) != want {
		t.Errorf("%d incidents, want those of every positive fixture (%d)", len(doc.Incidents), want)
	}
	if doc.SchemaVersion != 1 {
		t.Errorf("schema_version %d", doc.SchemaVersion)
	}
}

func TestExitCodes(t *testing.T) {
	notLog := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notLog, []byte("hello"), 0o644)
	tests := []struct {
		name string
		args []string
		want int
		says string
	}{
		{"help", []string{"--help"}, exitClean, "Usage: extriage"},
		{"no arguments", nil, exitClean, "Usage: extriage"},
		{"scan help", []string{"scan", "--help"}, exitClean, "--format"},
		{"version", []string{"version"}, exitClean, "extriage"},
		{"unknown flag", []string{"scan", "--frobnicate", fixtures}, exitError, "unknown flag"},
		{"bad format", []string{"scan", "--format", "xml", fixtures}, exitError, "format"},
		{"missing path", []string{"scan", "no/such/dir"}, exitError, `"no/such/dir" does not exist`},
		{"missing path beside a log", []string{"scan", filepath.Join(fixtures, "evtx", "field-case"), "no/such.evtx", "gone"}, exitError,
			`"no/such.evtx", "gone" do not exist`},
		{"not a log", []string{"scan", notLog}, exitError, "not a Windows event log or a message-trace export"},
		{"folder without logs", []string{"scan", filepath.Dir(notLog)}, exitError, "nothing was scanned"},
		{"clean negative", []string{"scan", filepath.Join(fixtures, "evtx", "negative-healthy-lag")}, exitClean, "No incident"},
		{"incident", []string{"scan", filepath.Join(fixtures, "evtx", "field-case")}, exitIncidents, `DB1\SERVER3`},
		{"output extension unknown", []string{"scan", "-o", filepath.Join(t.TempDir(), "r.xyz"), fixtures}, exitError, "--format"},
		// The field case is one high incident between 2024-02-12 and 2024-02-14.
		{"fail-on none", []string{"scan", "--fail-on", "none", filepath.Join(fixtures, "evtx", "field-case")}, exitClean, `DB1\SERVER3`},
		{"fail-on critical", []string{"scan", "--fail-on", "critical", filepath.Join(fixtures, "evtx", "field-case")}, exitClean, `DB1\SERVER3`},
		{"fail-on high", []string{"scan", "--fail-on", "HIGH", filepath.Join(fixtures, "evtx", "field-case")}, exitIncidents, `DB1\SERVER3`},
		{"fail-on bad", []string{"scan", "--fail-on", "severe", filepath.Join(fixtures, "evtx", "field-case")}, exitError, "want info, low, medium, high or critical, or none"},
		{"min-severity critical", []string{"scan", "--min-severity", "critical", filepath.Join(fixtures, "evtx", "field-case")}, exitClean, "No incident"},
		{"min-severity none is no level", []string{"scan", "--min-severity", "none", filepath.Join(fixtures, "evtx", "field-case")}, exitError, "--min-severity"},
		{"since after", []string{"scan", "--since", "2024-02-15", filepath.Join(fixtures, "evtx", "field-case")}, exitClean, "No incident"},
		{"until before", []string{"scan", "--until", "2024-02-01T00:00:00Z", filepath.Join(fixtures, "evtx", "field-case")}, exitClean, "No incident"},
		{"window around", []string{"scan", "--since", "2024-02-12", "--until", "2024-02-15", filepath.Join(fixtures, "evtx", "field-case")}, exitIncidents, `DB1\SERVER3`},
		{"since relative", []string{"scan", "--since", "72h", filepath.Join(fixtures, "evtx", "field-case")}, exitClean, "No incident"},
		{"since bad", []string{"scan", "--since", "yesterday", filepath.Join(fixtures, "evtx", "field-case")}, exitError, "duration back from now"},
		{"until before since", []string{"scan", "--since", "2024-02-15", "--until", "2024-02-01", filepath.Join(fixtures, "evtx", "field-case")}, exitError, "is before --since"},
		{"quiet", []string{"scan", "-q", filepath.Join(fixtures, "evtx", "field-case")}, exitIncidents, ""},
		{"bad timezone", []string{"scan", "--timezone", "Mars/Olympus", filepath.Join(fixtures, "evtx", "field-case")}, exitError, "--timezone"},
		{"bad date format", []string{"scan", "--date-format", "ydm", filepath.Join(fixtures, "evtx", "field-case")}, exitError, "--date-format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if got := run(tt.args, &out, &errOut); got != tt.want {
				t.Errorf("exit %d, want %d; stderr: %s", got, tt.want, errOut.String())
			}
			if tt.says == "" && out.Len()+errOut.Len() > 0 {
				t.Errorf("quiet run printed:\n%s%s", out.String(), errOut.String())
			}
			// The table wraps sentences at 80 columns: compare the words.
			if all := strings.Join(strings.Fields(out.String()+errOut.String()), " "); !strings.Contains(all, tt.says) {
				t.Errorf("output does not say %q:\n%s", tt.says, all)
			}
		})
	}
}

// TestGolden compares whole reports in every format with files in
// testdata/: HA and trace incidents together, damage, hostile subjects.
// The clock is stopped so times and throughput are fixed. Run with -update
// after an intended change and review the diff.
func TestGolden(t *testing.T) {
	inputs := []string{
		filepath.Join(fixtures, "evtx", "field-case"),
		filepath.Join(fixtures, "evtx", "damaged-zeroed-signature"),
		filepath.Join(fixtures, "trace", "af-tracking-log"),
		filepath.Join(fixtures, "trace", "extended-report"),
		filepath.Join(fixtures, "trace", "damaged-ragged"),
	}
	for _, format := range []string{"json", "table", "ndjson", "markdown", "html", "csv", "ecs", "timesketch"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			runEnv(append([]string{"scan", "--format", format, "--since", "2000-01-01"}, inputs...), goldenEnv(&out, &errOut))
			compareGolden(t, filepath.Join("testdata", "fixtures."+format), out.Bytes(), errOut.String())
		})
	}
}

// goldenStopped is the clock of golden tests.
var goldenStopped = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// goldenEnv is the environment of golden tests: the clock stopped and the
// build fixed, so reports compare byte for byte.
func goldenEnv(stdout, stderr *bytes.Buffer) *env {
	return &env{stdout: stdout, stderr: stderr, now: func() time.Time { return goldenStopped },
		build:   buildInfo{Version: "v0.0.0-test", Revision: "0123456789abcdef", Time: "2026-11-23T11:00:00Z", Go: "go1.0"},
		catalog: &patterns.Version{Hash: strings.Repeat("ca7a", 16), Files: 2}}
}

// compareGolden compares got with the golden file, or rewrites it with
// -update.
func compareGolden(t *testing.T, golden string, got []byte, stderr string) {
	t.Helper()
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/extriage -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report differs from %s (run with -update and review the diff); stderr: %s", golden, stderr)
	}
}

// A run with --baseline of its own previous JSON report exits 0 and marks
// every incident known; a new incident still fails the run.
func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	field := filepath.Join(fixtures, "evtx", "field-case")
	var out, errOut bytes.Buffer
	if code := run([]string{"scan", "-o", base, field}, &out, &errOut); code != exitIncidents {
		t.Fatalf("first run exit %d: %s", code, errOut.String())
	}
	out.Reset()
	code := run([]string{"scan", "-f", "json", "--baseline", base, field}, &out, &errOut)
	if code != exitClean {
		t.Errorf("rerun with its own baseline: exit %d, want 0", code)
	}
	var raw struct {
		Incidents []struct {
			ID    string `json:"id"`
			Known bool   `json:"known"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Incidents) == 0 {
		t.Fatal("no incidents in the rerun")
	}
	for _, inc := range raw.Incidents {
		if !inc.Known {
			t.Errorf("incident %s not marked known", inc.ID)
		}
	}
	// Another fixture's incident is new against this baseline.
	if _, code := scanJSON(t, "--baseline", base, field, filepath.Join(fixtures, "evtx", "low-disk")); code != exitIncidents {
		t.Errorf("a new incident beside known ones: exit %d, want 1", code)
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"scan", "--baseline", filepath.Join(dir, "missing.json"), field}, &out, &errOut); code != exitError ||
		!strings.Contains(errOut.String(), "missing.json") {
		t.Errorf("missing baseline: exit %d, want 2 and the file named; stderr: %s", code, errOut.String())
	}
}

// A script may keep one report and pass it as both --baseline and -o: the
// baseline is read before the report is written over it.
func TestBaselineSameFileAsOutput(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.json")
	field := filepath.Join(fixtures, "evtx", "field-case")
	var out, errOut bytes.Buffer
	if code := run([]string{"scan", "-o", report, field}, &out, &errOut); code != exitIncidents {
		t.Fatalf("first run: exit %d: %s", code, errOut.String())
	}
	if code := run([]string{"scan", "-o", report, "--baseline", report, field}, &out, &errOut); code != exitClean {
		t.Errorf("second run: exit %d, want 0: %s", code, errOut.String())
	}
	// A bad flag leaves the report as it was.
	before, _ := os.ReadFile(report)
	if code := run([]string{"scan", "-o", report, "--since", "soon", field}, &out, &errOut); code != exitError {
		t.Errorf("bad --since: exit %d", code)
	}
	if after, _ := os.ReadFile(report); !bytes.Equal(before, after) {
		t.Error("a run that failed on a flag changed the report file")
	}
}

// --cpuprofile writes a profile pprof can read, is not scanned itself when
// written into the folder scanned, and changes nothing in the report.
func TestCPUProfile(t *testing.T) {
	dir := t.TempDir()
	field := filepath.Join(fixtures, "evtx", "field-case")
	if err := os.CopyFS(dir, os.DirFS(field)); err != nil {
		t.Skipf("no fixtures (%v): run go run ./fixtures/gen", err)
	}
	profile := filepath.Join(dir, "cpu.out")
	var plain, profiled, errOut bytes.Buffer
	codePlain := run([]string{"scan", "-f", "json", dir}, &plain, &errOut)
	codeProfiled := run([]string{"scan", "-f", "json", "--cpuprofile", profile, dir}, &profiled, &errOut)
	if codePlain != codeProfiled {
		t.Errorf("exit %d with --cpuprofile, %d without: %s", codeProfiled, codePlain, errOut.String())
	}
	b, err := os.ReadFile(profile)
	if err != nil {
		t.Fatalf("no profile written: %v", err)
	}
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) { // pprof profiles are gzipped protocol buffers
		t.Errorf("the profile does not start as a pprof profile does: % x", b[:min(len(b), 8)])
	}
	var docPlain, docProfiled document
	if err := json.Unmarshal(plain.Bytes(), &docPlain); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(profiled.Bytes(), &docProfiled); err != nil {
		t.Fatal(err)
	}
	if docPlain.Summary.Inputs != docProfiled.Summary.Inputs || docPlain.Summary.Records != docProfiled.Summary.Records {
		t.Errorf("with --cpuprofile %d inputs and %d records, without %d and %d",
			docProfiled.Summary.Inputs, docProfiled.Summary.Records, docPlain.Summary.Inputs, docPlain.Summary.Records)
	}
	if len(docPlain.Incidents) == 0 || len(docPlain.Incidents) != len(docProfiled.Incidents) {
		t.Errorf("%d incidents with --cpuprofile, %d without", len(docProfiled.Incidents), len(docPlain.Incidents))
	}
}
