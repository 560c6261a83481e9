package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// zipOf writes a zip of the given fixture files under the member names given.
func zipOf(t *testing.T, members map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "exports.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, src := range members {
		data, err := os.ReadFile(filepath.Join(fixtures, filepath.FromSlash(src)))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// A zip of a server's exports is read in place: the same incidents as the
// files themselves, with the member path in the evidence.
func TestScanZip(t *testing.T) {
	z := zipOf(t, map[string]string{
		"SERVER3/Microsoft-Exchange-HighAvailability%4Operational.evtx": "evtx/field-case/SERVER3/Microsoft-Exchange-HighAvailability%4Operational.evtx",
		"EX01/MSGTRK2024020309-1.LOG":                                   "trace/af-tracking-log/MSGTRK2024020309-1.LOG",
		"notes/readme.txt":                                              "README.md",
	})
	rep, code, stderr := scanTrace(t, z)
	if code != exitIncidents {
		t.Errorf("exit %d, want 1; stderr: %s", code, stderr)
	}
	var evidence []string
	for _, inc := range rep.Incidents {
		for _, e := range inc.Evidence {
			evidence = append(evidence, e.File)
		}
	}
	for _, want := range []string{z + "!/SERVER3/Microsoft-Exchange-HighAvailability%4Operational.evtx", z + "!/EX01/MSGTRK2024020309-1.LOG"} {
		if !strings.Contains(strings.Join(evidence, "\n"), want) {
			t.Errorf("no evidence cites %s", want)
		}
	}
	if len(rep.Incidents) != 3 { // the lagged copy, lee's drops, kim's OOF note
		t.Errorf("%d incidents, want 3", len(rep.Incidents))
	}
}

// "-" reads a trace from standard input.
func TestScanStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures, "trace", "extended-report", "extended_report_contoso.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := runEnv([]string{"scan", "-f", "json", "-"}, &env{stdin: bytes.NewReader(data), stdout: &out, stderr: &errOut, now: time.Now})
	var rep traceReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON (%v); stderr: %s", err, errOut.String())
	}
	if code != exitIncidents || len(rep.Incidents) != 2 {
		t.Errorf("exit %d, %d incidents; want 1 and 2; stderr: %s", code, len(rep.Incidents), errOut.String())
	}
}

// A member that inflates past the limits is an error naming the archive
// and the member; the rest of the archive is still read.
func TestScanZipBomb(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.zip")
	f, _ := os.Create(path)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("SERVER9/huge.evtx")
	w.Write([]byte("ElfFile\x00"))
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB of zeros: a ratio of about 1000
		w.Write(zeros)
	}
	data, _ := os.ReadFile(filepath.Join(fixtures, "trace", "af-tracking-log", "MSGTRK2024020309-1.LOG"))
	w, _ = zw.Create("EX01/MSGTRK2024020309-1.LOG")
	w.Write(data)
	zw.Close()
	f.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"scan", "-f", "json", path}, &out, &errOut)
	var doc struct {
		Summary struct {
			Errors []struct{ File, Message string } `json:"errors"`
		} `json:"summary"`
		Incidents []json.RawMessage `json:"incidents"`
	}
	json.Unmarshal(out.Bytes(), &doc)
	if code != exitPartial || len(doc.Incidents) != 2 {
		t.Errorf("exit %d with %d incidents, want 3 and the trace's 2; stderr: %s", code, len(doc.Incidents), errOut.String())
	}
	found := false
	for _, e := range doc.Summary.Errors {
		found = found || strings.Contains(e.File, "huge.evtx") && strings.Contains(e.Message, "Ratio")
	}
	if !found {
		t.Errorf("no error names the bomb and the limit: %+v", doc.Summary.Errors)
	}
}
